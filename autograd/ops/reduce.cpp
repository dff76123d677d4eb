#include "reduce.hpp"

#include "../op_helpers.hpp"
#include "axes.hpp"

namespace tapegrad {

namespace {

/// The shape of the node's input with the reduced axes kept as 1: how the output's data and
/// gradient line up with the input.
template <class T>
Shape keepdims_shape(Tape<T>& tape, const Node<T>& node) {
    return reduced_shape(tape.value(node.input(0)).shape(), node.axes, true);
}

template <class T> void sum_vjp(Tape<T>& tape, Node<T>& node) {
    // da[i] += g[reduced(i)]   a: input shape, g: output shape (keepdims layout)
    if (!tape.needs_grad(node.input(0))) return;
    broadcast_accumulate(tape.grad(node.input(0)), node.grad().data(), keepdims_shape(tape, node));
}
template <class T> const Op<T> kSum{"sum", sum_vjp<T>};

template <class T> void mean_vjp(Tape<T>& tape, Node<T>& node) {
    // da[i] += g[reduced(i)] / count
    if (!tape.needs_grad(node.input(0))) return;
    Array<T>& g_scaled = tape.scratch(node.grad().shape());
    const T count = static_cast<T>(node.scalars[0]);
    for (std::size_t i = 0; i < g_scaled.size(); ++i) g_scaled.data()[i] = node.grad().data()[i] / count;
    broadcast_accumulate(tape.grad(node.input(0)), g_scaled.data(), keepdims_shape(tape, node));
}
template <class T> const Op<T> kMean{"mean", mean_vjp<T>};

template <class T> void max_vjp(Tape<T>& tape, Node<T>& node) {
    // da[argmax(j)] += g[j]
    if (!tape.needs_grad(node.input(0))) return;
    T* da = tape.grad(node.input(0)).data();
    const T* g = node.grad().data();
    for (std::size_t j = 0; j < node.saved_index.size(); ++j) da[node.saved_index[j]] += g[j];
}
template <class T> const Op<T> kMax{"max", max_vjp<T>};

/// Number of input values summed into each output value: the product of the reduced axes' lengths.
inline std::size_t reduced_count(const Shape& shape, const Shape& axes) {
    std::size_t count = 1;
    for (auto k : axes) count *= shape[k];
    return count;
}

template <class T>
Var<T> sum_like(const Op<T>& op, Var<T> a, const Shape& reduce_axes, bool keepdims) {
    Tape<T>& tape = a.tape();
    const Shape keep_shape = reduced_shape(a.shape(), reduce_axes, true);
    Var<T> out = tape.record(&op, {a}, reduced_shape(a.shape(), reduce_axes, keepdims));
    Node<T>& node = tape.node(out);
    node.axes = reduce_axes;
    node.keepdims = keepdims;
    node.scalars[0] = static_cast<double>(reduced_count(a.shape(), reduce_axes));
    Array<T>& y = node.value();
    std::fill(y.begin(), y.end(), T(0));
    const Array<T>& x = tape.value(a.index());
    sum_to_accumulate(y.data(), keep_shape, x.data(), x.shape());
    return out;
}

}  // namespace

template <class T> Var<T> sum(Var<T> a, const std::vector<std::ptrdiff_t>& axes, bool keepdims) {
    a.tape().check(a, kSum<T>.name);
    return sum_like(kSum<T>, a, normalize_axes(kSum<T>.name, a.shape(), axes), keepdims);
}

template <class T> Var<T> mean(Var<T> a, const std::vector<std::ptrdiff_t>& axes, bool keepdims) {
    // Checked before recording, so that a throw leaves the tape as it was.
    a.tape().check(a, kMean<T>.name);
    const Shape reduce_axes = normalize_axes(kMean<T>.name, a.shape(), axes);
    const std::size_t count = reduced_count(a.shape(), reduce_axes);
    if (count == 0) throw Error("mean: averaging over an empty axis of shape " + shape_str(a.shape()));
    Var<T> out = sum_like(kMean<T>, a, reduce_axes, keepdims);
    for (T& v : out.tape().node(out).value()) v /= static_cast<T>(count);
    return out;
}

template <class T> Var<T> max(Var<T> a, std::ptrdiff_t axis, bool keepdims) {
    Tape<T>& tape = a.tape();
    tape.check(a, kMax<T>.name);
    const std::size_t ax = normalize_axis(kMax<T>.name, a.shape(), axis);
    if (a.shape()[ax] == 0) throw Error("max: empty axis " + std::to_string(axis) + " of shape " + shape_str(a.shape()));
    Var<T> out = tape.record(&kMax<T>, {a}, reduced_shape(a.shape(), Shape{ax}, keepdims));
    Node<T>& node = tape.node(out);
    node.axes = Shape{ax};
    node.keepdims = keepdims;
    const Array<T>& x = tape.value(a.index());
    std::size_t outer = 1, inner = 1;
    for (std::size_t k = 0; k < ax; ++k) outer *= x.shape()[k];
    for (std::size_t k = ax + 1; k < x.dimension(); ++k) inner *= x.shape()[k];
    const std::size_t length = x.shape()[ax];
    node.saved_index.resize(outer * inner);
    T* y = node.value().data();
    for (std::size_t o = 0; o < outer; ++o)
        for (std::size_t i = 0; i < inner; ++i) {
            std::size_t best = o * length * inner + i;
            for (std::size_t j = 1; j < length; ++j) {
                const std::size_t at = (o * length + j) * inner + i;
                if (x.data()[at] > x.data()[best]) best = at;
            }
            node.saved_index[o * inner + i] = best;
            y[o * inner + i] = x.data()[best];
        }
    return out;
}

#define TAPEGRAD_INSTANTIATE(T)                                                      \
    template Var<T> sum(Var<T>, const std::vector<std::ptrdiff_t>&, bool);         \
    template Var<T> mean(Var<T>, const std::vector<std::ptrdiff_t>&, bool);        \
    template Var<T> max(Var<T>, std::ptrdiff_t, bool);
TAPEGRAD_INSTANTIATE(float)
TAPEGRAD_INSTANTIATE(double)
#undef TAPEGRAD_INSTANTIATE

}  // namespace tapegrad
