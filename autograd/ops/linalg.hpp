#pragma once
/// Linear algebra and shape ops.
///
/// | op        | forward                       | vjp                                           |
/// |-----------|-------------------------------|-----------------------------------------------|
/// | matmul    | A (m,k) @ B (k,n) -> (m,n)    | dA = g B^T,  dB = A^T g   (GEMM, beta = 1)    |
/// | linear    | X (m,k) @ W (k,n) + b (n,)    | dX = g W^T,  dW = X^T g,  db = sum_rows(g)    |
/// | transpose | axes permuted (default: reversed) | da = g permuted back                      |
/// | reshape   | same data, new shape (one -1 allowed) | da = g read in a's shape               |
///
/// matmul and linear call `xt::blas::gemm` with transpose flags: no transposed copy is made.

#include <cstddef>
#include <vector>

#include "../tape.hpp"

namespace tapegrad {

template <class T> Var<T> matmul(Var<T> a, Var<T> b);
template <class T> Var<T> linear(Var<T> x, Var<T> weight, Var<T> bias);
template <class T> Var<T> transpose(Var<T> a, const std::vector<std::size_t>& perm = {});
template <class T> Var<T> reshape(Var<T> a, const std::vector<std::ptrdiff_t>& shape);

}  // namespace tapegrad
