#include "network.hpp"

#include <algorithm>
#include <cmath>

#include <tapegrad/autograd/ops/activation.hpp>
#include <tapegrad/autograd/ops/elementwise.hpp>
#include <tapegrad/autograd/ops/linalg.hpp>
#include <tapegrad/nn/init.hpp>
#include <tapegrad/nn/loss.hpp>

namespace tapegrad::mlp {

std::string to_string(OutputActivation output) {
    switch (output) {
        case OutputActivation::identity: return "identity";
        case OutputActivation::logistic: return "logistic";
        case OutputActivation::softmax: return "softmax";
    }
    return "?";
}

template <class T>
Network<T>::Network(std::vector<std::size_t> layer_units, nn::Activation hidden, OutputActivation output)
    : layer_units_(std::move(layer_units)), hidden_(hidden), output_(output) {
    if (layer_units_.size() < 2) throw Error("Network: layer_units needs at least the input and the output sizes");
    for (std::size_t i = 0; i + 1 < layer_units_.size(); ++i)
        layers_.push_back(std::make_unique<nn::Linear<T>>(layer_units_[i], layer_units_[i + 1]));
    activations_.reserve(layers_.size() + 1);
    weights_.reserve(layers_.size());
}

template <class T>
void Network<T>::initialize(nn::Random& rng) {
    const double factor = nn::glorot_factor(hidden_);
    for (auto& layer : layers_) nn::glorot_uniform(*layer, factor, rng);
}

template <class T>
void Network<T>::set_weights(const std::vector<Array<T>>& coefs, const std::vector<Array<T>>& intercepts) {
    if (coefs.size() != layers_.size() || intercepts.size() != layers_.size())
        throw Error("initial weights: " + std::to_string(coefs.size()) + " coefs and " +
                    std::to_string(intercepts.size()) + " intercepts given for a network of " +
                    std::to_string(layers_.size()) + " weight layers");
    for (std::size_t i = 0; i < layers_.size(); ++i) {
        const Parameter<T>& coef = layers_[i]->coef;
        const Parameter<T>& intercept = layers_[i]->intercept;
        if (coefs[i].shape() != coef.value.shape())
            throw Error("initial weights: coefs[" + std::to_string(i) + "] has shape " + shape_str(coefs[i].shape()) +
                        " but layer " + std::to_string(i) + " needs " + shape_str(coef.value.shape()));
        if (intercepts[i].shape() != intercept.value.shape())
            throw Error("initial weights: intercepts[" + std::to_string(i) + "] has shape " +
                        shape_str(intercepts[i].shape()) + " but layer " + std::to_string(i) + " needs " +
                        shape_str(intercept.value.shape()));
    }
    for (std::size_t i = 0; i < layers_.size(); ++i) {
        layers_[i]->coef.value = coefs[i];
        layers_[i]->intercept.value = intercepts[i];
    }
}

template <class T>
void Network<T>::copy_weights_to(std::vector<Array<T>>& coefs, std::vector<Array<T>>& intercepts) const {
    bool same_shapes = coefs.size() == layers_.size() && intercepts.size() == layers_.size();
    for (std::size_t i = 0; same_shapes && i < layers_.size(); ++i)
        same_shapes = coefs[i].shape() == layers_[i]->coef.value.shape() &&
                      intercepts[i].shape() == layers_[i]->intercept.value.shape();
    if (!same_shapes) {
        coefs = this->coefs();
        intercepts = this->intercepts();
        return;
    }
    for (std::size_t i = 0; i < layers_.size(); ++i) {
        const Array<T>& coef = layers_[i]->coef.value;
        const Array<T>& intercept = layers_[i]->intercept.value;
        std::copy(coef.begin(), coef.end(), coefs[i].begin());
        std::copy(intercept.begin(), intercept.end(), intercepts[i].begin());
    }
}

template <class T>
std::vector<Array<T>> Network<T>::coefs() const {
    std::vector<Array<T>> out;
    for (const auto& layer : layers_) out.push_back(layer->coef.value);
    return out;
}

template <class T>
std::vector<Array<T>> Network<T>::intercepts() const {
    std::vector<Array<T>> out;
    for (const auto& layer : layers_) out.push_back(layer->intercept.value);
    return out;
}

template <class T>
std::vector<Array<T>> Network<T>::coef_grads() const {
    std::vector<Array<T>> out;
    for (const auto& layer : layers_) out.push_back(layer->coef.grad);
    return out;
}

template <class T>
std::vector<Array<T>> Network<T>::intercept_grads() const {
    std::vector<Array<T>> out;
    for (const auto& layer : layers_) out.push_back(layer->intercept.grad);
    return out;
}

template <class T>
std::vector<Parameter<T>*> Network<T>::parameters() {
    std::vector<Parameter<T>*> out;
    for (auto& layer : layers_) out.push_back(&layer->coef);
    for (auto& layer : layers_) out.push_back(&layer->intercept);
    return out;
}

template <class T>
bool Network<T>::all_finite() const {
    auto finite = [](const Array<T>& a) { return std::all_of(a.begin(), a.end(), [](T v) { return std::isfinite(v); }); };
    for (const auto& layer : layers_)
        if (!finite(layer->coef.value) || !finite(layer->intercept.value)) return false;
    return true;
}

namespace {
/// Copies the given rows of a row-major (n, width) source into dst (count, width).
template <class T>
void gather_rows(T* dst, const Array<T>& source, const std::size_t* rows, std::size_t count) {
    const std::size_t width = source.shape()[1];
    const T* src = source.data();
    if (!rows) {
        std::copy(src, src + count * width, dst);
        return;
    }
    for (std::size_t i = 0; i < count; ++i) std::copy(src + rows[i] * width, src + (rows[i] + 1) * width, dst + i * width);
}
}  // namespace

template <class T>
T Network<T>::loss_and_gradients(const Array<T>& X, const Array<T>& Y, const std::size_t* rows, std::size_t count,
                                 double alpha) {
    const std::size_t n_features = layer_units_.front(), n_outputs = layer_units_.back();
    if (X.dimension() != 2 || X.shape()[1] != n_features || Y.dimension() != 2 || Y.shape()[1] != n_outputs ||
        Y.shape()[0] != X.shape()[0])
        throw Error("loss_and_gradients: X of shape " + shape_str(X.shape()) + " and Y of shape " +
                    shape_str(Y.shape()) + " for a network of " + std::to_string(n_features) + " inputs and " +
                    std::to_string(n_outputs) + " outputs");
    if (count == 0) throw Error("loss_and_gradients: empty batch");
    if (!rows && count > X.shape()[0])
        throw Error("loss_and_gradients: " + std::to_string(count) + " rows asked of X of shape " +
                    shape_str(X.shape()));

    tape_.clear();
    activations_.clear();
    weights_.clear();
    Var<T> x = tape_.constant(Shape{count, n_features});
    gather_rows(tape_.node(x).value().data(), X, rows, count);
    Var<T> y = tape_.constant(Shape{count, n_outputs});
    gather_rows(tape_.node(y).value().data(), Y, rows, count);

    Var<T> a = x;
    activations_.push_back(a);
    for (std::size_t i = 0; i < layers_.size(); ++i) {
        Var<T> z = layers_[i]->forward(a);
        a = i + 1 < layers_.size() ? nn::activate(hidden_, z) : z;
        activations_.push_back(a);
        weights_.push_back(tape_.param(layers_[i]->coef));
    }
    switch (output_) {
        case OutputActivation::identity: data_loss_ = nn::squared_loss(a, y); break;
        case OutputActivation::logistic: data_loss_ = nn::binary_log_loss(a, y); break;
        case OutputActivation::softmax: data_loss_ = nn::log_loss(a, y); break;
    }
    Var<T> loss = add(data_loss_, nn::l2_penalty(weights_, alpha, count));

    // (Parameter::zero_grad directly: Module::zero_grad builds the named list, which allocates)
    for (auto& layer : layers_) {
        layer->coef.zero_grad();
        layer->intercept.zero_grad();
    }
    tape_.backward(loss);
    return loss.item();
}

template <class T>
T Network<T>::loss_and_gradients(const Array<T>& X, const Array<T>& Y, double alpha) {
    if (X.dimension() != 2) throw Error("loss_and_gradients: X of shape " + shape_str(X.shape()) + " is not 2-D");
    return loss_and_gradients(X, Y, nullptr, X.shape()[0], alpha);
}

template <class T>
std::vector<Array<T>> Network<T>::activations() const {
    std::vector<Array<T>> out;
    if (activations_.empty() || activations_.front().generation() != tape_.generation()) return out;
    for (std::size_t i = 0; i + 1 < activations_.size(); ++i) out.push_back(activations_[i].value());
    // the last handle is z[L]; the output activation is what the fused loss computed from it
    if (output_ == OutputActivation::identity) out.push_back(activations_.back().value());
    else out.push_back(tape_.node(data_loss_).saved);
    return out;
}

template <class T>
Array<T> Network<T>::predict(const Array<T>& X) const {
    if (X.dimension() != 2 || X.shape()[1] != layer_units_.front())
        throw Error("predict: X of shape " + shape_str(X.shape()) + " for a network of " +
                    std::to_string(layer_units_.front()) + " inputs");
    Tape<T> tape;
    NoGrad<T> no_grad(tape);
    Var<T> a = tape.constant(X);
    for (std::size_t i = 0; i < layers_.size(); ++i) {
        a = linear(a, tape.constant(layers_[i]->coef.value), tape.constant(layers_[i]->intercept.value));
        if (i + 1 < layers_.size()) a = nn::activate(hidden_, a);
    }
    if (output_ == OutputActivation::logistic) a = logistic(a);
    else if (output_ == OutputActivation::softmax) a = softmax(a, -1);
    return a.value();
}

template class Network<float>;
template class Network<double>;

}  // namespace tapegrad::mlp
