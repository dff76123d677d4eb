#include "vector_math.hpp"

#include <algorithm>
#include <cmath>

#if defined(TAPEGRAD_HAVE_LIBMVEC) && defined(__x86_64__) && defined(__GLIBC__)
#if __GLIBC_PREREQ(2, 35)
#define TAPEGRAD_USE_LIBMVEC 1
#endif
#endif

#ifdef TAPEGRAD_USE_LIBMVEC
#include <immintrin.h>

// The AVX2 code below is compiled for AVX2 (and only ever called on a CPU that has it); so are the
// declarations of the functions that take and return 256-bit vectors.
#if defined(__clang__)
#pragma clang attribute push(__attribute__((target("avx2,fma"))), apply_to = function)
#else
#pragma GCC push_options
#pragma GCC target("avx2,fma")
#endif

// glibc's vector functions, by their vector-ABI names: _ZGV + b (SSE) / d (AVX2) + N (unmasked)
// + lanes + v (one vector argument) + the scalar name. libmvec.so resolves each to the best
// implementation for the CPU it runs on.
extern "C" {
__m256d _ZGVdN4v_tanh(__m256d);
__m256 _ZGVdN8v_tanhf(__m256);
__m256d _ZGVdN4v_exp(__m256d);
__m256 _ZGVdN8v_expf(__m256);
}

namespace tapegrad {
namespace {
void tanh_avx2(const double* in, double* out) { _mm256_storeu_pd(out, _ZGVdN4v_tanh(_mm256_loadu_pd(in))); }
void tanh_avx2(const float* in, float* out) { _mm256_storeu_ps(out, _ZGVdN8v_tanhf(_mm256_loadu_ps(in))); }
void exp_avx2(const double* in, double* out) { _mm256_storeu_pd(out, _ZGVdN4v_exp(_mm256_loadu_pd(in))); }
void exp_avx2(const float* in, float* out) { _mm256_storeu_ps(out, _ZGVdN8v_expf(_mm256_loadu_ps(in))); }
}  // namespace
}  // namespace tapegrad

#if defined(__clang__)
#pragma clang attribute pop
#else
#pragma GCC pop_options
#endif

extern "C" {
__m128d _ZGVbN2v_tanh(__m128d);
__m128 _ZGVbN4v_tanhf(__m128);
__m128d _ZGVbN2v_exp(__m128d);
__m128 _ZGVbN4v_expf(__m128);
}
#endif

namespace tapegrad {

namespace {

#ifdef TAPEGRAD_USE_LIBMVEC

void tanh_sse(const double* in, double* out) { _mm_storeu_pd(out, _ZGVbN2v_tanh(_mm_loadu_pd(in))); }
void tanh_sse(const float* in, float* out) { _mm_storeu_ps(out, _ZGVbN4v_tanhf(_mm_loadu_ps(in))); }
void exp_sse(const double* in, double* out) { _mm_storeu_pd(out, _ZGVbN2v_exp(_mm_loadu_pd(in))); }
void exp_sse(const float* in, float* out) { _mm_storeu_ps(out, _ZGVbN4v_expf(_mm_loadu_ps(in))); }

/// Runs `chunk` (lanes elements in, lanes out) over x; the last partial chunk goes through a
/// padded buffer, so that every element sees the same function.
template <std::size_t lanes, class T>
void by_chunks(void (*chunk)(const T*, T*), const T* x, T* y, std::size_t n) {
    std::size_t i = 0;
    for (; i + lanes <= n; i += lanes) chunk(x + i, y + i);
    if (i == n) return;
    T in[lanes] = {};
    T out[lanes];
    std::copy(x + i, x + n, in);
    chunk(in, out);
    std::copy(out, out + (n - i), y + i);
}

const bool kHasAvx2 = __builtin_cpu_supports("avx2") && __builtin_cpu_supports("fma");

/// Lanes of a vector of T: 256 bits with AVX2, 128 with SSE.
template <class T> constexpr std::size_t kAvx2Lanes = 32 / sizeof(T);
template <class T> constexpr std::size_t kSseLanes = 16 / sizeof(T);

#endif

}  // namespace

template <class T>
void tanh_n(const T* x, T* y, std::size_t n) {
#ifdef TAPEGRAD_USE_LIBMVEC
    if (kHasAvx2) by_chunks<kAvx2Lanes<T>>(tanh_avx2, x, y, n);
    else by_chunks<kSseLanes<T>>(tanh_sse, x, y, n);
#else
    for (std::size_t i = 0; i < n; ++i) y[i] = std::tanh(x[i]);
#endif
}

template <class T>
void exp_n(const T* x, T* y, std::size_t n) {
#ifdef TAPEGRAD_USE_LIBMVEC
    if (kHasAvx2) by_chunks<kAvx2Lanes<T>>(exp_avx2, x, y, n);
    else by_chunks<kSseLanes<T>>(exp_sse, x, y, n);
#else
    for (std::size_t i = 0; i < n; ++i) y[i] = std::exp(x[i]);
#endif
}

template <class T>
T dot_n(const T* x, const T* y, std::size_t n) {
    constexpr std::size_t lanes = 8;
    T partial[lanes] = {};
    std::size_t i = 0;
    for (; i + lanes <= n; i += lanes)
        for (std::size_t j = 0; j < lanes; ++j) partial[j] += x[i + j] * y[i + j];
    for (std::size_t j = 0; i + j < n; ++j) partial[j] += x[i + j] * y[i + j];
    for (std::size_t width = lanes / 2; width > 0; width /= 2)
        for (std::size_t j = 0; j < width; ++j) partial[j] += partial[j + width];
    return partial[0];
}

const char* vector_math_backend() {
#ifdef TAPEGRAD_USE_LIBMVEC
    return kHasAvx2 ? "libmvec avx2" : "libmvec sse";
#else
    return "scalar";
#endif
}

template void tanh_n(const float*, float*, std::size_t);
template void tanh_n(const double*, double*, std::size_t);
template void exp_n(const float*, float*, std::size_t);
template void exp_n(const double*, double*, std::size_t);
template float dot_n(const float*, const float*, std::size_t);
template double dot_n(const double*, const double*, std::size_t);

}  // namespace tapegrad
