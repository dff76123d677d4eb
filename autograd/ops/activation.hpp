#pragma once
/// Activations.
///
/// | op          | forward                                   | vjp                                  |
/// |-------------|-------------------------------------------|--------------------------------------|
/// | relu        | max(a, 0)                                 | da = g where a > 0                   |
/// | logistic    | 1 / (1 + e^-a)  (overflow-safe)           | da = g y (1 - y)                     |
/// | tanh        | tanh(a)                                   | da = g (1 - y^2)                     |
/// | softmax     | e^(a - max) / sum e^(a - max) over axis   | da = y (g - sum(g y, axis))          |
/// | log_softmax | a - max - log sum e^(a - max) over axis   | da = g - softmax(a) sum(g, axis)     |

#include <cstddef>

#include "../tape.hpp"

namespace tapegrad {

template <class T> Var<T> relu(Var<T> a);
template <class T> Var<T> logistic(Var<T> a);
template <class T> Var<T> tanh(Var<T> a);
/// Softmax along `axis` (negative counts from the end).
template <class T> Var<T> softmax(Var<T> a, std::ptrdiff_t axis = -1);
template <class T> Var<T> log_softmax(Var<T> a, std::ptrdiff_t axis = -1);

/// The scalar logistic function 1 / (1 + e^-x), finite for any x.
template <class T>
T logistic_value(T x);

}  // namespace tapegrad
