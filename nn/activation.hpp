#pragma once
/// Activation functions as modules, and by name (scikit-learn's `activation` strings).
///
/// | module   | Activation  | y = f(x)                           | autograd op |
/// |----------|-------------|------------------------------------|-------------|
/// | Identity | identity    | x                                  | (none)      |
/// | Logistic | logistic    | 1 / (1 + e^-x)                     | logistic    |
/// | Tanh     | tanh        | tanh(x)                            | tanh        |
/// | Relu     | relu        | max(x, 0)                          | relu        |
/// | Softmax  | softmax     | e^x / sum(e^x) along the last axis | softmax     |
///
/// Each is elementwise (softmax: along axis -1) and keeps the input's shape.

#include <memory>
#include <string>

#include "module.hpp"

namespace tapegrad::nn {

enum class Activation { identity, logistic, tanh, relu, softmax };

/// "identity" | "logistic" | "tanh" | "relu" | "softmax"; anything else is an Error naming the
/// value and the choices.
Activation parse_activation(const std::string& name);
/// The name `parse_activation` accepts.
std::string to_string(Activation activation);

/// Applies the activation's op to x (identity returns x itself, recording nothing).
template <class T> Var<T> activate(Activation activation, Var<T> x);

template <class T>
class Identity : public Module<T> {
public:
    Var<T> forward(Var<T> x) override { return x; }
};
template <class T>
class Logistic : public Module<T> {
public:
    Var<T> forward(Var<T> x) override { return activate(Activation::logistic, x); }
};
template <class T>
class Tanh : public Module<T> {
public:
    Var<T> forward(Var<T> x) override { return activate(Activation::tanh, x); }
};
template <class T>
class Relu : public Module<T> {
public:
    Var<T> forward(Var<T> x) override { return activate(Activation::relu, x); }
};
/// Softmax along the last axis (each row of an (n, k) input sums to 1).
template <class T>
class Softmax : public Module<T> {
public:
    Var<T> forward(Var<T> x) override { return activate(Activation::softmax, x); }
};

/// A new module of the given activation (Identity for identity, ...).
template <class T> std::unique_ptr<Module<T>> make_activation(Activation activation);

}  // namespace tapegrad::nn
