#pragma once
/// `Linear<T>`: a fully connected layer in scikit-learn's orientation,
///
///     y (m, fan_out) = x (m, fan_in) @ coef (fan_in, fan_out) + intercept (fan_out,)
///
/// recorded as ONE autograd `linear` node (a single GEMM; the bias is added in the same pass).
/// Parameters are registered as "coef" then "intercept" and start at zero: initialise them with
/// `glorot_uniform` (nn/init.hpp) or by assigning `coef.value` / `intercept.value`.

#include <cstddef>

#include "module.hpp"

namespace tapegrad::nn {

template <class T>
class Linear : public Module<T> {
public:
    /// coef of shape (fan_in, fan_out) and intercept of shape (fan_out,), both zeros.
    Linear(std::size_t fan_in, std::size_t fan_out);

    Parameter<T> coef;       ///< (fan_in, fan_out)
    Parameter<T> intercept;  ///< (fan_out,)

    /// x (m, fan_in) -> x @ coef + intercept (m, fan_out); Error naming the shapes otherwise.
    Var<T> forward(Var<T> x) override;

    std::size_t fan_in() const { return coef.value.shape()[0]; }
    std::size_t fan_out() const { return coef.value.shape()[1]; }
};

extern template class Linear<float>;
extern template class Linear<double>;

}  // namespace tapegrad::nn
