#pragma once
/// numpy's .npy files (format versions 1.0, 2.0 and 3.0), read by a small strict parser.
///
/// A .npy file is: the magic "\x93NUMPY", a major and a minor version byte, the header length
/// (2 bytes little-endian in version 1.0, 4 bytes in 2.0 and 3.0), the header - a Python dict
/// literal such as {'descr': '<f8', 'fortran_order': False, 'shape': (2, 3), } padded with spaces
/// and a newline - and then the raw elements.
///
/// What the readers accept and reject (each rejection is one IoError naming the file and, for the
/// header, the field):
///   - dtypes (the 'descr' field): float64, float32, int8..int64, uint8..uint64 and bool in either
///     byte order ('<', '>', '=' or '|'); anything else (complex, strings, objects, structured
///     arrays, float16, dates) is rejected, naming the dtype;
///   - the header dict must hold exactly the keys 'descr', 'fortran_order' and 'shape';
///   - the data must be exactly as long as the shape says: a short file is "truncated", and bytes
///     after the data are rejected too (numpy ignores them; here they mean a corrupt header);
///   - shapes whose element count or byte count overflows std::size_t, and ranks above 64, are
///     rejected;
///   - NaN and Inf values are loaded as they are (the estimators check their inputs).

#include <cstddef>
#include <cstdint>
#include <string>
#include <vector>

#include <tapegrad/autograd/array.hpp>

#include "error.hpp"

namespace tapegrad::io {

struct NpyHeader {
    std::string dtype;          ///< numpy's descr string: "<f8", "<f4", "<i8", ">i4", "|u1", "|b1", ...
    bool fortran_order = false; ///< true: elements stored column-major
    Shape shape;                ///< () for a scalar
    std::size_t data_offset = 0;///< where the elements start (bytes from the start of the file)
};

/// Reads and checks the magic, version and header dict (its syntax and the shape's size); does not
/// check that the dtype is one load_npy supports, nor read the data.
NpyHeader read_npy_header(const std::string& path);

/// The whole array, converted to T (float or double) and to row-major (C) order.
/// IoError for an unsupported dtype, a malformed or truncated file, or (float) a value out of
/// float's range.
template <class T>
Array<T> load_npy(const std::string& path);

/// Rows [first_row, first_row + n_rows) of an array of rank >= 1 (its first axis), as
/// load_npy would return them, reading only those rows from the file. Shape (n_rows, shape[1:]).
template <class T>
Array<T> load_npy_rows(const std::string& path, std::size_t first_row, std::size_t n_rows);

/// Integer labels from a 1-D or (n, 1) array of an integer or bool dtype, or of a float dtype
/// holding exact integers (2.0 is fine, 2.5 or NaN is an error naming the element).
std::vector<std::int64_t> load_npy_integers(const std::string& path);

/// Writes `a` as a version 1.0 .npy file ('<f8' for double, '<f4' for float, C order), the bytes
/// np.save writes. Atomic: `path` is replaced only once the whole file is written.
template <class T>
void save_npy(const std::string& path, const Array<T>& a);

}  // namespace tapegrad::io
