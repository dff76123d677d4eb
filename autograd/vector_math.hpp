#pragma once
/// Elementwise math over whole arrays, vectorised where the C library offers vector versions.
///
///     tanh_n(x, y, n)   y[i] = tanh(x[i])   for i < n
///     exp_n(x, y, n)    y[i] = exp(x[i])    for i < n
///     dot_n(x, y, n)    sum_i x[i] y[i]
///
/// x and y may be the same array. On x86-64 with glibc >= 2.35 these call glibc's vector math
/// library (libmvec: 4 doubles or 8 floats at a time with AVX2, 2 or 4 with SSE), which is within
/// 4 ulp of the scalar `std::tanh` / `std::exp` (measured: 3 ulp) and 7x faster for tanh.
/// Elsewhere, or when CMake finds no libmvec, they are the scalar loops.
///
/// Every element goes through the same function whatever its position: the tail that does not
/// fill a vector is padded, not handed to the scalar function, so a row gives the same result
/// in a batch of 1 as in a batch of 1000 (predict on one row equals predict on many).
/// NaN and infinities follow the scalar functions: tanh(+-inf) = +-1, exp(-inf) = 0, NaN stays NaN.

#include <cstddef>

/// On a function holding a hot elementwise loop: compile it for AVX2 (256-bit vectors) and for
/// baseline x86-64, and choose at load time by the CPU (target_clones, an ifunc of glibc).
/// AVX2 without FMA: the same IEEE operations element by element, only wider, so both clones give
/// the same bits. Elsewhere (another architecture or C library) the function is compiled once.
#if defined(__x86_64__) && defined(__GLIBC__) && !defined(__SANITIZE_THREAD__)
#define TAPEGRAD_CLONE_FOR_AVX2 __attribute__((target_clones("avx2", "default")))
#else
#define TAPEGRAD_CLONE_FOR_AVX2
#endif

namespace tapegrad {

template <class T> void tanh_n(const T* x, T* y, std::size_t n);
template <class T> void exp_n(const T* x, T* y, std::size_t n);

/// sum_i x[i] * y[i], in 8 interleaved partial sums (lane j takes i = j mod 8) added pairwise at the
/// end: vectorised, and the same order of additions on every machine and thread count.
template <class T> T dot_n(const T* x, const T* y, std::size_t n);

/// The implementation in use: "libmvec avx2", "libmvec sse" or "scalar" (for benchmark reports).
const char* vector_math_backend();

}  // namespace tapegrad
