#include "activation.hpp"

#include <cmath>

#include "../op_helpers.hpp"
#include "../vector_math.hpp"
#include "axes.hpp"

namespace tapegrad {

template <class T>
T logistic_value(T x) {
    // e^-|x| never overflows: for x < 0, 1 / (1 + e^-x) = e^x / (1 + e^x)
    if (x >= 0) return T(1) / (T(1) + std::exp(-x));
    const T e = std::exp(x);
    return e / (T(1) + e);
}

namespace {

template <class T> void relu_vjp(Tape<T>& tape, Node<T>& node) {
    accumulate_unary_vjp(tape, node, [](T g, T a, T) { return a > 0 ? g : T(0); });
}
template <class T> const Op<T> kRelu{"relu", relu_vjp<T>};

template <class T> void logistic_vjp(Tape<T>& tape, Node<T>& node) {
    accumulate_unary_vjp(tape, node, [](T g, T, T y) { return g * y * (T(1) - y); });
}
template <class T> const Op<T> kLogistic{"logistic", logistic_vjp<T>};

template <class T> void tanh_vjp(Tape<T>& tape, Node<T>& node) {
    accumulate_unary_vjp(tape, node, [](T g, T, T y) { return g * (T(1) - y * y); });
}
template <class T> const Op<T> kTanh{"tanh", tanh_vjp<T>};

/// Runs body(offset, stride, length) for every 1-D lane of `shape` along `axis`.
template <class Body>
void for_each_lane(const Shape& shape, std::size_t axis, Body body) {
    std::size_t outer = 1, inner = 1;
    for (std::size_t k = 0; k < axis; ++k) outer *= shape[k];
    for (std::size_t k = axis + 1; k < shape.size(); ++k) inner *= shape[k];
    const std::size_t length = shape[axis];
    for (std::size_t o = 0; o < outer; ++o)
        for (std::size_t i = 0; i < inner; ++i) body(o * length * inner + i, inner, length);
}

template <class T>
void softmax_lanes(const Array<T>& a, Array<T>& y, std::size_t axis, bool log_output) {
    const T* x = a.data();
    T* out = y.data();
    for_each_lane(a.shape(), axis, [&](std::size_t start, std::size_t stride, std::size_t n) {
        if (n == 0) return;  // an empty lane has nothing to normalize
        T top = x[start];
        for (std::size_t j = 1; j < n; ++j) top = std::max(top, x[start + j * stride]);
        T total = 0;
        if (stride == 1 && !log_output) {  // the last axis: e^(x - top) vectorised, in place in out
            T* lane = out + start;
            for (std::size_t j = 0; j < n; ++j) lane[j] = x[start + j] - top;
            exp_n(lane, lane, n);
            for (std::size_t j = 0; j < n; ++j) total += lane[j];
            for (std::size_t j = 0; j < n; ++j) lane[j] /= total;
            return;
        }
        for (std::size_t j = 0; j < n; ++j) total += std::exp(x[start + j * stride] - top);
        if (log_output) {
            const T log_total = std::log(total);
            for (std::size_t j = 0; j < n; ++j) out[start + j * stride] = x[start + j * stride] - top - log_total;
        } else {
            for (std::size_t j = 0; j < n; ++j) out[start + j * stride] = std::exp(x[start + j * stride] - top) / total;
        }
    });
}

template <class T> void softmax_vjp(Tape<T>& tape, Node<T>& node) {
    // da = y * (g - sum(g * y, axis))
    const std::int32_t input = node.input(0);
    if (!tape.needs_grad(input)) return;
    const T* y = node.value().data();
    const T* g = node.grad().data();
    T* da = tape.grad(input).data();
    for_each_lane(node.value().shape(), node.axes[0], [&](std::size_t start, std::size_t stride, std::size_t n) {
        T dot = 0;
        for (std::size_t j = 0; j < n; ++j) dot += g[start + j * stride] * y[start + j * stride];
        for (std::size_t j = 0; j < n; ++j) {
            const std::size_t at = start + j * stride;
            da[at] += y[at] * (g[at] - dot);
        }
    });
}
template <class T> const Op<T> kSoftmax{"softmax", softmax_vjp<T>};

template <class T> void log_softmax_vjp(Tape<T>& tape, Node<T>& node) {
    // da = g - exp(y) * sum(g, axis)
    const std::int32_t input = node.input(0);
    if (!tape.needs_grad(input)) return;
    const T* y = node.value().data();
    const T* g = node.grad().data();
    T* da = tape.grad(input).data();
    for_each_lane(node.value().shape(), node.axes[0], [&](std::size_t start, std::size_t stride, std::size_t n) {
        T total = 0;
        for (std::size_t j = 0; j < n; ++j) total += g[start + j * stride];
        for (std::size_t j = 0; j < n; ++j) {
            const std::size_t at = start + j * stride;
            da[at] += g[at] - std::exp(y[at]) * total;
        }
    });
}
template <class T> const Op<T> kLogSoftmax{"log_softmax", log_softmax_vjp<T>};

template <class T>
Var<T> softmax_op(const Op<T>& op, Var<T> a, std::ptrdiff_t axis, bool log_output) {
    Tape<T>& tape = a.tape();
    tape.check(a, op.name);
    const std::size_t ax = normalize_axis(op.name, a.shape(), axis);
    Var<T> out = tape.record(&op, {a}, a.shape());
    Node<T>& node = tape.node(out);
    node.axes = Shape{ax};
    softmax_lanes(tape.value(a.index()), node.value(), ax, log_output);
    return out;
}

}  // namespace

template <class T> Var<T> relu(Var<T> a) { return map_unary(kRelu<T>, a, [](T x) { return x > 0 ? x : T(0); }); }
template <class T> Var<T> logistic(Var<T> a) { return map_unary(kLogistic<T>, a, [](T x) { return logistic_value(x); }); }
template <class T> Var<T> tanh(Var<T> a) {
    Tape<T>& tape = a.tape();
    tape.check(a, kTanh<T>.name);
    Var<T> out = tape.record(&kTanh<T>, {a}, a.shape());
    tanh_n(tape.value(a.index()).data(), tape.node(out).value().data(), a.size());  // vectorised
    return out;
}
template <class T> Var<T> softmax(Var<T> a, std::ptrdiff_t axis) { return softmax_op(kSoftmax<T>, a, axis, false); }
template <class T> Var<T> log_softmax(Var<T> a, std::ptrdiff_t axis) { return softmax_op(kLogSoftmax<T>, a, axis, true); }

#define TAPEGRAD_INSTANTIATE(T)                              \
    template T logistic_value(T);                            \
    template Var<T> relu(Var<T>);                            \
    template Var<T> logistic(Var<T>);                        \
    template Var<T> tanh(Var<T>);                            \
    template Var<T> softmax(Var<T>, std::ptrdiff_t);         \
    template Var<T> log_softmax(Var<T>, std::ptrdiff_t);
TAPEGRAD_INSTANTIATE(float)
TAPEGRAD_INSTANTIATE(double)
#undef TAPEGRAD_INSTANTIATE

}  // namespace tapegrad
