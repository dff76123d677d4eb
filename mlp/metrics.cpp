#include "metrics.hpp"

#include <cmath>
#include <limits>
#include <vector>

namespace tapegrad::mlp {

namespace {
/// Column sums of an (n, k) array as numpy's sum(axis=0): pairwise for one column (a contiguous
/// reduction), row after row for several.
template <class V>
std::vector<V> column_sums(const std::vector<V>& values, std::size_t n, std::size_t k) {
    std::vector<V> sums(k, V(0));
    if (k == 1) {
        sums[0] = pairwise_sum(values.data(), n);
        return sums;
    }
    for (std::size_t i = 0; i < n; ++i)
        for (std::size_t j = 0; j < k; ++j) sums[j] += values[i * k + j];
    return sums;
}
}  // namespace

template <class T>
double r2_score(const Array<T>& y_true, const Array<T>& y_pred) {
    if (y_true.shape() != y_pred.shape())
        throw Error("r2_score: y_true of shape " + shape_str(y_true.shape()) + " and y_pred of shape " +
                    shape_str(y_pred.shape()) + " differ");
    if (y_true.dimension() != 1 && y_true.dimension() != 2)
        throw Error("r2_score: y of shape " + shape_str(y_true.shape()) + " is not (n,) or (n, k)");
    const std::size_t n = y_true.shape()[0];
    const std::size_t k = y_true.dimension() == 2 ? y_true.shape()[1] : 1;
    if (n < 2) return std::numeric_limits<double>::quiet_NaN();
    if (k == 0) throw Error("r2_score: no outputs");

    // mean of each column in T (np.average), then the two sums of squares in double
    const std::vector<T> values(y_true.begin(), y_true.end());
    const std::vector<T> sums = column_sums(values, n, k);
    std::vector<T> mean(k);
    for (std::size_t j = 0; j < k; ++j) mean[j] = sums[j] / static_cast<T>(n);
    std::vector<double> residual(n * k), deviation(n * k);
    for (std::size_t i = 0; i < n; ++i)
        for (std::size_t j = 0; j < k; ++j) {
            const T r = y_true.data()[i * k + j] - y_pred.data()[i * k + j];
            const T d = y_true.data()[i * k + j] - mean[j];
            residual[i * k + j] = static_cast<double>(r * r);
            deviation[i * k + j] = static_cast<double>(d * d);
        }
    const std::vector<double> numerator = column_sums(residual, n, k);
    const std::vector<double> denominator = column_sums(deviation, n, k);
    std::vector<double> scores(k, 1.0);
    for (std::size_t j = 0; j < k; ++j) {
        if (numerator[j] != 0 && denominator[j] != 0) scores[j] = 1 - numerator[j] / denominator[j];
        else if (numerator[j] != 0) scores[j] = 0.0;
    }
    return pairwise_sum(scores.data(), k) / static_cast<double>(k);
}

template double r2_score<float>(const Array<float>&, const Array<float>&);
template double r2_score<double>(const Array<double>&, const Array<double>&);

}  // namespace tapegrad::mlp
