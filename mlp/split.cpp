#include "split.hpp"

#include <algorithm>
#include <cmath>
#include <numeric>

#include <fmt/format.h>

#include <tapegrad/autograd/array.hpp>

#include "params.hpp"

namespace tapegrad::mlp {

std::vector<std::size_t> approximate_mode(const std::vector<std::size_t>& class_counts, std::size_t n_draws,
                                          nn::Random& rng) {
    const std::size_t n_classes = class_counts.size();
    const double total = static_cast<double>(std::accumulate(class_counts.begin(), class_counts.end(), std::size_t(0)));
    // continuous = class_counts / class_counts.sum() * n_draws; floored = floor(continuous)
    std::vector<double> remainder(n_classes);
    std::vector<std::size_t> floored(n_classes);
    std::size_t floored_sum = 0;
    for (std::size_t i = 0; i < n_classes; ++i) {
        const double continuous = static_cast<double>(class_counts[i]) / total * static_cast<double>(n_draws);
        const double low = std::floor(continuous);
        floored[i] = static_cast<std::size_t>(low);
        remainder[i] = continuous - low;
        floored_sum += floored[i];
    }
    std::size_t need_to_add = n_draws - floored_sum;
    if (need_to_add == 0) return floored;
    // for each distinct remainder, largest first: add to min(ties, need) of its classes, chosen by
    // rng.choice(ties, size, replace=False) = ties[permutation(len(ties))[:size]]
    std::vector<double> values = remainder;
    std::sort(values.begin(), values.end(), std::greater<double>());
    values.erase(std::unique(values.begin(), values.end()), values.end());
    std::vector<std::size_t> ties;
    for (double value : values) {
        ties.clear();
        for (std::size_t i = 0; i < n_classes; ++i)
            if (remainder[i] == value) ties.push_back(i);
        const std::size_t add_now = std::min(ties.size(), need_to_add);
        const std::vector<std::size_t> order = rng.permutation(ties.size());
        for (std::size_t k = 0; k < add_now; ++k) ++floored[ties[order[k]]];
        need_to_add -= add_now;
    }
    return floored;
}

namespace {

struct SplitSizes {
    std::size_t n_train, n_validation;
};

/// sklearn's `_validate_shuffle_split` for test_size=validation_fraction.
SplitSizes split_sizes(std::size_t n_samples, double validation_fraction) {
    if (!(validation_fraction > 0 && validation_fraction < 1))
        throw Error("early_stopping: validation_fraction=" + python_repr(validation_fraction) +
                    " leaves no validation set; it must be a float in the range (0, 1).");
    const auto n_validation =
        static_cast<std::size_t>(std::ceil(validation_fraction * static_cast<double>(n_samples)));
    const std::size_t n_train = n_samples - std::min(n_validation, n_samples);
    if (n_train == 0)
        throw Error(fmt::format("early_stopping: with n_samples={} and validation_fraction={}, the resulting train "
                                "set will be empty. Adjust validation_fraction or pass more samples.",
                                n_samples, python_repr(validation_fraction)));
    return {n_train, n_validation};
}

/// The rows of each class, classes in sorted order, rows increasing (np.unique + stable argsort).
std::vector<std::vector<std::size_t>> rows_by_class(const std::vector<std::size_t>& strata) {
    std::vector<std::size_t> classes = strata;
    std::sort(classes.begin(), classes.end());
    classes.erase(std::unique(classes.begin(), classes.end()), classes.end());
    std::vector<std::vector<std::size_t>> class_rows(classes.size());
    for (std::size_t row = 0; row < strata.size(); ++row) {
        const auto c = static_cast<std::size_t>(std::lower_bound(classes.begin(), classes.end(), strata[row]) -
                                                classes.begin());
        class_rows[c].push_back(row);
    }
    return class_rows;
}

void check_strata(const SplitSizes& sizes, const std::vector<std::vector<std::size_t>>& class_rows) {
    const std::size_t n_classes = class_rows.size();
    for (const auto& rows : class_rows)
        if (rows.size() < 2)
            throw Error("early_stopping: the least populated class in y has only 1 member, which is too few to "
                        "stratify the validation split; the minimum is 2.");
    if (sizes.n_train < n_classes)
        throw Error(fmt::format("early_stopping: the training part of the split ({} rows) should be greater or equal "
                                "to the number of classes = {}",
                                sizes.n_train, n_classes));
    if (sizes.n_validation < n_classes)
        throw Error(fmt::format("early_stopping: the validation part of the split ({} rows) should be greater or "
                                "equal to the number of classes = {}; raise validation_fraction",
                                sizes.n_validation, n_classes));
}

TrainValidationSplit shuffle_split(std::size_t n_samples, std::size_t n_validation, nn::Random& rng) {
    const std::vector<std::size_t> order = rng.permutation(n_samples);
    TrainValidationSplit split;
    split.validation.assign(order.begin(), order.begin() + static_cast<std::ptrdiff_t>(n_validation));
    split.train.assign(order.begin() + static_cast<std::ptrdiff_t>(n_validation), order.end());
    return split;
}

TrainValidationSplit stratified_split(const SplitSizes& sizes, const std::vector<std::vector<std::size_t>>& class_rows,
                                      nn::Random& rng) {
    const std::size_t n_classes = class_rows.size();
    std::vector<std::size_t> class_counts(n_classes);
    for (std::size_t c = 0; c < n_classes; ++c) class_counts[c] = class_rows[c].size();
    const std::vector<std::size_t> n_i = approximate_mode(class_counts, sizes.n_train, rng);
    std::vector<std::size_t> remaining(n_classes);
    for (std::size_t c = 0; c < n_classes; ++c) remaining[c] = class_counts[c] - n_i[c];
    const std::vector<std::size_t> t_i = approximate_mode(remaining, sizes.n_validation, rng);

    TrainValidationSplit split;
    for (std::size_t c = 0; c < n_classes; ++c) {
        const std::vector<std::size_t> order = rng.permutation(class_counts[c]);
        for (std::size_t k = 0; k < n_i[c]; ++k) split.train.push_back(class_rows[c][order[k]]);
        for (std::size_t k = n_i[c]; k < n_i[c] + t_i[c]; ++k) split.validation.push_back(class_rows[c][order[k]]);
    }
    rng.shuffle(split.train.begin(), split.train.end());
    rng.shuffle(split.validation.begin(), split.validation.end());
    return split;
}

void check_strata_size(std::size_t n_samples, const std::vector<std::size_t>* strata) {
    if (strata && strata->size() != n_samples)
        throw Error(fmt::format("train_validation_split: {} strata for {} samples", strata->size(), n_samples));
}

}  // namespace

void check_train_validation_split(std::size_t n_samples, double validation_fraction,
                                  const std::vector<std::size_t>* strata) {
    check_strata_size(n_samples, strata);
    const SplitSizes sizes = split_sizes(n_samples, validation_fraction);
    if (strata) check_strata(sizes, rows_by_class(*strata));
}

TrainValidationSplit train_validation_split(std::size_t n_samples, double validation_fraction, nn::Random& rng,
                                            const std::vector<std::size_t>* strata) {
    check_strata_size(n_samples, strata);
    const SplitSizes sizes = split_sizes(n_samples, validation_fraction);
    if (!strata) return shuffle_split(n_samples, sizes.n_validation, rng);
    const auto class_rows = rows_by_class(*strata);
    check_strata(sizes, class_rows);
    return stratified_split(sizes, class_rows, rng);
}

}  // namespace tapegrad::mlp
