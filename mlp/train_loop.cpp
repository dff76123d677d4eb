#include "train_loop.hpp"

#include <algorithm>
#include <cmath>
#include <iostream>
#include <numeric>

#include <fmt/format.h>

#include <tapegrad/optim/lbfgs.hpp>

#include "split.hpp"

namespace tapegrad::mlp {

std::string to_string(StopReason reason) {
    switch (reason) {
        case StopReason::not_fitted: return "not_fitted";
        case StopReason::max_iter: return "max_iter";
        case StopReason::no_improvement: return "no_improvement";
        case StopReason::learning_rate_too_small: return "learning_rate_too_small";
        case StopReason::max_fun: return "max_fun";
        case StopReason::converged: return "converged";
        case StopReason::line_search_failed: return "line_search_failed";
        case StopReason::partial_fit: return "partial_fit";
        case StopReason::diverged: return "diverged";
    }
    return "?";
}

std::optional<StopReason> stop_reason_from_string(const std::string& text) {
    for (StopReason reason : {StopReason::not_fitted, StopReason::max_iter, StopReason::no_improvement,
                              StopReason::learning_rate_too_small, StopReason::max_fun, StopReason::converged,
                              StopReason::line_search_failed, StopReason::partial_fit, StopReason::diverged})
        if (to_string(reason) == text) return reason;
    return std::nullopt;
}

template <class T>
void warn(TrainingState<T>& state, const std::string& category, const std::string& message) {
    state.warnings.push_back(message);
    std::cerr << category << ": " << message << std::endl;
}

// ---- the optimizer ---------------------------------------------------------------------------

template <class T>
StochasticOptimizer<T>::StochasticOptimizer(const MLPParams& params, std::vector<Parameter<T>*> parameters) {
    if (params.solver == "sgd") {
        optim::SGDOptions options;
        options.learning_rate_init = params.learning_rate_init;
        options.learning_rate = optim::parse_learning_rate_schedule(params.learning_rate);
        options.momentum = params.momentum;
        options.nesterov = params.nesterovs_momentum;
        options.power_t = params.power_t;
        sgd_ = std::make_unique<optim::SGD<T>>(std::move(parameters), options);
    } else if (params.solver == "adam") {
        optim::AdamOptions options;
        options.learning_rate_init = params.learning_rate_init;
        options.beta_1 = params.beta_1;
        options.beta_2 = params.beta_2;
        options.epsilon = params.epsilon;
        adam_ = std::make_unique<optim::Adam<T>>(std::move(parameters), options);
    } else {
        throw Error("StochasticOptimizer: solver '" + params.solver + "' is not stochastic");
    }
}

template <class T>
void StochasticOptimizer<T>::step() {
    if (sgd_) sgd_->step();
    else adam_->step();
}

template <class T>
void StochasticOptimizer<T>::iteration_ends(std::size_t time_step) {
    if (sgd_) sgd_->iteration_ends(time_step);  // Adam has nothing to do at an epoch's end
}

template <class T>
bool StochasticOptimizer<T>::trigger_stopping(const std::string& message, bool verbose) {
    return sgd_ ? sgd_->trigger_stopping(message, verbose) : adam_->trigger_stopping(message, verbose);
}

// ---- the epoch loop -------------------------------------------------------------------------

namespace {

/// Rows `rows` of a 2-D array, in that order.
template <class T>
Array<T> take_rows(const Array<T>& source, const std::vector<std::size_t>& rows) {
    const std::size_t width = source.shape()[1];
    Array<T> out = Array<T>::from_shape(Shape{rows.size(), width});
    for (std::size_t i = 0; i < rows.size(); ++i)
        std::copy(source.data() + rows[i] * width, source.data() + (rows[i] + 1) * width, out.data() + i * width);
    return out;
}

/// sklearn's `_update_no_improvement_count`.
template <class T>
void update_no_improvement_count(Network<T>& network, TrainingState<T>& state, const MLPParams& params,
                                 bool early_stopping, const Array<T>& X_val, const Array<T>& Y_val,
                                 const ValidationScore<T>& score, DataParallel<T>* parallel) {
    if (early_stopping) {
        const double last = score(parallel ? parallel->predict(X_val) : network.predict(X_val), Y_val);
        state.validation_scores.push_back(last);
        if (params.verbose) std::cout << fmt::format("Validation score: {:f}", last) << std::endl;
        if (last < state.best_validation_score + params.tol) ++state.no_improvement_count;
        else state.no_improvement_count = 0;
        if (last > state.best_validation_score) {
            state.best_validation_score = last;
            state.best_coefs = network.coefs();
            state.best_intercepts = network.intercepts();
        }
    } else {
        const double last = state.loss;
        if (last > state.best_loss - params.tol) ++state.no_improvement_count;
        else state.no_improvement_count = 0;
        if (last < state.best_loss) state.best_loss = last;
    }
}

/// "nan", "inf" or "-inf" (the sign of a NaN says nothing).
std::string non_finite_str(double value) { return std::isnan(value) ? "nan" : value > 0 ? "inf" : "-inf"; }

/// Puts back the weights to keep after a divergence (with early stopping the best ones so far,
/// else those of the last finite epoch) and throws the DivergenceError.
template <class T>
[[noreturn]] void diverged(Network<T>& network, TrainingState<T>& state, bool early_stopping,
                           const std::vector<Array<T>>& finite_coefs, const std::vector<Array<T>>& finite_intercepts,
                           std::size_t batch, const std::string& what) {
    const std::size_t epoch = state.n_iter + 1;
    std::string cause = fmt::format("training diverged at epoch {}", epoch);
    if (batch > 0) cause += fmt::format(", batch {}", batch);
    cause += ": " + what;
    std::string outcome;
    if (early_stopping && !state.best_coefs.empty()) {
        network.set_weights(state.best_coefs, state.best_intercepts);
        outcome = fmt::format("the best weights (validation score {:f}) were kept", state.best_validation_score);
    } else {
        network.set_weights(finite_coefs, finite_intercepts);
        outcome = fmt::format("the weights of the last finite epoch ({}) were kept", state.n_iter);
    }
    state.stop_reason = StopReason::diverged;
    throw DivergenceError(std::move(cause), std::move(outcome), epoch, batch);
}

}  // namespace

template <class T>
void fit_stochastic(Network<T>& network, StochasticOptimizer<T>& optimizer, TrainingState<T>& state,
                    const MLPParams& params, const Array<T>& X_all, const Array<T>& Y_all,
                    const std::vector<std::size_t>* strata, nn::Random& rng, bool incremental,
                    const ValidationScore<T>& score, const EpochCallback& on_epoch, DataParallel<T>* parallel) {
    const bool early_stopping = params.early_stopping && !incremental;  // never in partial_fit
    Array<T> X_train, Y_train, X_val, Y_val;
    if (early_stopping) {
        const TrainValidationSplit split =
            train_validation_split(X_all.shape()[0], params.validation_fraction, rng, strata);
        X_train = take_rows(X_all, split.train);
        Y_train = take_rows(Y_all, split.train);
        X_val = take_rows(X_all, split.validation);
        Y_val = take_rows(Y_all, split.validation);
    }
    const Array<T>& X = early_stopping ? X_train : X_all;
    const Array<T>& Y = early_stopping ? Y_train : Y_all;

    const std::size_t n_samples = X.shape()[0];
    std::size_t batch_size = std::min<std::size_t>(200, n_samples);
    if (params.batch_size) {
        if (*params.batch_size > n_samples)
            warn(state, "UserWarning",
                 "Got `batch_size` less than 1 or larger than sample size. It is going to be clipped");
        batch_size = std::clamp<std::size_t>(*params.batch_size, 1, n_samples);
    }

    // Buffers for the whole fit: the row order, and the permutation drawn each epoch.
    std::vector<std::size_t> sample_idx(n_samples), permutation(n_samples), shuffled(n_samples);
    std::iota(sample_idx.begin(), sample_idx.end(), std::size_t(0));
    // The weights at the end of the last finite epoch (at first: as this call found them), to go
    // back to if training diverges; one copy, refreshed in place after each epoch.
    std::vector<Array<T>> finite_coefs, finite_intercepts;
    network.copy_weights_to(finite_coefs, finite_intercepts);
    auto diverge = [&](std::size_t batch, const std::string& what) {
        diverged(network, state, early_stopping, finite_coefs, finite_intercepts, batch, what);
    };

    state.stop_reason = StopReason::max_iter;
    for (std::size_t it = 0; it < params.max_iter; ++it) {
        if (params.shuffle) {
            // sklearn.utils.shuffle(sample_idx, random_state=rng): sample_idx[permutation(n)]
            std::iota(permutation.begin(), permutation.end(), std::size_t(0));
            rng.shuffle(permutation.begin(), permutation.end());
            for (std::size_t i = 0; i < n_samples; ++i) shuffled[i] = sample_idx[permutation[i]];
            sample_idx.swap(shuffled);
        }
        double accumulated_loss = 0.0;
        for (std::size_t start = 0; start < n_samples; start += batch_size) {
            const std::size_t count = std::min(batch_size, n_samples - start);
            // without shuffle sample_idx stays 0..n-1: the batch is X[start:start + count]
            const std::size_t* rows = sample_idx.data() + start;
            const T batch_loss = parallel ? parallel->loss_and_gradients(X, Y, rows, count, params.alpha)
                                          : network.loss_and_gradients(X, Y, rows, count, params.alpha);
            if (!std::isfinite(batch_loss)) diverge(start / batch_size + 1, "loss is " + non_finite_str(batch_loss));
            accumulated_loss += static_cast<double>(batch_loss * static_cast<T>(count));
            optimizer.step();
        }
        if (!network.all_finite()) diverge(0, "the weights are not finite after its last batch");
        if (!std::isfinite(accumulated_loss)) diverge(0, "its summed loss is " + non_finite_str(accumulated_loss));
        network.copy_weights_to(finite_coefs, finite_intercepts);

        state.n_iter += 1;
        state.loss = accumulated_loss / static_cast<double>(n_samples);
        state.t += n_samples;
        state.loss_curve.push_back(static_cast<T>(state.loss));
        if (params.verbose) std::cout << fmt::format("Iteration {}, loss = {:.8f}", state.n_iter, state.loss) << std::endl;

        update_no_improvement_count(network, state, params, early_stopping, X_val, Y_val, score, parallel);
        optimizer.iteration_ends(state.t);
        if (on_epoch) on_epoch(state.n_iter, state.loss);

        if (state.no_improvement_count > params.n_iter_no_change) {
            const std::string message =
                early_stopping
                    ? fmt::format("Validation score did not improve more than tol={:f} for {} consecutive epochs.",
                                  params.tol, params.n_iter_no_change)
                    : fmt::format("Training loss did not improve more than tol={:f} for {} consecutive epochs.",
                                  params.tol, params.n_iter_no_change);
            if (optimizer.trigger_stopping(message, params.verbose)) {
                const bool adaptive = params.solver == "sgd" && params.learning_rate == "adaptive";
                state.stop_reason = adaptive ? StopReason::learning_rate_too_small : StopReason::no_improvement;
                break;
            }
            state.no_improvement_count = 0;
        }
        if (incremental) {
            state.stop_reason = StopReason::partial_fit;
            break;
        }
        if (state.n_iter == params.max_iter)
            warn(state, "ConvergenceWarning",
                 fmt::format("Stochastic Optimizer: Maximum iterations ({}) reached and the optimization hasn't "
                             "converged yet.",
                             params.max_iter));
    }

    if (early_stopping && !state.best_coefs.empty()) network.set_weights(state.best_coefs, state.best_intercepts);
}

// ---- L-BFGS ---------------------------------------------------------------------------------

template <class T>
void fit_lbfgs(Network<T>& network, TrainingState<T>& state, const MLPParams& params, const Array<T>& X,
               const Array<T>& Y, const EpochCallback& on_iteration, DataParallel<T>* parallel) {
    optim::LBFGSOptions options;
    options.max_iter = params.max_iter;
    options.max_fun = params.max_fun;
    options.tol = params.tol;
    optim::LBFGS<T> lbfgs(network.parameters(), options);
    bool at_start = true;  // only the starting point's loss can diverge; trial steps back off
    const auto objective = [&]() {
        const T loss = parallel ? parallel->loss_and_gradients(X, Y, nullptr, parallel->all_rows(X), params.alpha)
                                : network.loss_and_gradients(X, Y, params.alpha);
        if (at_start && !std::isfinite(loss)) {
            state.stop_reason = StopReason::diverged;  // LBFGS puts the starting weights back
            throw DivergenceError("training diverged at iteration 0 (the starting point): loss is " +
                                      non_finite_str(static_cast<double>(loss)),
                                  "the weights it started from were kept", 0, 0);
        }
        at_start = false;
        return loss;
    };
    std::function<void(std::size_t, T)> after_iteration;
    if (on_iteration)
        after_iteration = [&](std::size_t iteration, T loss) { on_iteration(iteration, static_cast<double>(loss)); };
    const optim::LBFGSResult<T> result = lbfgs.minimize(objective, after_iteration);

    state.n_iter = std::min(result.n_iter, params.max_iter);
    state.loss = static_cast<double>(result.loss);
    state.lbfgs_losses = result.loss_per_iteration;
    int status = 0;  // scipy's: 0 converged, 1 a limit reached, 2 abnormal termination
    switch (result.stop) {
        case optim::LBFGSStop::converged_gradient:
        case optim::LBFGSStop::converged_loss: state.stop_reason = StopReason::converged; break;
        case optim::LBFGSStop::max_iter: state.stop_reason = StopReason::max_iter; status = 1; break;
        case optim::LBFGSStop::max_fun: state.stop_reason = StopReason::max_fun; status = 1; break;
        case optim::LBFGSStop::line_search_failed: state.stop_reason = StopReason::line_search_failed; status = 2; break;
    }
    if (params.verbose)
        for (std::size_t i = 0; i < result.loss_per_iteration.size(); ++i)
            std::cout << fmt::format("Iteration {}, loss = {:.8f}", i + 1,
                                     static_cast<double>(result.loss_per_iteration[i]))
                      << std::endl;
    if (status != 0)
        warn(state, "ConvergenceWarning",
             fmt::format("lbfgs failed to converge (status={}):\n{}.\n\nIncrease the number of iterations "
                         "(max_iter) or scale the data as shown in:\n    "
                         "https://scikit-learn.org/stable/modules/preprocessing.html",
                         status, result.message));
}

#define TAPEGRAD_INSTANTIATE(T)                                                                                 \
    template void warn<T>(TrainingState<T>&, const std::string&, const std::string&);                          \
    template class StochasticOptimizer<T>;                                                                      \
    template void fit_stochastic<T>(Network<T>&, StochasticOptimizer<T>&, TrainingState<T>&, const MLPParams&, \
                                    const Array<T>&, const Array<T>&, const std::vector<std::size_t>*,          \
                                    nn::Random&, bool, const ValidationScore<T>&, const EpochCallback&,        \
                                    DataParallel<T>*);                                                         \
    template void fit_lbfgs<T>(Network<T>&, TrainingState<T>&, const MLPParams&, const Array<T>&, const Array<T>&, \
                               const EpochCallback&, DataParallel<T>*);
TAPEGRAD_INSTANTIATE(float)
TAPEGRAD_INSTANTIATE(double)
#undef TAPEGRAD_INSTANTIATE

}  // namespace tapegrad::mlp
