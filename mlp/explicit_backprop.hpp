#pragma once
/// The ORACLE: scikit-learn 1.2's `_forward_pass`, `_backprop` and `_compute_loss_grad`
/// (sklearn/neural_network/_multilayer_perceptron.py, _base.py) written out with explicit
/// formulas, in plain loops and `xt::blas::gemm` into preallocated buffers. The tests compare the
/// tape's losses and gradients with it, and the benchmarks use it as the speed floor. It is NEVER
/// used by the estimators' training path.
///
/// Shapes: n rows, layer_units = [n_features, hidden..., n_outputs], L = number of weight layers.
///   coefs[i]       (layer_units[i], layer_units[i+1])
///   intercepts[i]  (layer_units[i+1],)
///   X              (n, n_features);  Y (n, n_outputs), or (n,) when n_outputs == 1
///
/// Forward (sklearn `_forward_pass`):
///   a[0] = X;  a[i+1] = f(a[i] @ coefs[i] + intercepts[i]),
///   f = hidden activation for i + 1 < L, the output activation for the last layer.
/// Loss (sklearn `LOSS_FUNCTIONS`, pc = clip(p, eps, 1 - eps), eps = machine epsilon of T):
///   squared_loss     sum((y - p)^2) / (n k) / 2           (identity output)
///   binary_log_loss  -sum(y log pc + (1 - y) log(1 - pc)) / n   (logistic output)
///   log_loss         -sum(y log pc) / n                   (softmax output)
///   plus the L2 term 0.5 alpha sum_i sum(coefs[i]^2) / n (weights only).
/// Backward (sklearn `_backprop`, `_compute_loss_grad`):
///   deltas[L-1]        = a[L] - y                    (n, k)   no clipping, whatever the loss
///   deltas[i-1]        = (deltas[i] @ coefs[i]^T) * f'(a[i])     f' from the OUTPUT a[i]:
///                        identity 1, logistic a(1 - a), tanh 1 - a^2, relu (a != 0)
///   coef_grads[i]      = (a[i]^T @ deltas[i] + alpha coefs[i]) / n
///   intercept_grads[i] = mean of deltas[i] over the rows
/// scikit-learn's quirk, reproduced: for squared_loss with k > 1 outputs the loss is the mean over
/// n k elements but the delta is divided by n only, so the gradients are k times the gradient of
/// the reported loss.

#include <string>
#include <vector>

#include "../autograd/array.hpp"

namespace tapegrad::mlp {

/// The weights and the configuration of one multi-layer perceptron, in sklearn's layout.
template <class T>
struct ExplicitMLP {
    std::vector<Array<T>> coefs, intercepts;
    std::string hidden_activation;   // identity | logistic | tanh | relu
    std::string output_activation;   // identity | logistic | softmax
    std::string loss;                // squared_loss | binary_log_loss | log_loss
    double alpha = 0;
};

/// Everything `_backprop` computes for one batch.
template <class T>
struct ExplicitBackprop {
    T loss;                                  // including the L2 term
    std::vector<Array<T>> activations;       // activations[0] = X, ..., activations.back() = output
    std::vector<Array<T>> deltas;            // deltas[i] (n, layer_units[i+1]): dL/dz of layer i, times n
    std::vector<Array<T>> coef_grads, intercept_grads;
};

/// Loss and gradients of `model` on the batch (X, Y), freshly allocated.
/// Throws tapegrad::Error naming the shape, activation or loss that is wrong.
template <class T>
ExplicitBackprop<T> explicit_backprop(const ExplicitMLP<T>& model, const Array<T>& X, const Array<T>& Y);

/// Same, into `result`, whose buffers are reused: once they have the shapes of a batch this size
/// (or larger), the call allocates nothing. This is the speed floor of the benchmarks.
template <class T>
void explicit_backprop(const ExplicitMLP<T>& model, const Array<T>& X, const Array<T>& Y, ExplicitBackprop<T>& result);

/// The output activations (n, n_outputs) of `model` on X (sklearn `_forward_pass_fast`).
template <class T>
Array<T> explicit_forward(const ExplicitMLP<T>& model, const Array<T>& X);

}  // namespace tapegrad::mlp
