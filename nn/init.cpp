#include "init.hpp"

#include <cmath>
#include <string>

namespace tapegrad::nn {

template <class T>
void glorot_uniform(Linear<T>& layer, double factor, Random& rng) {
    if (!(factor > 0) || !std::isfinite(factor))
        throw Error("glorot_uniform: factor = " + std::to_string(factor) + " must be finite and > 0");
    const std::size_t fan_sum = layer.fan_in() + layer.fan_out();
    if (fan_sum == 0) throw Error("glorot_uniform: layer with fan_in + fan_out = 0");
    const double bound = std::sqrt(factor / static_cast<double>(fan_sum));
    for (T& w : layer.coef.value) w = static_cast<T>(rng.uniform(-bound, bound));
    for (T& b : layer.intercept.value) b = static_cast<T>(rng.uniform(-bound, bound));
}

double glorot_factor(Activation hidden_activation) { return hidden_activation == Activation::logistic ? 2.0 : 6.0; }

template void glorot_uniform(Linear<float>&, double, Random&);
template void glorot_uniform(Linear<double>&, double, Random&);

}  // namespace tapegrad::nn
