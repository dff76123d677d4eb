#include "linalg.hpp"

#include <algorithm>
#include <string>

#include <xtensor-blas/xblas.hpp>

#include "../op_helpers.hpp"

namespace tapegrad {

namespace {

std::string shapes_str(const Shape& a, const Shape& b) { return shape_str(a) + " and " + shape_str(b); }

/// False when a GEMM would have a zero-sized dimension: its result is empty or the sum is over
/// nothing, and OpenBLAS rejects the leading dimension 0 that such operands have.
template <class T>
bool gemm_has_work(const Array<T>& left, const Array<T>& right) {
    return left.size() > 0 && right.size() > 0;
}

/// grad(input) (+)= op(left) @ op(right) by one GEMM: beta 0 on the first write of this backward
/// (no zeroing pass), else beta 1 (accumulate). An empty product adds nothing.
template <class T>
void gemm_into_grad(Tape<T>& tape, std::int32_t input, const Array<T>& left, bool transpose_left,
                    const Array<T>& right, bool transpose_right) {
    if (!gemm_has_work(left, right)) {
        tape.grad(input);  // zeros (or what is already there)
        return;
    }
    auto target = tape.grad_target(input);
    xt::blas::gemm(left, right, target.grad, transpose_left, transpose_right, T(1), target.assign ? T(0) : T(1));
}

template <class T> void matmul_vjp(Tape<T>& tape, Node<T>& node) {
    const std::int32_t a = node.input(0), b = node.input(1);
    const Array<T>& g = node.grad();  // (m, n)
    if (tape.needs_grad(a)) gemm_into_grad(tape, a, g, false, tape.value(b), true);  // (m,n)(k,n)^T
    if (tape.needs_grad(b)) gemm_into_grad(tape, b, tape.value(a), true, g, false);  // (m,k)^T(m,n)
}
template <class T> const Op<T> kMatmul{"matmul", matmul_vjp<T>};

template <class T> void linear_vjp(Tape<T>& tape, Node<T>& node) {
    const std::int32_t x = node.input(0), w = node.input(1), b = node.input(2);
    const Array<T>& g = node.grad();  // (m, n)
    if (tape.needs_grad(x)) gemm_into_grad(tape, x, g, false, tape.value(w), true);  // (m,n)(k,n)^T
    if (tape.needs_grad(w)) gemm_into_grad(tape, w, tape.value(x), true, g, false);  // (m,k)^T(m,n)
    if (tape.needs_grad(b)) sum_to_accumulate(tape.grad(b), g);  // (n,) <- (m, n)
}
template <class T> const Op<T> kLinear{"linear", linear_vjp<T>};

/// out[i_0, ..., i_r] (+)= in[j] where in's index has i_k on axis perm[k]: out = transpose(in, perm).
/// `in_shape` is in's shape; out's shape is in_shape permuted. Plain loops, no allocation.
template <class T, bool Accumulate>
void permute(const T* in, const Shape& in_shape, const Shape& perm, T* out) {
    const std::size_t rank = in_shape.size();
    Shape in_strides(rank, 1);
    for (std::size_t k = rank; k-- > 1;) in_strides[k - 1] = in_strides[k] * in_shape[k];
    Shape out_shape(rank), strides(rank);  // strides: in's stride along each out axis
    for (std::size_t k = 0; k < rank; ++k) {
        out_shape[k] = in_shape[perm[k]];
        strides[k] = in_strides[perm[k]];
    }
    const std::size_t total = shape_size(in_shape);
    if (total == 0) return;
    Shape counter(rank, 0);
    std::size_t from = 0;
    for (std::size_t to = 0; to < total; ++to) {
        if (Accumulate) out[to] += in[from];
        else out[to] = in[from];
        for (std::size_t k = rank; k-- > 0;) {  // next out index, row-major
            from += strides[k];
            if (++counter[k] < out_shape[k]) break;
            from -= strides[k] * counter[k];
            counter[k] = 0;
        }
    }
}

template <class T> void transpose_vjp(Tape<T>& tape, Node<T>& node) {
    // da = transpose(g, inverse permutation); node.axes holds the inverse permutation
    if (!tape.needs_grad(node.input(0))) return;
    const Array<T>& g = node.grad();  // a's shape permuted
    permute<T, true>(g.data(), g.shape(), node.axes, tape.grad(node.input(0)).data());
}
template <class T> const Op<T> kTranspose{"transpose", transpose_vjp<T>};

template <class T> void reshape_vjp(Tape<T>& tape, Node<T>& node) {
    if (!tape.needs_grad(node.input(0))) return;
    T* da = tape.grad(node.input(0)).data();
    const T* g = node.grad().data();
    for (std::size_t i = 0, n = node.grad().size(); i < n; ++i) da[i] += g[i];
}
template <class T> const Op<T> kReshape{"reshape", reshape_vjp<T>};

}  // namespace

template <class T> Var<T> matmul(Var<T> a, Var<T> b) {
    Tape<T>& tape = a.tape();
    tape.check(a, "matmul");
    tape.check(b, "matmul");
    const Shape& sa = a.shape();
    const Shape& sb = b.shape();
    if (sa.size() != 2 || sb.size() != 2)
        throw Error("matmul: shapes " + shapes_str(sa, sb) + " are not both of rank 2");
    if (sa[1] != sb[0]) throw Error("matmul: shapes " + shapes_str(sa, sb) + " do not align");
    Var<T> out = tape.record(&kMatmul<T>, {a, b}, Shape{sa[0], sb[1]});
    Array<T>& y = tape.node(out).value();
    if (sa[1] == 0) std::fill(y.begin(), y.end(), T(0));
    else if (y.size() > 0) xt::blas::gemm(tape.value(a.index()), tape.value(b.index()), y, false, false, T(1), T(0));
    return out;
}

template <class T> Var<T> linear(Var<T> x, Var<T> weight, Var<T> bias) {
    Tape<T>& tape = x.tape();
    tape.check(x, "linear");
    tape.check(weight, "linear");
    tape.check(bias, "linear");
    const Shape& sx = x.shape();
    const Shape& sw = weight.shape();
    const Shape& sb = bias.shape();
    if (sx.size() != 2 || sw.size() != 2 || sb.size() != 1)
        throw Error("linear: shapes " + shape_str(sx) + ", " + shape_str(sw) + " and " + shape_str(sb) +
                    " are not (m, k), (k, n) and (n,)");
    if (sx[1] != sw[0]) throw Error("linear: shapes " + shapes_str(sx, sw) + " do not align");
    if (sb[0] != sw[1]) throw Error("linear: bias of shape " + shape_str(sb) + " for weight of shape " + shape_str(sw));
    Var<T> out = tape.record(&kLinear<T>, {x, weight, bias}, Shape{sx[0], sw[1]});
    Array<T>& y = tape.node(out).value();
    const T* b = tape.value(bias.index()).data();
    const std::size_t m = sx[0], n = sw[1];
    for (std::size_t i = 0; i < m; ++i) std::copy(b, b + n, y.data() + i * n);  // y = 1 b^T
    if (sx[1] > 0 && y.size() > 0)
        xt::blas::gemm(tape.value(x.index()), tape.value(weight.index()), y, false, false, T(1), T(1));  // y += X W
    return out;
}

template <class T> Var<T> transpose(Var<T> a, const std::vector<std::size_t>& perm) {
    Tape<T>& tape = a.tape();
    tape.check(a, "transpose");
    const Shape& sa = a.shape();
    Shape p(perm.begin(), perm.end());
    if (p.empty())
        for (std::size_t k = sa.size(); k-- > 0;) p.push_back(k);
    bool valid = p.size() == sa.size();
    for (std::size_t k = 0; valid && k < p.size(); ++k)  // every axis exactly once
        valid = p[k] < sa.size() && std::count(p.begin(), p.end(), p[k]) == 1;
    if (!valid) {
        std::string text = "(";
        for (std::size_t k = 0; k < perm.size(); ++k) text += (k ? ", " : "") + std::to_string(perm[k]);
        throw Error("transpose: " + text + ") is not a permutation of the axes of shape " + shape_str(sa));
    }
    Shape out_shape(sa.size());
    Shape inverse(sa.size());
    for (std::size_t k = 0; k < p.size(); ++k) {
        out_shape[k] = sa[p[k]];
        inverse[p[k]] = k;
    }
    Var<T> out = tape.record(&kTranspose<T>, {a}, out_shape);
    Node<T>& node = tape.node(out);
    node.axes = inverse;
    permute<T, false>(tape.value(a.index()).data(), sa, p, node.value().data());
    return out;
}

template <class T> Var<T> reshape(Var<T> a, const std::vector<std::ptrdiff_t>& shape) {
    Tape<T>& tape = a.tape();
    tape.check(a, "reshape");
    // "reshape: cannot reshape (2, 3) to (4, -1)", plus the reason where there is more to say
    auto cannot = [&](const std::string& reason) {
        std::string target = "(";
        for (std::size_t k = 0; k < shape.size(); ++k) target += (k ? ", " : "") + std::to_string(shape[k]);
        if (shape.size() == 1) target += ",";
        return Error("reshape: cannot reshape " + shape_str(a.shape()) + " to " + target + ")" + reason);
    };
    Shape out_shape;
    std::size_t known = 1;  // product of the given dimensions
    std::ptrdiff_t free_axis = -1;
    for (std::size_t k = 0; k < shape.size(); ++k) {
        if (shape[k] == -1) {
            if (free_axis >= 0) throw cannot(": more than one -1");
            free_axis = static_cast<std::ptrdiff_t>(k);
            out_shape.push_back(1);
        } else if (shape[k] < 0) {
            throw cannot(": negative dimension " + std::to_string(shape[k]));
        } else {
            out_shape.push_back(static_cast<std::size_t>(shape[k]));
            known *= static_cast<std::size_t>(shape[k]);
        }
    }
    if (free_axis >= 0) {
        if (known == 0) throw cannot(": -1 next to a 0 dimension is undetermined");
        if (a.size() % known == 0) out_shape[static_cast<std::size_t>(free_axis)] = a.size() / known;
    }
    if (shape_size(out_shape) != a.size()) throw cannot("");
    Var<T> out = tape.record(&kReshape<T>, {a}, out_shape);
    const Array<T>& x = tape.value(a.index());
    std::copy(x.begin(), x.end(), tape.node(out).value().begin());
    return out;
}

#define TAPEGRAD_INSTANTIATE(T)                                                   \
    template Var<T> matmul(Var<T>, Var<T>);                                       \
    template Var<T> linear(Var<T>, Var<T>, Var<T>);                               \
    template Var<T> transpose(Var<T>, const std::vector<std::size_t>&);           \
    template Var<T> reshape(Var<T>, const std::vector<std::ptrdiff_t>&);
TAPEGRAD_INSTANTIATE(float)
TAPEGRAD_INSTANTIATE(double)
#undef TAPEGRAD_INSTANTIATE

}  // namespace tapegrad
