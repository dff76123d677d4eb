#pragma once
/// Losses, with scikit-learn's exact definitions (sklearn/neural_network/_base.py).
///
/// The output layer and its loss are fused so that the gradient at the output's pre-activation
/// z is exactly scikit-learn's delta `p - y` (divided by the number of rows), whatever the
/// clipping of probabilities does to the loss's value. n = rows of the batch (shape[0]).
///
/// | op                 | forward (loss value)                                    | vjp            |
/// |--------------------|---------------------------------------------------------|----------------|
/// | squared_loss       | mean((y - p)^2) / 2  (mean over all n*k elements)       | dp = g (p-y)/n |
/// | logistic_log_loss  | p = logistic(z); -sum(y log pc + (1-y) log(1-pc)) / n   | dz = g (p-y)/n |
/// | softmax_log_loss   | p = softmax(z, rows); -sum(y log pc) / n                | dz = g (p-y)/n |
/// | l2_penalty         | scale * sum(W^2)                                        | dW = 2 scale g W |
///
/// pc = clip(p, eps, 1 - eps), eps the machine epsilon of T. The probabilities p are kept in the
/// node (`tape.node(loss).saved`). Targets must be constants (they receive no gradient).
///
/// scikit-learn's quirk, reproduced: with k > 1 outputs, squared_loss reports the mean over n*k
/// elements but its delta is (p - y)/n, k times the gradient of the reported value. For k = 1
/// (and for the log losses with rows of y summing to 1) the vjp is the exact gradient.

#include "../tape.hpp"

namespace tapegrad {

template <class T> Var<T> squared_loss(Var<T> prediction, Var<T> target);
template <class T> Var<T> logistic_log_loss(Var<T> logits, Var<T> target);
template <class T> Var<T> softmax_log_loss(Var<T> logits, Var<T> target);
template <class T> Var<T> l2_penalty(Var<T> weight, double scale);

}  // namespace tapegrad
