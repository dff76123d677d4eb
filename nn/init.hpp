#pragma once
/// scikit-learn's weight initialisation (`BaseMultilayerPerceptron._init_coef`): Glorot & Bengio
/// (2010) uniform,
///
///     bound = sqrt(factor / (fan_in + fan_out))
///     coef      ~ U(-bound, bound), (fan_in, fan_out), drawn row-major
///     intercept ~ U(-bound, bound), (fan_out,), drawn after coef
///
/// with factor 6, or 2 when the hidden activation is logistic. Values are drawn in double from
/// `rng` (numpy's RandomState stream) and then rounded to T, as sklearn's astype does.

#include "activation.hpp"
#include "linear.hpp"
#include "random.hpp"

namespace tapegrad::nn {

/// Fills layer.coef then layer.intercept from U(-bound, bound); Error if factor is not > 0 or
/// the layer has fan_in + fan_out = 0.
template <class T> void glorot_uniform(Linear<T>& layer, double factor, Random& rng);
/// sklearn's factor: 2 for a logistic hidden activation, else 6.
double glorot_factor(Activation hidden_activation);

}  // namespace tapegrad::nn
