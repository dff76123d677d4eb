#include "loss.hpp"

#include <cmath>
#include <string>

#include <tapegrad/autograd/ops/elementwise.hpp>
#include <tapegrad/autograd/ops/loss.hpp>

namespace tapegrad::nn {

template <class T> Var<T> squared_loss(Var<T> prediction, Var<T> target) {
    return tapegrad::squared_loss(prediction, target);
}

template <class T> Var<T> log_loss(Var<T> logits, Var<T> target) { return softmax_log_loss(logits, target); }

template <class T> Var<T> binary_log_loss(Var<T> logits, Var<T> target) { return logistic_log_loss(logits, target); }

template <class T>
Var<T> l2_penalty(const std::vector<Var<T>>& weights, double alpha, std::size_t n_samples) {
    if (weights.empty()) throw Error("l2_penalty: no weights given");
    if (!std::isfinite(alpha) || alpha < 0)
        throw Error("l2_penalty: alpha = " + std::to_string(alpha) + " must be finite and >= 0");
    if (n_samples == 0) throw Error("l2_penalty: n_samples = 0");
    const double scale = 0.5 * alpha / static_cast<double>(n_samples);
    Var<T> total = tapegrad::l2_penalty(weights[0], scale);
    for (std::size_t i = 1; i < weights.size(); ++i) total = add(total, tapegrad::l2_penalty(weights[i], scale));
    return total;
}

#define TAPEGRAD_INSTANTIATE(T)                                                          \
    template Var<T> squared_loss(Var<T>, Var<T>);                                        \
    template Var<T> log_loss(Var<T>, Var<T>);                                            \
    template Var<T> binary_log_loss(Var<T>, Var<T>);                                     \
    template Var<T> l2_penalty(const std::vector<Var<T>>&, double, std::size_t);
TAPEGRAD_INSTANTIATE(float)
TAPEGRAD_INSTANTIATE(double)
#undef TAPEGRAD_INSTANTIATE

}  // namespace tapegrad::nn
