#include "estimator.hpp"

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
    const std::size_t n_samples = X.shape()[0], n_features = X.shape()[1], n_outputs = Y.shape()[1];
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

    if (stochastic) {
        if (!incremental || !optimizer_)
            optimizer_ = std::make_unique<StochasticOptimizer<T>>(params_, network_->parameters());
        fit_stochastic(*network_, *optimizer_, state_, params_, X, Y, strata, rng_, incremental, score);
    } else {
        fit_lbfgs(*network_, state_, params_, X, Y);
    }

    if (!network_->all_finite()) {
        network_.reset();
        optimizer_.reset();
        state_.stop_reason = StopReason::not_fitted;
        throw Error(name_ + ": Solver produced non-finite parameter weights. The input data may contain large "
                    "values and need to be preprocessed.");
    }
}

template class MLPEstimator<float>;
template class MLPEstimator<double>;

}  // namespace tapegrad::mlp
