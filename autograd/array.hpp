#pragma once
/// Arrays, shapes and shape errors shared by every part of tapegrad.
///
/// `Array<T>` is an xtensor dynamic-rank row-major array whose storage is a `std::vector<T>`:
/// resizing to a smaller or equal size keeps the capacity, so tape buffers reused from one
/// minibatch to the next (including a shorter last batch) do not touch the heap.

#include <cstddef>
#include <stdexcept>
#include <string>
#include <vector>

#include <xtensor/xarray.hpp>
#include <xtensor/xio.hpp>  // so that `std::cout << array` works for users
#include <xtensor/xstorage.hpp>

namespace tapegrad {

using Shape = xt::svector<std::size_t, 4>;

template <class T>
using Array = xt::xarray_container<std::vector<T>, xt::layout_type::row_major, Shape>;

/// "(60, 2)" for a shape; "()" for a scalar.
template <class S>
std::string shape_str(const S& shape) {
    std::string text = "(";
    for (std::size_t i = 0; i < shape.size(); ++i) {
        if (i > 0) text += ", ";
        text += std::to_string(shape[i]);
    }
    if (shape.size() == 1) text += ",";
    return text + ")";
}

/// Number of elements of a shape (1 for rank 0).
template <class S>
std::size_t shape_size(const S& shape) {
    std::size_t n = 1;
    for (auto d : shape) n *= d;
    return n;
}

/// Thrown for every shape, domain or usage error; the message names the op and the shapes.
class Error : public std::runtime_error {
public:
    using std::runtime_error::runtime_error;
};

}  // namespace tapegrad
