#include "data.hpp"

#include <cmath>

namespace tapegrad::mlp {

namespace {
/// The first non-finite value of a (rows, columns) row-major buffer, as sklearn names it.
template <class T>
void check_finite(const T* data, std::size_t rows, std::size_t columns, const std::string& estimator,
                  const char* what) {
    for (std::size_t r = 0; r < rows; ++r)
        for (std::size_t c = 0; c < columns; ++c) {
            const T v = data[r * columns + c];
            if (std::isfinite(v)) continue;
            throw Error(estimator + ": Input " + what + " contains " + (std::isnan(v) ? "NaN" : "infinity") +
                        " at row " + std::to_string(r) + ", column " + std::to_string(c) + ".");
        }
}
}  // namespace

template <class T>
void check_X(const Array<T>& X, const std::string& estimator) {
    if (X.dimension() != 2)
        throw Error(estimator + ": Expected 2D array X of shape (n_samples, n_features), got shape " +
                    shape_str(X.shape()) + " instead.");
    const std::size_t rows = X.shape()[0], columns = X.shape()[1];
    if (rows == 0)
        throw Error("Found array with 0 sample(s) (shape=" + shape_str(X.shape()) +
                    ") while a minimum of 1 is required by " + estimator + ".");
    if (columns == 0)
        throw Error("Found array with 0 feature(s) (shape=" + shape_str(X.shape()) +
                    ") while a minimum of 1 is required by " + estimator + ".");
    check_finite(X.data(), rows, columns, estimator, "X");
}

template <class T>
void check_y_values(const Array<T>& y, const std::string& estimator) {
    if (y.dimension() != 1 && y.dimension() != 2)
        throw Error(estimator + ": y must be of shape (n_samples,) or (n_samples, n_outputs), got shape " +
                    shape_str(y.shape()) + ".");
    if (y.dimension() == 2 && y.shape()[1] == 0)
        throw Error(estimator + ": y of shape " + shape_str(y.shape()) + " has no output column.");
    const std::size_t rows = y.shape()[0];
    check_finite(y.data(), rows, rows == 0 ? 0 : y.size() / rows, estimator, "y");
}

void check_consistent_length(std::size_t n_X, std::size_t n_y, const std::string& estimator) {
    if (n_X != n_y)
        throw Error(estimator + ": Found input variables with inconsistent numbers of samples: [" +
                    std::to_string(n_X) + ", " + std::to_string(n_y) + "]");
}

void check_n_features(std::size_t n_features, std::size_t expected, const std::string& estimator) {
    if (n_features != expected)
        throw Error("X has " + std::to_string(n_features) + " features, but " + estimator + " is expecting " +
                    std::to_string(expected) + " features as input.");
}

template void check_X<float>(const Array<float>&, const std::string&);
template void check_X<double>(const Array<double>&, const std::string&);
template void check_y_values<float>(const Array<float>&, const std::string&);
template void check_y_values<double>(const Array<double>&, const std::string&);

}  // namespace tapegrad::mlp
