#include "labels.hpp"

#include <algorithm>

namespace tapegrad::mlp {

Labels::Labels(std::vector<std::int64_t> integers) : is_integer_(true), integers_(std::move(integers)) {}
Labels::Labels(std::vector<std::string> strings) : is_integer_(false), strings_(std::move(strings)) {}

const std::vector<std::int64_t>& Labels::integers() const {
    if (!is_integer_) throw Error("Labels::integers: these labels are strings");
    return integers_;
}

const std::vector<std::string>& Labels::strings() const {
    if (is_integer_) throw Error("Labels::strings: these labels are integers");
    return strings_;
}

std::string Labels::to_string(std::size_t i) const {
    if (i >= size())
        throw Error("Labels::to_string: index " + std::to_string(i) + " out of range for " + std::to_string(size()) +
                    " labels");
    return is_integer_ ? std::to_string(integers_[i]) : strings_[i];
}

bool Labels::operator==(const Labels& other) const {
    if (is_integer_ != other.is_integer_) return size() == 0 && other.size() == 0;
    return is_integer_ ? integers_ == other.integers_ : strings_ == other.strings_;
}

Labels Labels::take(const std::vector<std::size_t>& positions) const {
    for (std::size_t p : positions)
        if (p >= size())
            throw Error("Labels::take: position " + std::to_string(p) + " out of range for " +
                        std::to_string(size()) + " labels");
    if (is_integer_) {
        std::vector<std::int64_t> out;
        out.reserve(positions.size());
        for (std::size_t p : positions) out.push_back(integers_[p]);
        return Labels(std::move(out));
    }
    std::vector<std::string> out;
    out.reserve(positions.size());
    for (std::size_t p : positions) out.push_back(strings_[p]);
    return Labels(std::move(out));
}

std::string labels_str(const Labels& labels) {
    std::string text = "[";
    for (std::size_t i = 0; i < labels.size(); ++i) {
        if (i > 0) text += " ";
        text += labels.is_integer() ? labels.to_string(i) : "'" + labels.to_string(i) + "'";
    }
    return text + "]";
}

namespace {
template <class V>
V sorted_unique(V values) {
    std::sort(values.begin(), values.end());
    values.erase(std::unique(values.begin(), values.end()), values.end());
    return values;
}

/// Index of `value` in the sorted `classes`, or classes.size() if absent.
template <class V>
std::size_t find_class(const V& classes, const typename V::value_type& value) {
    auto it = std::lower_bound(classes.begin(), classes.end(), value);
    return it != classes.end() && *it == value ? static_cast<std::size_t>(it - classes.begin()) : classes.size();
}

template <class V>
std::vector<std::size_t> encode(const V& labels, const V& classes, V& unseen) {
    std::vector<std::size_t> indices(labels.size());
    for (std::size_t i = 0; i < labels.size(); ++i) {
        indices[i] = find_class(classes, labels[i]);
        if (indices[i] == classes.size()) unseen.push_back(labels[i]);
    }
    return indices;
}
}  // namespace

Labels unique_labels(const Labels& labels) {
    return labels.is_integer() ? Labels(sorted_unique(labels.integers())) : Labels(sorted_unique(labels.strings()));
}

std::vector<std::size_t> encode_labels(const Labels& labels, const Labels& classes, const std::string& context) {
    if (labels.size() > 0 && classes.size() > 0 && labels.is_integer() != classes.is_integer())
        throw Error(context + ": y has " + (labels.is_integer() ? "integer" : "string") + " labels but classes_ " +
                    labels_str(classes) + " are " + (classes.is_integer() ? "integers" : "strings"));
    std::vector<std::size_t> indices;
    Labels unseen;
    if (labels.is_integer()) {
        std::vector<std::int64_t> missing;
        indices = encode(labels.integers(), classes.is_integer() ? classes.integers() : std::vector<std::int64_t>{},
                         missing);
        unseen = Labels(std::move(missing));
    } else {
        std::vector<std::string> missing;
        indices = encode(labels.strings(), classes.is_integer() ? std::vector<std::string>{} : classes.strings(),
                         missing);
        unseen = Labels(std::move(missing));
    }
    if (!unseen.empty())
        throw Error(context + ": y has labels not in classes_: " + labels_str(unique_labels(unseen)) +
                    "; classes_ are " + labels_str(classes));
    return indices;
}

template <class T>
Array<T> binarize(const std::vector<std::size_t>& class_indices, std::size_t n_classes) {
    const std::size_t n = class_indices.size();
    const std::size_t columns = n_classes == 2 ? 1 : n_classes;
    Array<T> out = xt::zeros<T>(Shape{n, columns});
    for (std::size_t i = 0; i < n; ++i) {
        if (n_classes == 2) out(i, 0) = class_indices[i] == 1 ? T(1) : T(0);
        else out(i, class_indices[i]) = T(1);
    }
    return out;
}

template Array<float> binarize<float>(const std::vector<std::size_t>&, std::size_t);
template Array<double> binarize<double>(const std::vector<std::size_t>&, std::size_t);

}  // namespace tapegrad::mlp
