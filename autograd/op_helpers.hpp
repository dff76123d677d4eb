#pragma once
/// Building blocks for writing ops (the built-in ones and your own).
///
///     template <class T> void my_vjp(Tape<T>& tape, Node<T>& node);
///     template <class T> const Op<T> kMyOp{"my_op", my_vjp<T>};
///     template <class T> Var<T> my_op(Var<T> a) {
///         return map_unary(kMyOp<T>, a, [](T x) { return ...; });
///     }
///
/// A vjp reads `node.grad()` (dL/d output, output's shape) and adds into the inputs' gradients
/// (`tape.grad(node.input(k))`) only where `tape.needs_grad(node.input(k))`.

#include "broadcast.hpp"
#include "tape.hpp"

namespace tapegrad {

/// Records `op` over one input and fills out[i] = f(a[i]).
template <class T, class F>
Var<T> map_unary(const Op<T>& op, Var<T> a, F f) {
    Tape<T>& tape = a.tape();
    tape.check(a, op.name);
    Var<T> out = tape.record(&op, {a}, a.shape());
    const Array<T>& x = tape.value(a.index());
    Array<T>& y = tape.node(out).value();
    const std::size_t n = x.size();
    const T* px = x.data();
    T* py = y.data();
    for (std::size_t i = 0; i < n; ++i) py[i] = f(px[i]);
    return out;
}

/// The vjp of a unary elementwise op: grad_x[i] += df(g[i], x[i], y[i]) (or = on the first write
/// of this backward, see Tape::grad_target).
template <class T, class F>
void accumulate_unary_vjp(Tape<T>& tape, Node<T>& node, F df) {
    const std::int32_t input = node.input(0);
    if (!tape.needs_grad(input)) return;
    const Array<T>& x = tape.value(input);
    const T* px = x.data();
    const T* py = node.value().data();
    const T* pg = node.grad().data();
    auto target = tape.grad_target(input);
    T* gx = target.grad.data();
    const std::size_t n = x.size();
    if (target.assign) {
        for (std::size_t i = 0; i < n; ++i) gx[i] = df(pg[i], px[i], py[i]);
    } else {
        for (std::size_t i = 0; i < n; ++i) gx[i] += df(pg[i], px[i], py[i]);
    }
}

/// Records `op` over a and b with NumPy broadcasting and fills out = f(a, b).
template <class T, class F>
Var<T> map_binary(const Op<T>& op, Var<T> a, Var<T> b, F f) {
    Tape<T>& tape = a.tape();
    tape.check(a, op.name);
    tape.check(b, op.name);
    const Shape shape = broadcast_shapes(op.name, a.shape(), b.shape());
    Var<T> out = tape.record(&op, {a, b}, shape);
    broadcast_map(tape.node(out).value(), tape.value(a.index()), tape.value(b.index()), f);
    return out;
}

/// The vjp of a broadcasting binary op for input k (0 = a, 1 = b):
/// grad_k += sum_to(df(g, a, b) over the output's shape, shape of input k).
/// One pass over the output, no temporary: each output row's contribution is added straight
/// into input k's gradient (summed first when input k is broadcast along the row).
template <class T, class F>
void accumulate_binary_vjp(Tape<T>& tape, Node<T>& node, int k, F df) {
    const std::int32_t input = node.input(k);
    if (!tape.needs_grad(input)) return;
    const Array<T>& a = tape.value(node.input(0));
    const Array<T>& b = tape.value(node.input(1));
    const Array<T>& g = node.grad();  // output's shape
    T* grad = tape.grad(input).data();  // input k's shape
    const T* pa = a.data();
    const T* pb = b.data();
    const T* pg = g.data();
    if (a.shape() == g.shape() && b.shape() == g.shape()) {  // no broadcasting: one loop
        for (std::size_t i = 0, n = g.size(); i < n; ++i) grad[i] += df(pg[i], pa[i], pb[i]);
        return;
    }
    const auto which = static_cast<std::size_t>(k);
    detail::for_each_row<2>(g.shape(), {&a.shape(), &b.shape()},
        [&](std::size_t go, const std::array<std::size_t, 2>& off, std::size_t n, const std::array<std::size_t, 2>& s) {
            const T* grow = pg + go;
            const T* arow = pa + off[0];
            const T* brow = pb + off[1];
            const std::size_t sa = s[0], sb = s[1];  // 0 or 1 along the row
            T* drow = grad + off[which];  // input k's gradient is laid out like input k
            if (s[which] == 1) {
                for (std::size_t i = 0; i < n; ++i) drow[i] += df(grow[i], arow[i * sa], brow[i * sb]);
            } else {  // input k is broadcast along the row: sum the row's contributions
                T total = 0;
                for (std::size_t i = 0; i < n; ++i) total += df(grow[i], arow[i * sa], brow[i * sb]);
                drow[0] += total;
            }
        });
}

}  // namespace tapegrad
