#include "linear.hpp"

#include <tapegrad/autograd/ops/linalg.hpp>

namespace tapegrad::nn {

template <class T>
Linear<T>::Linear(std::size_t fan_in, std::size_t fan_out)
    : coef(Array<T>(xt::zeros<T>(Shape{fan_in, fan_out}))), intercept(Array<T>(xt::zeros<T>(Shape{fan_out}))) {
    this->register_parameter("coef", coef);
    this->register_parameter("intercept", intercept);
}

template <class T>
Var<T> Linear<T>::forward(Var<T> x) {
    const Shape& shape = x.shape();
    if (shape.size() != 2 || shape[1] != fan_in())
        throw Error("Linear(" + std::to_string(fan_in()) + ", " + std::to_string(fan_out()) + "): input of shape " +
                    shape_str(shape) + " is not (n_samples, " + std::to_string(fan_in()) + ")");
    Tape<T>& tape = x.tape();
    return linear(x, tape.param(coef), tape.param(intercept));
}

template class Linear<float>;
template class Linear<double>;

}  // namespace tapegrad::nn
