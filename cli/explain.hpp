#pragma once
/// The first training step of an MLPClassifier / MLPRegressor, traced with the names of
/// scikit-learn's walk-through, for `tapegrad fit --explain` and `examples/mlp_moons`.
///
/// `trace_first_step` takes the very step `fit` takes first, with the estimator's own parts: the
/// same initial weights (mlp::Network::initialize on nn::Random(random_state), or the given initial
/// weights), the same first minibatch (early-stopping split and epoch shuffle drawn from the same
/// random stream), the loss and gradients from the Network's tape, and one step of the estimator's
/// optimizer (mlp::StochasticOptimizer). Beside them it puts the explicit formulas' values
/// (mlp::explicit_backprop, the oracle) and the deltas as a tape computes them (dL/dz times the
/// batch's rows). `print_trace` writes it as a walk-through:
///
///   1. the network: layer_units, the shapes of coefs_ / intercepts_, the output activation and why;
///   2. the batch; activations per layer; the loss with its L2 term;
///   3. deltas, coef_grads, intercept_grads: tape beside formula, with the max difference;
///   4. the update: Adam's m, v, effective learning rate and step (or SGD's velocity).
/// Big matrices are summarised: shape, the first entries, min / max / mean.

#include <cstddef>
#include <optional>
#include <ostream>
#include <string>
#include <vector>

#include <tapegrad/mlp/explicit_backprop.hpp>
#include <tapegrad/mlp/labels.hpp>
#include <tapegrad/mlp/params.hpp>

namespace tapegrad::cli {

/// Weights to start from instead of the random init (sklearn's coefs_ / intercepts_ shapes).
template <class T>
struct InitialWeights {
    std::vector<Array<T>> coefs, intercepts;
};

enum class TargetKind { multilabel, regression };

/// std::type_identity (C++20): keeps `initial` out of template argument deduction, so that a plain
/// InitialWeights<T> converts to the optional.
template <class T>
struct Identity {
    using type = T;
};
template <class T>
using OptionalWeights = std::optional<InitialWeights<typename Identity<T>::type>>;

template <class T>
struct StepTrace {
    // ---- the network ----
    std::string estimator;                  ///< "MLPClassifier" | "MLPRegressor"
    mlp::MLPParams params;                  ///< random_state is the seed really used
    std::vector<std::size_t> layer_units;
    std::string output_activation;          ///< identity | logistic | softmax
    std::string output_reason;              ///< e.g. "binary: 2 classes [0 1] -> ONE logistic unit, p = P(y = 1)"
    std::string loss_name;                  ///< squared_loss | binary_log_loss | log_loss
    // ---- the batch ----
    std::size_t n_samples = 0;              ///< rows of the training data
    std::vector<std::size_t> batch_rows;    ///< the first minibatch: rows of X, in batch order
    std::string batch_note;                 ///< how the rows were chosen
    // ---- forward, loss, backward: the tape ----
    std::vector<Array<T>> coefs_before, intercepts_before;
    std::vector<Array<T>> activations;      ///< a[0] = batch, ..., a[L] = output
    T loss = 0;                             ///< data loss + L2 term
    double l2_term = 0;                     ///< 0.5 alpha sum_i sum(coefs[i]^2) / batch rows
    std::vector<Array<T>> deltas;           ///< deltas[i] = batch rows * dL/dz[i+1]
    std::vector<Array<T>> coef_grads, intercept_grads;
    // ---- the explicit formulas on the same batch and weights ----
    mlp::ExplicitBackprop<T> formulas;
    // ---- the update ----
    std::string solver;                     ///< adam | sgd | lbfgs (no update traced for lbfgs)
    std::vector<Array<T>> coefs_after, intercepts_after;
    double learning_rate = 0;               ///< adam: lr_t of the step; sgd: lr
    std::size_t adam_t = 0;
    std::vector<Array<T>> first_moments, second_moments;  ///< adam, coefs then intercepts
    std::vector<Array<T>> velocities;                     ///< sgd, coefs then intercepts
};

/// Binary or multiclass classification with labels y (one per row of X).
template <class T>
StepTrace<T> trace_first_step(const mlp::MLPParams& params, const Array<T>& X, const mlp::Labels& y,
                              const OptionalWeights<T>& initial = std::nullopt);
/// Multilabel classification (Y (n, k) of 0/1) or regression (y (n,) or (n, k)).
template <class T>
StepTrace<T> trace_first_step(const mlp::MLPParams& params, const Array<T>& X, const Array<T>& Y, TargetKind kind,
                              const OptionalWeights<T>& initial = std::nullopt);

struct TraceFormat {
    std::size_t entries = 4;  ///< entries shown of each array (all of them if it has no more than this + 2)
};

template <class T>
void print_trace(std::ostream& out, const StepTrace<T>& trace, const TraceFormat& format = {});

/// max |a - b| over matching arrays (NaN if any shape differs).
template <class T>
double max_difference(const std::vector<Array<T>>& a, const std::vector<Array<T>>& b);

}  // namespace tapegrad::cli
