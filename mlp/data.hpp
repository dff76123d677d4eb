#pragma once
/// Input validation with scikit-learn's messages (`check_array`, `check_consistent_length`,
/// `_check_n_features`), extended to name the row and column of a bad value.

#include <cstddef>
#include <string>

#include <tapegrad/autograd/array.hpp>

namespace tapegrad::mlp {

/// X must be 2-D (n_samples, n_features) with n_samples >= 1, n_features >= 1, all values
/// finite; else Error, e.g. "MLPClassifier: Input X contains NaN at row 2, column 1."
template <class T>
void check_X(const Array<T>& X, const std::string& estimator);

/// A regression target: (n,) or (n, k) with k >= 1, all values finite.
template <class T>
void check_y_values(const Array<T>& y, const std::string& estimator);

/// "Found input variables with inconsistent numbers of samples: [4, 3]"
void check_consistent_length(std::size_t n_X, std::size_t n_y, const std::string& estimator);

/// "X has 3 features, but MLPClassifier is expecting 2 features as input."
void check_n_features(std::size_t n_features, std::size_t expected, const std::string& estimator);

}  // namespace tapegrad::mlp
