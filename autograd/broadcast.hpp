#pragma once
/// NumPy broadcasting for the tape's ops, as plain loops.
///
/// Forward: `broadcast_map` computes out = f(a, b) over the broadcast shape.
/// Backward: `sum_to_accumulate` is the ONE place where broadcasting is undone: it adds a
/// gradient of the broadcast shape into an input's gradient, summing over every axis that the
/// input was stretched along. Binary ops' vjps go through `accumulate_vjp`, which calls it.
///
/// All loops iterate the output row by row (the last axis innermost) with per-operand strides
/// of 0 (broadcast) or 1 (contiguous), so the common cases — same shape, a bias row over a
/// batch, a column, a scalar — run as tight loops without any xtensor broadcasting machinery.

#include <array>
#include <string>

#include "array.hpp"

namespace tapegrad {

/// The broadcast shape of a and b, or an Error "op: shapes (2, 3) and (4,) cannot be broadcast".
inline Shape broadcast_shapes(const char* op, const Shape& a, const Shape& b) {
    const std::size_t rank = std::max(a.size(), b.size());
    Shape out(rank, 1);
    for (std::size_t k = 0; k < rank; ++k) {
        const std::size_t da = k < rank - a.size() ? 1 : a[k - (rank - a.size())];
        const std::size_t db = k < rank - b.size() ? 1 : b[k - (rank - b.size())];
        if (da != db && da != 1 && db != 1)
            throw Error(std::string(op) + ": shapes " + shape_str(a) + " and " + shape_str(b) +
                        " cannot be broadcast");
        out[k] = da == 1 ? db : da;
    }
    return out;
}

/// True when `shape` broadcasts to `out` (used to validate sum_to targets).
inline bool broadcasts_to(const Shape& shape, const Shape& out) {
    if (shape.size() > out.size()) return false;
    const std::size_t lead = out.size() - shape.size();
    for (std::size_t k = 0; k < shape.size(); ++k)
        if (shape[k] != 1 && shape[k] != out[lead + k]) return false;
    return true;
}

namespace detail {

/// Element strides of an operand of `shape` read along an output of shape `out`: 0 on axes where
/// the operand is broadcast (missing or of length 1).
inline Shape broadcast_strides(const Shape& shape, const Shape& out) {
    Shape strides(out.size(), 0);
    std::size_t stride = 1;
    for (std::size_t k = shape.size(); k-- > 0;) {
        const std::size_t j = k + (out.size() - shape.size());
        strides[j] = shape[k] == 1 ? 0 : stride;
        stride *= shape[k];
    }
    return strides;
}

/// Calls body(out_offset, offsets, n, inner_strides) once per output row (last axis), where
/// offsets[i] is operand i's offset at the row's start and inner_strides[i] is 0 or 1.
template <std::size_t N, class Body>
void for_each_row(const Shape& out, const std::array<const Shape*, N>& shapes, Body body) {
    std::array<Shape, N> strides;
    for (std::size_t i = 0; i < N; ++i) strides[i] = broadcast_strides(*shapes[i], out);
    const std::size_t rank = out.size();
    std::array<std::size_t, N> offsets{};
    std::array<std::size_t, N> inner{};
    if (rank == 0) {
        body(std::size_t(0), offsets, std::size_t(1), inner);
        return;
    }
    for (std::size_t i = 0; i < N; ++i) inner[i] = strides[i][rank - 1];
    const std::size_t n = out[rank - 1];
    const std::size_t total = shape_size(out);
    if (n == 0 || total == 0) return;
    Shape counter(rank, 0);
    for (std::size_t out_offset = 0; out_offset < total; out_offset += n) {
        body(out_offset, offsets, n, inner);
        // advance the counter over axes 0..rank-2, updating each operand's offset
        for (std::size_t k = rank - 1; k-- > 0;) {
            ++counter[k];
            for (std::size_t i = 0; i < N; ++i) offsets[i] += strides[i][k];
            if (counter[k] < out[k]) break;
            for (std::size_t i = 0; i < N; ++i) offsets[i] -= strides[i][k] * counter[k];
            counter[k] = 0;
        }
    }
}

}  // namespace detail

/// out = f(a, b) elementwise over the broadcast shape (out must already have that shape).
template <class T, class F>
void broadcast_map(Array<T>& out, const Array<T>& a, const Array<T>& b, F f) {
    T* o = out.data();
    const T* pa = a.data();
    const T* pb = b.data();
    if (a.shape() == out.shape() && b.shape() == out.shape()) {
        const std::size_t n = out.size();
        for (std::size_t i = 0; i < n; ++i) o[i] = f(pa[i], pb[i]);
        return;
    }
    detail::for_each_row<2>(out.shape(), {&a.shape(), &b.shape()},
        [&](std::size_t oo, const std::array<std::size_t, 2>& off, std::size_t n, const std::array<std::size_t, 2>& s) {
            T* orow = o + oo;
            const T* arow = pa + off[0];
            const T* brow = pb + off[1];
            if (s[0] == 1 && s[1] == 1) {
                for (std::size_t i = 0; i < n; ++i) orow[i] = f(arow[i], brow[i]);
            } else if (s[0] == 1) {
                const T bv = brow[0];
                for (std::size_t i = 0; i < n; ++i) orow[i] = f(arow[i], bv);
            } else if (s[1] == 1) {
                const T av = arow[0];
                for (std::size_t i = 0; i < n; ++i) orow[i] = f(av, brow[i]);
            } else {
                const T v = f(arow[0], brow[0]);
                for (std::size_t i = 0; i < n; ++i) orow[i] = v;
            }
        });
}

/// dst += src summed over the axes along which dst's shape was broadcast to src's shape.
/// THE one place where broadcasting is undone in backward.
/// `dst_shape` is the shape dst's data is read as (a reduction's keepdims shape, say).
template <class T>
void sum_to_accumulate(T* d, const Shape& dst_shape, const T* s, const Shape& src_shape) {
    if (dst_shape == src_shape) {
        const std::size_t n = shape_size(src_shape);
        for (std::size_t i = 0; i < n; ++i) d[i] += s[i];
        return;
    }
    if (!broadcasts_to(dst_shape, src_shape))
        throw Error("sum_to: shape " + shape_str(dst_shape) + " does not broadcast to " + shape_str(src_shape));
    detail::for_each_row<1>(src_shape, {&dst_shape},
        [&](std::size_t so, const std::array<std::size_t, 1>& off, std::size_t n, const std::array<std::size_t, 1>& st) {
            T* drow = d + off[0];
            const T* srow = s + so;
            if (st[0] == 1) {
                for (std::size_t i = 0; i < n; ++i) drow[i] += srow[i];
            } else {
                T total = 0;
                for (std::size_t i = 0; i < n; ++i) total += srow[i];
                drow[0] += total;
            }
        });
}

template <class T>
void sum_to_accumulate(Array<T>& dst, const Array<T>& src) {
    sum_to_accumulate(dst.data(), dst.shape(), src.data(), src.shape());
}

/// dst += src broadcast to dst's shape (the vjp of a reduction: spread the gradient back);
/// src's data is read as `src_shape`.
template <class T>
void broadcast_accumulate(Array<T>& dst, const T* s, const Shape& src_shape) {
    T* d = dst.data();
    detail::for_each_row<1>(dst.shape(), {&src_shape},
        [&](std::size_t o, const std::array<std::size_t, 1>& off, std::size_t n, const std::array<std::size_t, 1>& st) {
            T* drow = d + o;
            const T* srow = s + off[0];
            if (st[0] == 1) {
                for (std::size_t i = 0; i < n; ++i) drow[i] += srow[i];
            } else {
                const T v = srow[0];
                for (std::size_t i = 0; i < n; ++i) drow[i] += v;
            }
        });
}

}  // namespace tapegrad
