#include "elementwise.hpp"

#include <cmath>

#include <fmt/format.h>

#include "../op_helpers.hpp"
#include "../vector_math.hpp"

namespace tapegrad {

namespace {

/// Throws "log: input of shape (3,) has -1 at element 0, outside the domain [0, inf)" for the
/// first value of `values` where ok(value) is false. Called before recording.
template <class T>
void check_domain(const char* op, const char* what, const Array<T>& values, bool (*ok)(T), const char* domain) {
    const T* x = values.data();
    for (std::size_t i = 0, n = values.size(); i < n; ++i)
        if (!ok(x[i]))
            throw Error(fmt::format("{}: {} of shape {} has {} at element {}, outside the domain {}", op, what,
                                    shape_str(values.shape()), static_cast<double>(x[i]), i, domain));
}

// ---- binary -------------------------------------------------------------------------------

template <class T> void add_vjp(Tape<T>& tape, Node<T>& node) {
    // da = sum_to(g, a.shape), db = sum_to(g, b.shape)
    for (int k = 0; k < 2; ++k)
        if (tape.needs_grad(node.input(k))) sum_to_accumulate(tape.grad(node.input(k)), node.grad());
}
template <class T> const Op<T> kAdd{"add", add_vjp<T>};

template <class T> void sub_vjp(Tape<T>& tape, Node<T>& node) {
    if (tape.needs_grad(node.input(0))) sum_to_accumulate(tape.grad(node.input(0)), node.grad());
    accumulate_binary_vjp(tape, node, 1, [](T g, T, T) { return -g; });
}
template <class T> const Op<T> kSub{"sub", sub_vjp<T>};

template <class T> void mul_vjp(Tape<T>& tape, Node<T>& node) {
    accumulate_binary_vjp(tape, node, 0, [](T g, T, T b) { return g * b; });
    accumulate_binary_vjp(tape, node, 1, [](T g, T a, T) { return g * a; });
}
template <class T> const Op<T> kMul{"mul", mul_vjp<T>};

template <class T> void div_vjp(Tape<T>& tape, Node<T>& node) {
    accumulate_binary_vjp(tape, node, 0, [](T g, T, T b) { return g / b; });
    accumulate_binary_vjp(tape, node, 1, [](T g, T a, T b) { return -g * a / (b * b); });
}
template <class T> const Op<T> kDiv{"div", div_vjp<T>};

template <class T> void pow_vjp(Tape<T>& tape, Node<T>& node) {
    accumulate_binary_vjp(tape, node, 0, [](T g, T a, T b) { return g * b * std::pow(a, b - 1); });
    accumulate_binary_vjp(tape, node, 1, [](T g, T a, T b) { return g * std::pow(a, b) * std::log(a); });
}
template <class T> const Op<T> kPow{"pow", pow_vjp<T>};

// ---- unary and scalar forms ----------------------------------------------------------------

template <class T> void neg_vjp(Tape<T>& tape, Node<T>& node) {
    accumulate_unary_vjp(tape, node, [](T g, T, T) { return -g; });
}
template <class T> const Op<T> kNeg{"neg", neg_vjp<T>};

template <class T> void add_scalar_vjp(Tape<T>& tape, Node<T>& node) {
    accumulate_unary_vjp(tape, node, [](T g, T, T) { return g; });
}
template <class T> const Op<T> kAddScalar{"add_scalar", add_scalar_vjp<T>};

template <class T> void mul_scalar_vjp(Tape<T>& tape, Node<T>& node) {
    const T s = static_cast<T>(node.scalars[0]);
    accumulate_unary_vjp(tape, node, [s](T g, T, T) { return g * s; });
}
template <class T> const Op<T> kMulScalar{"mul_scalar", mul_scalar_vjp<T>};

template <class T> void rsub_scalar_vjp(Tape<T>& tape, Node<T>& node) {
    accumulate_unary_vjp(tape, node, [](T g, T, T) { return -g; });
}
template <class T> const Op<T> kRsubScalar{"rsub_scalar", rsub_scalar_vjp<T>};

template <class T> void div_scalar_vjp(Tape<T>& tape, Node<T>& node) {
    const T s = static_cast<T>(node.scalars[0]);
    accumulate_unary_vjp(tape, node, [s](T g, T, T) { return g / s; });
}
template <class T> const Op<T> kDivScalar{"div_scalar", div_scalar_vjp<T>};

template <class T> void rdiv_scalar_vjp(Tape<T>& tape, Node<T>& node) {
    // y = s / a  =>  da = -g s / a^2 = -g y / a
    accumulate_unary_vjp(tape, node, [](T g, T a, T y) { return -g * y / a; });
}
template <class T> const Op<T> kRdivScalar{"rdiv_scalar", rdiv_scalar_vjp<T>};

template <class T> void pow_scalar_vjp(Tape<T>& tape, Node<T>& node) {
    const T p = static_cast<T>(node.scalars[0]);
    accumulate_unary_vjp(tape, node, [p](T g, T a, T) { return g * p * std::pow(a, p - 1); });
}
template <class T> const Op<T> kPowScalar{"pow_scalar", pow_scalar_vjp<T>};

template <class T> void square_vjp(Tape<T>& tape, Node<T>& node) {
    accumulate_unary_vjp(tape, node, [](T g, T a, T) { return 2 * g * a; });
}
template <class T> const Op<T> kSquare{"square", square_vjp<T>};

template <class T> void sqrt_vjp(Tape<T>& tape, Node<T>& node) {
    accumulate_unary_vjp(tape, node, [](T g, T, T y) { return g / (2 * y); });
}
template <class T> const Op<T> kSqrt{"sqrt", sqrt_vjp<T>};

template <class T> void exp_vjp(Tape<T>& tape, Node<T>& node) {
    accumulate_unary_vjp(tape, node, [](T g, T, T y) { return g * y; });
}
template <class T> const Op<T> kExp{"exp", exp_vjp<T>};

template <class T> void log_vjp(Tape<T>& tape, Node<T>& node) {
    accumulate_unary_vjp(tape, node, [](T g, T a, T) { return g / a; });
}
template <class T> const Op<T> kLog{"log", log_vjp<T>};

template <class T> void abs_vjp(Tape<T>& tape, Node<T>& node) {
    accumulate_unary_vjp(tape, node, [](T g, T a, T) { return a > 0 ? g : (a < 0 ? -g : T(0)); });
}
template <class T> const Op<T> kAbs{"abs", abs_vjp<T>};

template <class T> void clip_vjp(Tape<T>& tape, Node<T>& node) {
    const T lo = static_cast<T>(node.scalars[0]);
    const T hi = static_cast<T>(node.scalars[1]);
    accumulate_unary_vjp(tape, node, [lo, hi](T g, T a, T) { return (a > lo && a < hi) ? g : T(0); });
}
template <class T> const Op<T> kClip{"clip", clip_vjp<T>};

template <class T>
Var<T> with_scalars(Var<T> out, double s0, double s1 = 0) {
    auto& node = out.tape().node(out);
    node.scalars = {s0, s1};
    return out;
}

}  // namespace

template <class T> Var<T> add(Var<T> a, Var<T> b) { return map_binary(kAdd<T>, a, b, [](T x, T y) { return x + y; }); }
template <class T> Var<T> sub(Var<T> a, Var<T> b) { return map_binary(kSub<T>, a, b, [](T x, T y) { return x - y; }); }
template <class T> Var<T> mul(Var<T> a, Var<T> b) { return map_binary(kMul<T>, a, b, [](T x, T y) { return x * y; }); }
template <class T> Var<T> div(Var<T> a, Var<T> b) { return map_binary(kDiv<T>, a, b, [](T x, T y) { return x / y; }); }
template <class T> Var<T> pow(Var<T> a, Var<T> b) {
    a.tape().check(a, kPow<T>.name);
    check_domain<T>(kPow<T>.name, "base", a.value(), [](T x) { return x > 0 || std::isnan(x); }, "(0, inf)");
    return map_binary(kPow<T>, a, b, [](T x, T y) { return std::pow(x, y); });
}
template <class T> Var<T> neg(Var<T> a) { return map_unary(kNeg<T>, a, [](T x) { return -x; }); }
template <class T> Var<T> add_scalar(Var<T> a, double s) {
    const T v = static_cast<T>(s);
    return with_scalars(map_unary(kAddScalar<T>, a, [v](T x) { return x + v; }), s);
}
template <class T> Var<T> mul_scalar(Var<T> a, double s) {
    const T v = static_cast<T>(s);
    return with_scalars(map_unary(kMulScalar<T>, a, [v](T x) { return x * v; }), s);
}
template <class T> Var<T> rsub_scalar(double s, Var<T> a) {
    const T v = static_cast<T>(s);
    return with_scalars(map_unary(kRsubScalar<T>, a, [v](T x) { return v - x; }), s);
}
template <class T> Var<T> div_scalar(Var<T> a, double s) {
    a.tape().check(a, kDivScalar<T>.name);
    if (s == 0) throw Error("div_scalar: division of shape " + shape_str(a.shape()) + " by zero");
    const T v = static_cast<T>(s);
    return with_scalars(map_unary(kDivScalar<T>, a, [v](T x) { return x / v; }), s);
}
template <class T> Var<T> rdiv_scalar(double s, Var<T> a) {
    const T v = static_cast<T>(s);
    return with_scalars(map_unary(kRdivScalar<T>, a, [v](T x) { return v / x; }), s);
}
template <class T> Var<T> pow(Var<T> a, double p) {
    const T v = static_cast<T>(p);
    return with_scalars(map_unary(kPowScalar<T>, a, [v](T x) { return std::pow(x, v); }), p);
}
template <class T> Var<T> square(Var<T> a) { return map_unary(kSquare<T>, a, [](T x) { return x * x; }); }
template <class T> Var<T> sqrt(Var<T> a) {
    a.tape().check(a, kSqrt<T>.name);
    check_domain<T>(kSqrt<T>.name, "input", a.value(), [](T x) { return x >= 0 || std::isnan(x); }, "[0, inf)");
    return map_unary(kSqrt<T>, a, [](T x) { return std::sqrt(x); });
}
template <class T> Var<T> exp(Var<T> a) {
    Tape<T>& tape = a.tape();
    tape.check(a, kExp<T>.name);
    Var<T> out = tape.record(&kExp<T>, {a}, a.shape());
    exp_n(tape.value(a.index()).data(), tape.node(out).value().data(), a.size());  // vectorised
    return out;
}
template <class T> Var<T> log(Var<T> a) {
    a.tape().check(a, kLog<T>.name);
    check_domain<T>(kLog<T>.name, "input", a.value(), [](T x) { return x >= 0 || std::isnan(x); }, "[0, inf)");
    return map_unary(kLog<T>, a, [](T x) { return std::log(x); });
}
template <class T> Var<T> abs(Var<T> a) { return map_unary(kAbs<T>, a, [](T x) { return std::abs(x); }); }
template <class T> Var<T> clip(Var<T> a, double lo, double hi) {
    if (!(lo <= hi))
        throw Error(fmt::format("clip: bounds lo = {}, hi = {} do not satisfy lo <= hi", lo, hi));
    const T l = static_cast<T>(lo), h = static_cast<T>(hi);
    return with_scalars(map_unary(kClip<T>, a, [l, h](T x) { return x < l ? l : (x > h ? h : x); }), lo, hi);
}

#define TAPEGRAD_INSTANTIATE(T)                               \
    template Var<T> add(Var<T>, Var<T>);                      \
    template Var<T> sub(Var<T>, Var<T>);                      \
    template Var<T> mul(Var<T>, Var<T>);                      \
    template Var<T> div(Var<T>, Var<T>);                      \
    template Var<T> pow(Var<T>, Var<T>);                      \
    template Var<T> neg(Var<T>);                              \
    template Var<T> add_scalar(Var<T>, double);               \
    template Var<T> mul_scalar(Var<T>, double);               \
    template Var<T> rsub_scalar(double, Var<T>);              \
    template Var<T> div_scalar(Var<T>, double);               \
    template Var<T> rdiv_scalar(double, Var<T>);              \
    template Var<T> pow(Var<T>, double);                      \
    template Var<T> square(Var<T>);                          \
    template Var<T> sqrt(Var<T>);                             \
    template Var<T> exp(Var<T>);                              \
    template Var<T> log(Var<T>);                              \
    template Var<T> abs(Var<T>);                              \
    template Var<T> clip(Var<T>, double, double);
TAPEGRAD_INSTANTIATE(float)
TAPEGRAD_INSTANTIATE(double)
#undef TAPEGRAD_INSTANTIATE

}  // namespace tapegrad
