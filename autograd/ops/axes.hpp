#pragma once
/// Axis arguments: negative axes count from the end, as in NumPy.

#include <algorithm>
#include <cstddef>
#include <string>
#include <vector>

#include "../array.hpp"

namespace tapegrad {

/// `axis` in [-rank, rank) as an index in [0, rank), or an Error naming the op and the shape.
inline std::size_t normalize_axis(const char* op, const Shape& shape, std::ptrdiff_t axis) {
    const auto rank = static_cast<std::ptrdiff_t>(shape.size());
    if (axis < -rank || axis >= rank)
        throw Error(std::string(op) + ": axis " + std::to_string(axis) + " is out of range for shape " +
                    shape_str(shape));
    return static_cast<std::size_t>(axis < 0 ? axis + rank : axis);
}

/// Sorted, distinct, normalized axes; an empty list means every axis.
inline Shape normalize_axes(const char* op, const Shape& shape, const std::vector<std::ptrdiff_t>& axes) {
    Shape out;
    if (axes.empty()) {
        for (std::size_t k = 0; k < shape.size(); ++k) out.push_back(k);
        return out;
    }
    for (auto axis : axes) {
        const std::size_t k = normalize_axis(op, shape, axis);
        for (auto seen : out)
            if (seen == k)
                throw Error(std::string(op) + ": axis " + std::to_string(axis) + " repeated for shape " +
                            shape_str(shape));
        out.push_back(k);
    }
    std::sort(out.begin(), out.end());
    return out;
}

/// The shape with the given (normalized) axes set to 1 (keepdims) or removed.
inline Shape reduced_shape(const Shape& shape, const Shape& axes, bool keepdims) {
    Shape out;
    for (std::size_t k = 0; k < shape.size(); ++k) {
        const bool reduced = std::find(axes.begin(), axes.end(), k) != axes.end();
        if (!reduced) out.push_back(shape[k]);
        else if (keepdims) out.push_back(1);
    }
    return out;
}

}  // namespace tapegrad
