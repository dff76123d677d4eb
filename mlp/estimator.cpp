#include "estimator.hpp"

#include <fmt/format.h>

#include <algorithm>
#include <cmath>
#include <limits>
#include <random>

#include "data.hpp"
#include "split.hpp"

namespace tapegrad::mlp {

template <class T>
MLPEstimator<T>::MLPEstimator(MLPParams params, std::string name)
    : params_(std::move(params)), name_(std::move(name)), rng_(std::random_device{}()) {}

template <class T>
void MLPEstimator<T>::set_initial_weights(std::vector<Array<T>> coefs, std::vector<Array<T>> intercepts) {
    if (coefs.size() != intercepts.size() || coefs.empty())
        throw Error(name_ + ".set_initial_weights: " + std::to_string(coefs.size()) + " coefs and " +
                    std::to_string(intercepts.size()) + " intercepts; give one of each per layer");
    initial_weights_.emplace(std::move(coefs), std::move(intercepts));
}

template <class T>
void MLPEstimator<T>::set_weights(const std::vector<Array<T>>& coefs, const std::vector<Array<T>>& intercepts) {
    check_fitted("set_weights");
    network_->set_weights(coefs, intercepts);
}

template <class T>
void MLPEstimator<T>::check_fitted(const char* method) const {
    if (!network_)
        throw Error("This " + name_ + " instance is not fitted yet. Call 'fit' with appropriate arguments before "
                    "using " + method + ".");
}

// ---- attributes ------------------------------------------------------------------------------

template <class T> T MLPEstimator<T>::loss_() const { check_fitted("loss_"); return static_cast<T>(state_.loss); }
template <class T> std::optional<T> MLPEstimator<T>::best_loss_() const {
    check_fitted("best_loss_");
    if (params_.solver == "lbfgs" || state_.early_stopping || state_.loss_curve.empty()) return std::nullopt;
    return static_cast<T>(state_.best_loss);
}
template <class T> const std::vector<T>& MLPEstimator<T>::loss_curve_() const { return state_.loss_curve; }
template <class T> const std::vector<double>& MLPEstimator<T>::validation_scores_() const {
    return state_.validation_scores;
}
template <class T> std::optional<double> MLPEstimator<T>::best_validation_score_() const {
    if (!state_.early_stopping || state_.validation_scores.empty()) return std::nullopt;
    return state_.best_validation_score;
}
template <class T> std::size_t MLPEstimator<T>::t_() const { check_fitted("t_"); return state_.t; }
template <class T> std::vector<Array<T>> MLPEstimator<T>::coefs_() const { check_fitted("coefs_"); return network_->coefs(); }
template <class T> std::vector<Array<T>> MLPEstimator<T>::intercepts_() const {
    check_fitted("intercepts_");
    return network_->intercepts();
}
template <class T> std::size_t MLPEstimator<T>::n_features_in_() const {
    check_fitted("n_features_in_");
    return n_features_in_value_;
}
template <class T> std::size_t MLPEstimator<T>::n_iter_() const { check_fitted("n_iter_"); return state_.n_iter; }
template <class T> std::size_t MLPEstimator<T>::n_layers_() const {
    check_fitted("n_layers_");
    return network_->layer_units().size();
}
template <class T> std::size_t MLPEstimator<T>::n_outputs_() const {
    check_fitted("n_outputs_");
    return network_->layer_units().back();
}
template <class T> std::string MLPEstimator<T>::out_activation_() const {
    check_fitted("out_activation_");
    return to_string(network_->output_activation());
}
template <class T> StopReason MLPEstimator<T>::stop_reason_() const { return state_.stop_reason; }
template <class T> const std::vector<T>& MLPEstimator<T>::lbfgs_losses_() const { return state_.lbfgs_losses; }
template <class T> const std::vector<std::string>& MLPEstimator<T>::warnings_() const { return state_.warnings; }

// ---- one batch through the tape --------------------------------------------------------------

template <class T>
T MLPEstimator<T>::compute_loss_and_gradients(const Array<T>& X, const Array<T>& Y) {
    check_fitted("compute_loss_and_gradients");
    check_X(X, name_);
    check_n_features(X.shape()[1], n_features_in_value_, name_);
    const std::size_t n_outputs = network_->layer_units().back();
    Array<T> targets = Y;
    if (Y.dimension() == 1 && n_outputs == 1) targets.reshape({Y.shape()[0], std::size_t(1)});
    if (targets.dimension() != 2 || targets.shape()[0] != X.shape()[0] || targets.shape()[1] != n_outputs)
        throw Error(name_ + ".compute_loss_and_gradients: Y of shape " + shape_str(Y.shape()) + " for X of shape " +
                    shape_str(X.shape()) + " and " + std::to_string(n_outputs) + " outputs");
    return network_->loss_and_gradients(X, targets, params_.alpha);
}

template <class T> std::vector<Array<T>> MLPEstimator<T>::coef_grads() const {
    check_fitted("coef_grads");
    return network_->coef_grads();
}
template <class T> std::vector<Array<T>> MLPEstimator<T>::intercept_grads() const {
    check_fitted("intercept_grads");
    return network_->intercept_grads();
}
template <class T> std::vector<Array<T>> MLPEstimator<T>::activations() const {
    check_fitted("activations");
    return network_->activations();
}
template <class T> const optim::SGD<T>* MLPEstimator<T>::sgd_optimizer() const {
    return optimizer_ ? optimizer_->sgd() : nullptr;
}
template <class T> const optim::Adam<T>* MLPEstimator<T>::adam_optimizer() const {
    return optimizer_ ? optimizer_->adam() : nullptr;
}

template <class T>
Array<T> MLPEstimator<T>::forward(const Array<T>& X) const {
    check_X(X, name_);
    check_n_features(X.shape()[1], n_features_in_value_, name_);
    return network_->predict(X);
}

// ---- _fit -------------------------------------------------------------------------------------

namespace {
std::string sizes_str(const std::vector<std::size_t>& sizes) {
    std::string text = "[";
    for (std::size_t i = 0; i < sizes.size(); ++i) text += (i ? ", " : "") + std::to_string(sizes[i]);
    return text + "]";
}
}  // namespace

template <class T>
void MLPEstimator<T>::fit_network(const Array<T>& X, const Array<T>& Y, OutputActivation output, bool first_pass,
                                  bool incremental, const std::vector<std::size_t>* strata,
                                  const ValidationScore<T>& score) {
    const bool distributed = comm_ && comm_->size() > 1;
    if (distributed) start_on_every_rank(X, Y);
    if (shard_of_ && (!distributed || params_.solver != "lbfgs"))
        throw Error(name_ + ": set_shard_of (each rank holding only its rows of X) needs solver='lbfgs' and more than "
                    "one rank; solver is '" + params_.solver + "'");
    const std::size_t n_samples = rows_of(X), n_features = X.shape()[1], n_outputs = Y.shape()[1];
    std::vector<std::size_t> layer_units{n_features};
    layer_units.insert(layer_units.end(), params_.hidden_layer_sizes.begin(), params_.hidden_layer_sizes.end());
    layer_units.push_back(n_outputs);
    const nn::Activation hidden = nn::parse_activation(params_.activation);
    const bool stochastic = params_.solver != "lbfgs";

    // ---- every check before any state changes ----
    if (!first_pass) {
        check_n_features(n_features, n_features_in_value_, name_);
        const auto& fitted_units = network_->layer_units();
        if (fitted_units.back() != n_outputs)
            throw Error(name_ + ": y has " + std::to_string(n_outputs) + " output(s) but the fitted network has " +
                        std::to_string(fitted_units.back()) + "; warm_start and partial_fit keep the outputs");
        if (fitted_units != layer_units)
            throw Error(name_ + ": hidden_layer_sizes " + sizes_str(params_.hidden_layer_sizes) +
                        " differ from the fitted network's layer_units " + sizes_str(fitted_units) +
                        "; warm_start and partial_fit keep the architecture");
        if (network_->output_activation() != output)
            throw Error(name_ + ": the targets need a " + to_string(output) + " output but the fitted network has " +
                        to_string(network_->output_activation()));
    }
    if (stochastic && params_.early_stopping && !incremental) {
        check_train_validation_split(n_samples, params_.validation_fraction, strata);
    }
    if (params_.random_state) rng_ = nn::Random(*params_.random_state);  // check_random_state(int)
    std::unique_ptr<Network<T>> fresh;
    if (first_pass) {
        fresh = std::make_unique<Network<T>>(layer_units, hidden, output);
        if (initial_weights_) fresh->set_weights(initial_weights_->first, initial_weights_->second);
        else fresh->initialize(rng_);
    }

    // ---- commit and train ----
    if (first_pass) {
        network_ = std::move(fresh);
        initial_weights_.reset();
        optimizer_.reset();
        n_features_in_value_ = n_features;
        state_ = TrainingState<T>{};
        state_.early_stopping = stochastic && params_.early_stopping;
    } else {
        network_->set_hidden_activation(hidden);
    }
    state_.warnings.clear();
    if (stochastic && params_.early_stopping && !incremental && !state_.early_stopping) {
        // switched on for a warm start: start the validation record (sklearn would fail here)
        state_.early_stopping = true;
        state_.best_validation_score = -std::numeric_limits<double>::infinity();
    }

    const std::size_t n_iter_before = state_.n_iter;
    std::unique_ptr<DataParallel<T>> parallel;
    if (distributed) parallel = std::make_unique<DataParallel<T>>(comm_, *network_, shard_of_);
    try {
        if (stochastic) {
            if (!incremental || !optimizer_)
                optimizer_ = std::make_unique<StochasticOptimizer<T>>(params_, network_->parameters());
            fit_stochastic(*network_, *optimizer_, state_, params_, X, Y, strata, rng_, incremental, score,
                           epoch_callback_, parallel.get());
        } else {
            fit_lbfgs(*network_, state_, params_, X, shard_of_ ? parallel->my_rows(Y) : Y, epoch_callback_,
                      parallel.get());
        }
    } catch (const DivergenceError& divergence) {
        optimizer_.reset();  // its velocities / moments went non-finite with the weights
        // A fresh network that finished no epoch is not a fitted estimator.
        const bool nothing_finished = first_pass && (!stochastic || state_.n_iter == n_iter_before);
        if (nothing_finished) {
            network_.reset();
            state_ = TrainingState<T>{};
            state_.stop_reason = StopReason::not_fitted;
        }
        throw DivergenceError(name_ + ": " + divergence.cause(),
                              nothing_finished ? "no epoch finished, so the estimator is not fitted" : divergence.outcome(),
                              divergence.epoch(), divergence.batch());
    }
}

// ---- data-parallel ------------------------------------------------------------------------------

template <class T>
void MLPEstimator<T>::on_every_rank(const std::function<void()>& fit_body) {
    if (!comm_ || comm_->size() == 1) {
        fit_body();
        return;
    }
    training_started_ = false;
    try {
        fit_body();
    } catch (...) {
        // Failed before fit_network's agreement: the other ranks wait there for this one.
        if (!training_started_) comm_->agree(std::current_exception());  // throws on every rank
        throw;
    }
}

template <class T>
void MLPEstimator<T>::start_on_every_rank(const Array<T>& X, const Array<T>& Y) {
    training_started_ = true;
    comm_->agree(nullptr);  // returns once every rank got here; throws if one failed on the way
    // Sharded (set_shard_of), each rank has its own rows of X: then only X's width must agree.
    const std::string mine = std::to_string(data_fingerprint(X, Y, /*x_values=*/!shard_of_));
    std::string root = mine;
    comm_->broadcast(root, 0);
    comm_->collectively([&] {
        const std::size_t share = shard_of_ ? optim::share_of_rows(*shard_of_, comm_->rank(), comm_->size()).size() : 0;
        if (shard_of_ && X.shape()[0] != share)
            throw Error(fmt::format("{}: set_shard_of({}): rank {} of {} was given {} rows of X, not its share of {}",
                                    name_, *shard_of_, comm_->rank(), comm_->size(), X.shape()[0], share));
        if (mine != root)
            throw Error(fmt::format("{}: the training data on rank {} (X {}, targets {}) differ from rank 0's: every "
                                    "rank must fit the same data",
                                    name_, comm_->rank(), shape_str(X.shape()), shape_str(Y.shape())));
    });
    if (!params_.random_state && !rng_shared_) {
        rng_ = nn::Random(comm_->broadcast_from_root(std::random_device{}()));
        rng_shared_ = true;
    }
}

// ---- restore ---------------------------------------------------------------------------------

namespace {
template <class C>
bool all_finite_values(const C& values) {
    return std::all_of(values.begin(), values.end(), [](auto v) { return std::isfinite(static_cast<double>(v)); });
}
}  // namespace

template <class T>
FittedState<T> MLPEstimator<T>::fitted_state() const {
    check_fitted("fitted_state");
    FittedState<T> s;
    s.coefs = network_->coefs();
    s.intercepts = network_->intercepts();
    s.n_features_in = n_features_in_value_;
    s.n_outputs = network_->layer_units().back();
    s.out_activation = network_->output_activation();
    describe_targets(s);
    s.loss = state_.loss;
    if (!state_.early_stopping && std::isfinite(state_.best_loss)) s.best_loss = state_.best_loss;
    s.loss_curve = state_.loss_curve;
    s.lbfgs_losses = state_.lbfgs_losses;
    s.validation_scores = state_.validation_scores;
    if (state_.early_stopping && std::isfinite(state_.best_validation_score))
        s.best_validation_score = state_.best_validation_score;
    s.n_iter = state_.n_iter;
    s.t = state_.t;
    s.stop_reason = state_.stop_reason;
    s.warnings = state_.warnings;
    s.no_improvement_count = state_.no_improvement_count;
    return s;
}

template <class T>
void MLPEstimator<T>::restore(const FittedState<T>& s) {
    const std::string where = name_ + ".restore: ";
    validate(params_, name_);
    const nn::Activation hidden = nn::parse_activation(params_.activation);
    if (s.coefs.empty() || s.coefs.size() != s.intercepts.size())
        throw Error(where + std::to_string(s.coefs.size()) + " coefs and " + std::to_string(s.intercepts.size()) +
                    " intercepts; give one of each per layer");
    if (s.n_features_in == 0) throw Error(where + "n_features_in is 0");
    std::vector<std::size_t> layer_units{s.n_features_in};
    for (std::size_t i = 0; i < s.coefs.size(); ++i) {
        const Array<T>& coef = s.coefs[i];
        const Array<T>& intercept = s.intercepts[i];
        if (coef.dimension() != 2 || coef.shape()[0] != layer_units.back() || coef.shape()[1] == 0)
            throw Error(where + "coefs[" + std::to_string(i) + "] has shape " + shape_str(coef.shape()) + "; expected (" +
                        std::to_string(layer_units.back()) + ", units) with units >= 1");
        if (intercept.dimension() != 1 || intercept.shape()[0] != coef.shape()[1])
            throw Error(where + "intercepts[" + std::to_string(i) + "] has shape " + shape_str(intercept.shape()) +
                        " for coefs[" + std::to_string(i) + "] of shape " + shape_str(coef.shape()));
        if (!all_finite_values(coef) || !all_finite_values(intercept))
            throw Error(where + "layer " + std::to_string(i) + " has non-finite weights");
        layer_units.push_back(coef.shape()[1]);
    }
    if (layer_units.back() != s.n_outputs)
        throw Error(where + "n_outputs is " + std::to_string(s.n_outputs) + " but the last coefs have " +
                    std::to_string(layer_units.back()) + " columns");
    const std::vector<std::size_t> hidden_sizes(layer_units.begin() + 1, layer_units.end() - 1);
    if (hidden_sizes != params_.hidden_layer_sizes)
        throw Error(where + "the weights have hidden layers " + sizes_str(hidden_sizes) +
                    " but params().hidden_layer_sizes is " + sizes_str(params_.hidden_layer_sizes));
    if (!std::isfinite(s.loss)) throw Error(where + "loss is not finite");
    if (s.best_loss && !std::isfinite(*s.best_loss)) throw Error(where + "best_loss is not finite");
    if (s.best_validation_score && !std::isfinite(*s.best_validation_score))
        throw Error(where + "best_validation_score is not finite");
    if (!all_finite_values(s.loss_curve)) throw Error(where + "loss_curve has a non-finite value");
    if (!all_finite_values(s.lbfgs_losses)) throw Error(where + "lbfgs_losses has a non-finite value");
    if (!all_finite_values(s.validation_scores)) throw Error(where + "validation_scores has a non-finite value");
    if (s.best_loss && (s.best_validation_score || !s.validation_scores.empty()))
        throw Error(where + "best_loss and a validation record together; early stopping keeps only the latter");
    if (s.stop_reason == StopReason::not_fitted) throw Error(where + "stop_reason is not_fitted");
    check_restored_targets(s);

    // ---- commit ----
    auto network = std::make_unique<Network<T>>(layer_units, hidden, s.out_activation);
    network->set_weights(s.coefs, s.intercepts);
    TrainingState<T> state;
    state.n_iter = s.n_iter;
    state.t = s.t;
    state.loss = s.loss;
    state.loss_curve = s.loss_curve;
    state.early_stopping = !s.best_loss && (s.best_validation_score || !s.validation_scores.empty());
    state.best_loss = s.best_loss.value_or(std::numeric_limits<double>::infinity());
    state.validation_scores = s.validation_scores;
    state.best_validation_score = s.best_validation_score.value_or(-std::numeric_limits<double>::infinity());
    state.no_improvement_count = s.no_improvement_count;
    if (state.early_stopping) {  // an early-stopping fit ends on its best weights
        state.best_coefs = s.coefs;
        state.best_intercepts = s.intercepts;
    }
    state.stop_reason = s.stop_reason;
    state.lbfgs_losses = s.lbfgs_losses;
    state.warnings = s.warnings;

    network_ = std::move(network);
    optimizer_.reset();
    initial_weights_.reset();
    n_features_in_value_ = s.n_features_in;
    state_ = std::move(state);
    adopt_restored_targets(s);
}

template class MLPEstimator<float>;
template class MLPEstimator<double>;

}  // namespace tapegrad::mlp
