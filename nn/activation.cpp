#include "activation.hpp"

#include <tapegrad/autograd/ops/activation.hpp>

namespace tapegrad::nn {

Activation parse_activation(const std::string& name) {
    if (name == "identity") return Activation::identity;
    if (name == "logistic") return Activation::logistic;
    if (name == "tanh") return Activation::tanh;
    if (name == "relu") return Activation::relu;
    if (name == "softmax") return Activation::softmax;
    throw Error("activation '" + name + "' is not one of 'identity', 'logistic', 'tanh', 'relu', 'softmax'");
}

std::string to_string(Activation activation) {
    switch (activation) {
        case Activation::identity: return "identity";
        case Activation::logistic: return "logistic";
        case Activation::tanh: return "tanh";
        case Activation::relu: return "relu";
        case Activation::softmax: return "softmax";
    }
    throw Error("to_string: invalid Activation value " + std::to_string(static_cast<int>(activation)));
}

template <class T>
Var<T> activate(Activation activation, Var<T> x) {
    switch (activation) {
        case Activation::identity: return x;
        case Activation::logistic: return logistic(x);
        case Activation::tanh: return tapegrad::tanh(x);
        case Activation::relu: return relu(x);
        case Activation::softmax: return softmax(x, -1);
    }
    throw Error("activate: invalid Activation value " + std::to_string(static_cast<int>(activation)));
}

template <class T>
std::unique_ptr<Module<T>> make_activation(Activation activation) {
    switch (activation) {
        case Activation::identity: return std::make_unique<Identity<T>>();
        case Activation::logistic: return std::make_unique<Logistic<T>>();
        case Activation::tanh: return std::make_unique<Tanh<T>>();
        case Activation::relu: return std::make_unique<Relu<T>>();
        case Activation::softmax: return std::make_unique<Softmax<T>>();
    }
    throw Error("make_activation: invalid Activation value " + std::to_string(static_cast<int>(activation)));
}

#define TAPEGRAD_INSTANTIATE(T)                                              \
    template Var<T> activate(Activation, Var<T>);                            \
    template std::unique_ptr<Module<T>> make_activation(Activation);
TAPEGRAD_INSTANTIATE(float)
TAPEGRAD_INSTANTIATE(double)
#undef TAPEGRAD_INSTANTIATE

}  // namespace tapegrad::nn
