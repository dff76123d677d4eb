#pragma once
/// The scores of the estimators, as scikit-learn computes them (`accuracy_score`, `r2_score`
/// with multioutput="uniform_average"), summing like numpy so that validation scores match.

#include <cstddef>

#include <tapegrad/autograd/array.hpp>

namespace tapegrad::mlp {

/// numpy's pairwise summation of n values read with `stride` (np.add.reduce on a contiguous
/// axis): blocks of 8 partial sums up to 128 values, halves above.
template <class V>
V pairwise_sum(const V* a, std::size_t n, std::size_t stride = 1) {
    if (n < 8) {
        V sum = 0;
        for (std::size_t i = 0; i < n; ++i) sum += a[i * stride];
        return sum;
    }
    if (n <= 128) {
        V r[8];
        for (std::size_t j = 0; j < 8; ++j) r[j] = a[j * stride];
        std::size_t i = 8;
        for (; i < n - n % 8; i += 8)
            for (std::size_t j = 0; j < 8; ++j) r[j] += a[(i + j) * stride];
        V sum = ((r[0] + r[1]) + (r[2] + r[3])) + ((r[4] + r[5]) + (r[6] + r[7]));
        for (; i < n; ++i) sum += a[i * stride];
        return sum;
    }
    std::size_t half = n / 2;
    half -= half % 8;
    return pairwise_sum(a, half, stride) + pairwise_sum(a + half * stride, n - half, stride);
}

/// R^2 of predictions against targets, both (n,) or (n, k) of one shape, averaged uniformly over
/// the k outputs: 1 - sum((y - p)^2) / sum((y - mean(y))^2) per output, 1.0 where both sums are
/// zero, 0.0 where only the denominator is. NaN (sklearn warns) for fewer than 2 samples.
template <class T>
double r2_score(const Array<T>& y_true, const Array<T>& y_pred);

}  // namespace tapegrad::mlp
