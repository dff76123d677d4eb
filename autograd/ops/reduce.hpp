#pragma once
/// Reductions. `axes` empty means every axis; negative axes count from the end.
///
/// | op   | forward                         | vjp                                              |
/// |------|---------------------------------|--------------------------------------------------|
/// | sum  | sum of a over axes              | da = g broadcast back over the reduced axes      |
/// | mean | sum / (number of summed values) | da = g / count, broadcast back                   |
/// | max  | max of a along one axis         | da = g at the (first) position of the maximum    |

#include <cstddef>
#include <vector>

#include "../tape.hpp"

namespace tapegrad {

template <class T> Var<T> sum(Var<T> a, const std::vector<std::ptrdiff_t>& axes = {}, bool keepdims = false);
template <class T> Var<T> mean(Var<T> a, const std::vector<std::ptrdiff_t>& axes = {}, bool keepdims = false);
template <class T> Var<T> max(Var<T> a, std::ptrdiff_t axis, bool keepdims = false);

}  // namespace tapegrad
