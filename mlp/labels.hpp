#pragma once
/// Class labels: a column of integers or of strings (strings come from CSV files), and the
/// label <-> class-index encoding scikit-learn's `LabelBinarizer` does for the MLP.
///
/// classes_ are the distinct labels sorted (integers numerically, strings by bytes, as
/// `np.unique`); a label is encoded as its index in classes_.

#include <cstddef>
#include <cstdint>
#include <string>
#include <vector>

#include <tapegrad/autograd/array.hpp>

namespace tapegrad::mlp {

class Labels {
public:
    Labels() = default;
    Labels(std::vector<std::int64_t> integers);  // NOLINT: implicit on purpose, `fit(X, {0, 1, 1})`
    Labels(std::vector<std::string> strings);    // NOLINT
    bool is_integer() const { return is_integer_; }
    std::size_t size() const { return is_integer_ ? integers_.size() : strings_.size(); }
    bool empty() const { return size() == 0; }
    const std::vector<std::int64_t>& integers() const;  ///< Error for string labels
    const std::vector<std::string>& strings() const;    ///< Error for integer labels
    /// "3" or "setosa".
    std::string to_string(std::size_t i) const;
    bool operator==(const Labels& other) const;
    bool operator!=(const Labels& other) const { return !(*this == other); }

    /// The labels at the given positions, in that order.
    Labels take(const std::vector<std::size_t>& positions) const;

private:
    bool is_integer_ = true;
    std::vector<std::int64_t> integers_;
    std::vector<std::string> strings_;
};

/// numpy's printing of a label array: "[0 1 2]" or "['a' 'b']".
std::string labels_str(const Labels& labels);

/// The distinct labels, sorted (np.unique).
Labels unique_labels(const Labels& labels);

/// Each label's index in `classes` (sorted and distinct). A label not in classes is an Error:
/// "<context>: y has labels not in classes_: [5 7]; classes_ are [0 1 2]".
std::vector<std::size_t> encode_labels(const Labels& labels, const Labels& classes, const std::string& context);

/// The targets the network trains on, from class indices: for 2 classes ONE column
/// (1 for classes_[1]), otherwise one-hot (n, n_classes).
template <class T>
Array<T> binarize(const std::vector<std::size_t>& class_indices, std::size_t n_classes);

}  // namespace tapegrad::mlp
