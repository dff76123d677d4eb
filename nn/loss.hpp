#pragma once
/// scikit-learn's MLP losses (sklearn/neural_network/_base.py) under their sklearn names, as thin
/// wrappers over the fused autograd ops (autograd/ops/loss.hpp). Each returns a scalar Var (shape
/// ()); n = rows of the batch. Probabilities are clipped to [eps, 1 - eps] in the value only; the
/// gradient at the logits is always (p - y) / n.
///
/// | function        | value                                                 | autograd op        |
/// |-----------------|-------------------------------------------------------|--------------------|
/// | squared_loss    | mean over all n*k elements of (y - p)^2, / 2          | squared_loss       |
/// | log_loss        | p = softmax(z) by rows; -sum(y log p) / n             | softmax_log_loss   |
/// | binary_log_loss | p = logistic(z); -sum(y log p + (1-y) log(1-p)) / n   | logistic_log_loss  |
/// | l2_penalty      | 0.5 alpha sum_W sum(W^2) / n_samples                  | l2_penalty (each W)|
///
/// Shapes: prediction / logits and target (n, k), equal; target a constant.

#include <cstddef>
#include <vector>

#include <tapegrad/autograd/tape.hpp>

namespace tapegrad::nn {

/// sklearn `squared_loss`: ((y - p)^2).mean() / 2. prediction, target: (n, k).
template <class T> Var<T> squared_loss(Var<T> prediction, Var<T> target);
/// sklearn `log_loss` with the softmax output fused in: logits z (n, k), one-hot target (n, k).
template <class T> Var<T> log_loss(Var<T> logits, Var<T> target);
/// sklearn `binary_log_loss` with the logistic output fused in: logits z (n, k), target in {0, 1}.
template <class T> Var<T> binary_log_loss(Var<T> logits, Var<T> target);
/// 0.5 * alpha * (sum over `weights` of sum(W^2)) / n_samples as ONE scalar Var: the sum of one
/// l2_penalty node per weight (scale 0.5 alpha / n_samples), so dW = alpha W / n_samples.
/// Error for no weights, n_samples = 0, or alpha negative or not finite.
template <class T> Var<T> l2_penalty(const std::vector<Var<T>>& weights, double alpha, std::size_t n_samples);

}  // namespace tapegrad::nn
