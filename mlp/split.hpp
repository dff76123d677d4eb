#pragma once
/// The early-stopping validation split, reproducing scikit-learn 1.2's
/// `train_test_split(X, y, random_state=rng, test_size=validation_fraction, stratify=...)`
/// draw for draw on numpy's RandomState stream, so that our rows match sklearn's exactly:
///
/// - n_validation = ceil(validation_fraction * n), n_train = n - n_validation;
/// - not stratified (`ShuffleSplit`): p = rng.permutation(n); validation = p[:n_validation],
///   train = p[n_validation:];
/// - stratified (`StratifiedShuffleSplit`, used by sklearn only for a classifier with ONE output
///   column, i.e. binary): per-class train/validation counts from `_approximate_mode`
///   (ties broken with rng.choice = permutation), each class's rows (in increasing order)
///   permuted by rng.permutation(count), split into train / validation, then both lists
///   permuted once more.

#include <cstddef>
#include <string>
#include <vector>

#include <tapegrad/nn/random.hpp>

namespace tapegrad::mlp {

struct TrainValidationSplit {
    std::vector<std::size_t> train;       ///< row indices, in sklearn's order
    std::vector<std::size_t> validation;  ///< row indices, in sklearn's order
};

/// Throws what train_validation_split would, without drawing: validation_fraction not in (0, 1),
/// an empty train set, a class of fewer than 2 rows or more classes than rows in either part.
void check_train_validation_split(std::size_t n_samples, double validation_fraction,
                                  const std::vector<std::size_t>* strata);

/// `strata`: nullptr, or one class code per row (any integers; only equality matters).
/// Errors name validation_fraction and the counts when a set would be empty or a class too small.
TrainValidationSplit train_validation_split(std::size_t n_samples, double validation_fraction, nn::Random& rng,
                                            const std::vector<std::size_t>* strata);

/// sklearn's `_approximate_mode(class_counts, n_draws, rng)`: how many of each class to draw,
/// summing to n_draws, ties in the leftover fractions broken at random.
std::vector<std::size_t> approximate_mode(const std::vector<std::size_t>& class_counts, std::size_t n_draws,
                                          nn::Random& rng);

}  // namespace tapegrad::mlp
