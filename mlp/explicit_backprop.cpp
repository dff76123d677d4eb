#include "explicit_backprop.hpp"

#include <algorithm>
#include <cmath>
#include <limits>

#include <xtensor-blas/xblas.hpp>

#include <tapegrad/autograd/vector_math.hpp>

namespace tapegrad::mlp {

namespace {

enum class Activation { identity, logistic, tanh, relu, softmax };

Activation parse_hidden_activation(const std::string& name) {
    if (name == "identity") return Activation::identity;
    if (name == "logistic") return Activation::logistic;
    if (name == "tanh") return Activation::tanh;
    if (name == "relu") return Activation::relu;
    throw Error("explicit_backprop: hidden_activation '" + name +
                "' is not one of 'identity', 'logistic', 'tanh', 'relu'");
}

/// The output activation, checked to be the one that goes with the loss (delta = p - y needs it).
Activation parse_output(const std::string& output_activation, const std::string& loss) {
    if (output_activation == "identity" && loss == "squared_loss") return Activation::identity;
    if (output_activation == "logistic" && loss == "binary_log_loss") return Activation::logistic;
    if (output_activation == "softmax" && loss == "log_loss") return Activation::softmax;
    throw Error("explicit_backprop: output_activation '" + output_activation + "' with loss '" + loss +
                "' is not one of identity + squared_loss, logistic + binary_log_loss, softmax + log_loss");
}

/// Checks every shape (naming the layer and the shapes) and returns n_outputs.
template <class T>
std::size_t check_shapes(const char* op, const ExplicitMLP<T>& model, const Array<T>& X) {
    // the op's name becomes a std::string only on the way to an error: a string this long
    // would be a heap allocation in every call, and a training step must allocate nothing
    const auto name = [op] { return std::string(op); };
    if (model.coefs.empty()) throw Error(name() + ": the model has no layer");
    if (model.coefs.size() != model.intercepts.size())
        throw Error(name() + ": " + std::to_string(model.coefs.size()) + " coefs but " +
                    std::to_string(model.intercepts.size()) + " intercepts");
    if (X.dimension() != 2 || X.shape()[0] == 0 || X.shape()[1] == 0)
        throw Error(name() + ": X of shape " + shape_str(X.shape()) + " is not a non-empty (n_samples, n_features)");
    std::size_t fan_in = X.shape()[1];
    for (std::size_t i = 0; i < model.coefs.size(); ++i) {
        const Shape& coef = model.coefs[i].shape();
        const Shape& intercept = model.intercepts[i].shape();
        const auto layer = [i] { return "layer " + std::to_string(i); };
        if (coef.size() != 2 || coef[1] == 0)
            throw Error(name() + ": coefs[" + std::to_string(i) + "] of shape " + shape_str(coef) +
                        " is not a non-empty (fan_in, fan_out)");
        if (coef[0] != fan_in)
            throw Error(name() + ": " + layer() + ": coefs[" + std::to_string(i) + "] of shape " + shape_str(coef) +
                        " does not take " + std::to_string(fan_in) + " inputs" +
                        (i == 0 ? " (the columns of X " + shape_str(X.shape()) + ")"
                                : " (the outputs of coefs[" + std::to_string(i - 1) + "])"));
        if (intercept.size() != 1 || intercept[0] != coef[1])
            throw Error(name() + ": " + layer() + ": intercepts[" + std::to_string(i) + "] of shape " +
                        shape_str(intercept) + " does not match coefs[" + std::to_string(i) + "] of shape " +
                        shape_str(coef));
        fan_in = coef[1];
    }
    return fan_in;
}

/// expit(x) = 1 / (1 + e^-x), written so that e^(...) never overflows.
template <class T>
T logistic(T x) {
    if (x >= 0) return T(1) / (T(1) + std::exp(-x));
    const T e = std::exp(x);
    return e / (T(1) + e);
}

/// z (rows, cols) <- f(z) in place (sklearn `ACTIVATIONS`).
template <class T>
void activate_inplace(Activation f, Array<T>& z) {
    T* p = z.data();
    const std::size_t size = z.size();
    switch (f) {
        case Activation::identity: return;
        case Activation::logistic: for (std::size_t i = 0; i < size; ++i) p[i] = logistic(p[i]); return;
        case Activation::tanh: tanh_n(p, p, size); return;  // the tape's vectorised kernel
        case Activation::relu: for (std::size_t i = 0; i < size; ++i) p[i] = std::max(p[i], T(0)); return;
        case Activation::softmax: {
            // each row: e^(z - max z) / sum e^(z - max z)
            const std::size_t rows = z.shape()[0], cols = z.shape()[1];
            for (std::size_t r = 0; r < rows; ++r) {
                T* row = p + r * cols;
                const T top = *std::max_element(row, row + cols);
                for (std::size_t c = 0; c < cols; ++c) row[c] -= top;
                exp_n(row, row, cols);  // the tape's vectorised kernel
                T total = 0;
                for (std::size_t c = 0; c < cols; ++c) total += row[c];
                for (std::size_t c = 0; c < cols; ++c) row[c] /= total;
            }
            return;
        }
    }
}

/// delta <- delta * f'(z) in place, f' written with the activation's OUTPUT a (sklearn `DERIVATIVES`).
template <class T>
void multiply_derivative_inplace(Activation f, const Array<T>& a, Array<T>& delta) {
    const T* pa = a.data();
    T* pd = delta.data();
    const std::size_t size = a.size();
    switch (f) {
        case Activation::identity: return;
        case Activation::logistic: for (std::size_t i = 0; i < size; ++i) pd[i] = pd[i] * pa[i] * (T(1) - pa[i]); return;
        case Activation::tanh: for (std::size_t i = 0; i < size; ++i) pd[i] *= T(1) - pa[i] * pa[i]; return;
        case Activation::relu: for (std::size_t i = 0; i < size; ++i) if (pa[i] == 0) pd[i] = 0; return;
        case Activation::softmax: return;  // never a hidden activation
    }
}

/// activations[i + 1] = f(activations[i] @ coefs[i] + intercepts[i]) for every layer;
/// activations[0] must already hold X.
template <class T>
void forward_pass(const ExplicitMLP<T>& model, Activation hidden, Activation output, std::vector<Array<T>>& activations) {
    const std::size_t n_layers = model.coefs.size();
    const std::size_t rows = activations[0].shape()[0];
    for (std::size_t i = 0; i < n_layers; ++i) {
        const Array<T>& coef = model.coefs[i];          // (fan_in, fan_out)
        const std::size_t fan_out = coef.shape()[1];
        Array<T>& z = activations[i + 1];
        z.resize(Shape{rows, fan_out});
        xt::blas::gemm(activations[i], coef, z, false, false, T(1), T(0));  // (rows, fan_in) @ (fan_in, fan_out)
        const T* bias = model.intercepts[i].data();
        for (std::size_t r = 0; r < rows; ++r) {
            T* row = z.data() + r * fan_out;
            for (std::size_t c = 0; c < fan_out; ++c) row[c] += bias[c];
        }
        activate_inplace(i + 1 < n_layers ? hidden : output, z);
    }
}

template <class T>
T clip_probability(T p) {
    constexpr T eps = std::numeric_limits<T>::epsilon();
    return std::min(std::max(p, eps), T(1) - eps);
}

/// x log y with 0 log y = 0 (scipy's xlogy).
template <class T>
T xlogy(T x, T y) { return x == 0 ? T(0) : x * std::log(y); }

/// The data term of the loss (sklearn `LOSS_FUNCTIONS`) for predictions p and targets y.
template <class T>
T data_loss(Activation output, const Array<T>& p, const Array<T>& y) {
    const std::size_t rows = p.shape()[0], size = p.size();
    const T* pp = p.data();
    const T* py = y.data();
    T total = 0;
    switch (output) {
        case Activation::identity:  // squared_loss: ((y - p)^2).mean() / 2
            for (std::size_t i = 0; i < size; ++i) total += (py[i] - pp[i]) * (py[i] - pp[i]);
            return total / static_cast<T>(size) / T(2);
        case Activation::logistic:  // binary_log_loss
            for (std::size_t i = 0; i < size; ++i) {
                const T pc = clip_probability(pp[i]);
                total += xlogy(py[i], pc) + xlogy(T(1) - py[i], T(1) - pc);
            }
            return -total / static_cast<T>(rows);
        case Activation::softmax:  // log_loss
            for (std::size_t i = 0; i < size; ++i) total += xlogy(py[i], clip_probability(pp[i]));
            return -total / static_cast<T>(rows);
        default: throw Error("explicit_backprop: no loss for this output activation");
    }
}

/// coef_grads[layer] = (a^T @ delta + alpha W) / n;  intercept_grads[layer] = mean(delta, rows)
/// (sklearn `_compute_loss_grad`).
template <class T>
void compute_loss_grad(const ExplicitMLP<T>& model, std::size_t layer, ExplicitBackprop<T>& result) {
    const Array<T>& a = result.activations[layer];   // (n, fan_in)
    const Array<T>& delta = result.deltas[layer];    // (n, fan_out)
    const Array<T>& coef = model.coefs[layer];       // (fan_in, fan_out)
    const std::size_t rows = a.shape()[0], fan_out = coef.shape()[1];
    const T n = static_cast<T>(rows);
    const T alpha = static_cast<T>(model.alpha);

    Array<T>& coef_grad = result.coef_grads[layer];
    coef_grad.resize(coef.shape());
    xt::blas::gemm(a, delta, coef_grad, true, false, T(1), T(0));  // (n, fan_in)^T @ (n, fan_out)
    const T* w = coef.data();
    T* g = coef_grad.data();
    for (std::size_t i = 0, size = coef.size(); i < size; ++i) g[i] = (g[i] + alpha * w[i]) / n;

    Array<T>& intercept_grad = result.intercept_grads[layer];
    intercept_grad.resize(Shape{fan_out});
    T* b = intercept_grad.data();
    std::fill(b, b + fan_out, T(0));
    for (std::size_t r = 0; r < rows; ++r) {
        const T* row = delta.data() + r * fan_out;
        for (std::size_t c = 0; c < fan_out; ++c) b[c] += row[c];
    }
    for (std::size_t c = 0; c < fan_out; ++c) b[c] /= n;
}

}  // namespace

template <class T>
void explicit_backprop(const ExplicitMLP<T>& model, const Array<T>& X, const Array<T>& Y, ExplicitBackprop<T>& result) {
    const Activation hidden = parse_hidden_activation(model.hidden_activation);
    const Activation output = parse_output(model.output_activation, model.loss);
    if (!(model.alpha >= 0)) throw Error("explicit_backprop: alpha " + std::to_string(model.alpha) + " is not >= 0");
    const std::size_t n_outputs = check_shapes("explicit_backprop", model, X);
    const std::size_t rows = X.shape()[0];
    const bool y_fits = (Y.dimension() == 2 && Y.shape()[0] == rows && Y.shape()[1] == n_outputs) ||
                        (Y.dimension() == 1 && Y.shape()[0] == rows && n_outputs == 1);
    if (!y_fits)
        throw Error("explicit_backprop: Y of shape " + shape_str(Y.shape()) + " for X of shape " +
                    shape_str(X.shape()) + " and " + std::to_string(n_outputs) + " outputs; expected (" +
                    std::to_string(rows) + ", " + std::to_string(n_outputs) + ")");

    const std::size_t n_layers = model.coefs.size();
    result.activations.resize(n_layers + 1);
    result.deltas.resize(n_layers);
    result.coef_grads.resize(n_layers);
    result.intercept_grads.resize(n_layers);

    // forward: activations[0] = X, then every layer
    result.activations[0].resize(X.shape());
    std::copy(X.begin(), X.end(), result.activations[0].begin());
    forward_pass(model, hidden, output, result.activations);
    const Array<T>& prediction = result.activations[n_layers];

    // loss + 0.5 alpha sum(W^2) / n
    T squares = 0;
    for (const Array<T>& coef : model.coefs) squares += dot_n(coef.data(), coef.data(), coef.size());  // np.dot(s, s)
    result.loss = data_loss(output, prediction, Y) +
                  T(0.5) * static_cast<T>(model.alpha) * squares / static_cast<T>(rows);

    // backward: delta at the output = p - y, whatever the loss
    const std::size_t last = n_layers - 1;
    Array<T>& delta_out = result.deltas[last];
    delta_out.resize(prediction.shape());
    for (std::size_t i = 0, size = prediction.size(); i < size; ++i)
        delta_out.data()[i] = prediction.data()[i] - Y.data()[i];
    compute_loss_grad(model, last, result);
    for (std::size_t i = last; i > 0; --i) {
        Array<T>& delta = result.deltas[i - 1];
        delta.resize(result.activations[i].shape());
        xt::blas::gemm(result.deltas[i], model.coefs[i], delta, false, true, T(1), T(0));  // (n, out) @ (in, out)^T
        multiply_derivative_inplace(hidden, result.activations[i], delta);
        compute_loss_grad(model, i - 1, result);
    }
}

template <class T>
ExplicitBackprop<T> explicit_backprop(const ExplicitMLP<T>& model, const Array<T>& X, const Array<T>& Y) {
    ExplicitBackprop<T> result;
    explicit_backprop(model, X, Y, result);
    return result;
}

template <class T>
Array<T> explicit_forward(const ExplicitMLP<T>& model, const Array<T>& X) {
    const Activation hidden = parse_hidden_activation(model.hidden_activation);
    const Activation output = parse_output(model.output_activation, model.loss);
    check_shapes("explicit_forward", model, X);
    std::vector<Array<T>> activations(model.coefs.size() + 1);
    activations[0] = X;
    forward_pass(model, hidden, output, activations);
    return std::move(activations.back());
}

#define TAPEGRAD_INSTANTIATE(T)                                                                          \
    template ExplicitBackprop<T> explicit_backprop(const ExplicitMLP<T>&, const Array<T>&, const Array<T>&); \
    template void explicit_backprop(const ExplicitMLP<T>&, const Array<T>&, const Array<T>&,             \
                                    ExplicitBackprop<T>&);                                               \
    template Array<T> explicit_forward(const ExplicitMLP<T>&, const Array<T>&);
TAPEGRAD_INSTANTIATE(float)
TAPEGRAD_INSTANTIATE(double)
#undef TAPEGRAD_INSTANTIATE

}  // namespace tapegrad::mlp
