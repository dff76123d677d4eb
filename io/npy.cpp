#include "npy.hpp"

#include <algorithm>
#include <cmath>
#include <cstring>
#include <fstream>
#include <limits>
#include <type_traits>

#include <fmt/format.h>
#include <xtensor/xmanipulation.hpp>

#include "atomic_file.hpp"

namespace tapegrad::io {

namespace {

const char npy_magic[6] = {'\x93', 'N', 'U', 'M', 'P', 'Y'};
constexpr std::size_t max_rank = 64;  // numpy 2's limit

bool is_space(char c) { return c == ' ' || c == '\t' || c == '\r' || c == '\n'; }

bool host_is_little_endian() {
    const std::uint16_t one = 1;
    unsigned char first_byte = 0;
    std::memcpy(&first_byte, &one, 1);
    return first_byte == 1;
}

// ---- the header dict --------------------------------------------------------------------------
// A recursive-descent reader for the one kind of Python literal numpy writes:
//   {'descr': '<f8', 'fortran_order': False, 'shape': (2, 3), }

class HeaderParser {
public:
    HeaderParser(const std::string& text, const std::string& path) : text_(text), path_(path) {}

    NpyHeader parse() {
        NpyHeader header;
        bool have_descr = false, have_fortran_order = false, have_shape = false;
        skip_spaces();
        expect('{', "the header to start with '{'");
        while (true) {
            skip_spaces();
            if (consume('}')) break;
            const std::string key = parse_string("a quoted key");
            skip_spaces();
            expect(':', "':' after the key");
            skip_spaces();
            if (key == "descr") {
                if (have_descr) fail("the key 'descr' appears twice");
                if (peek() == '[') field_error("descr", "structured dtypes (a list of fields) are not supported");
                header.dtype = parse_string("the dtype as a quoted string such as '<f8'");
                have_descr = true;
            } else if (key == "fortran_order") {
                if (have_fortran_order) fail("the key 'fortran_order' appears twice");
                header.fortran_order = parse_bool("fortran_order");
                have_fortran_order = true;
            } else if (key == "shape") {
                if (have_shape) fail("the key 'shape' appears twice");
                header.shape = parse_shape();
                have_shape = true;
            } else {
                fail("unknown key '" + printable(key) + "' (a .npy header has exactly 'descr', 'fortran_order' and 'shape')");
            }
            skip_spaces();
            if (consume(',')) continue;
            expect('}', "',' or '}' after a value");
            break;
        }
        skip_spaces();
        if (pos_ != text_.size()) fail("unexpected text after the closing '}'");
        if (!have_descr) field_error("descr", "missing");
        if (!have_fortran_order) field_error("fortran_order", "missing");
        if (!have_shape) field_error("shape", "missing");
        return header;
    }

private:
    [[noreturn]] void fail(const std::string& what) const {
        throw IoError(path_ + ": malformed .npy header: " + what + " (at character " + std::to_string(pos_ + 1) + " of " +
                      quoted_header() + ")");
    }
    [[noreturn]] void field_error(const std::string& field, const std::string& what) const {
        throw IoError(path_ + ": .npy header field '" + field + "': " + what + " (header " + quoted_header() + ")");
    }
    /// The header for a message, without numpy's padding.
    std::string quoted_header() const {
        std::size_t end = text_.size();
        while (end > 0 && is_space(text_[end - 1])) --end;
        return "\"" + printable(text_.substr(0, end), 160) + "\"";
    }

    char peek() const { return pos_ < text_.size() ? text_[pos_] : '\0'; }
    bool consume(char c) {
        if (pos_ < text_.size() && text_[pos_] == c) {
            ++pos_;
            return true;
        }
        return false;
    }
    void expect(char c, const std::string& what) {
        if (!consume(c)) fail("expected " + what);
    }
    void skip_spaces() {
        while (pos_ < text_.size() && is_space(text_[pos_])) ++pos_;
    }

    /// 'text' or "text"; numpy's keys and dtypes need no escapes, so a backslash is an error.
    std::string parse_string(const std::string& what) {
        const char quote = peek();
        if (quote != '\'' && quote != '"') fail("expected " + what);
        const std::size_t start = ++pos_;
        while (pos_ < text_.size() && text_[pos_] != quote) {
            if (text_[pos_] == '\\' || text_[pos_] == '\n') fail("escape sequences and line breaks are not supported in strings");
            ++pos_;
        }
        if (pos_ == text_.size()) fail("the string opened at character " + std::to_string(start) + " is not closed");
        return text_.substr(start, pos_++ - start);
    }

    bool parse_bool(const std::string& field) {
        if (text_.compare(pos_, 4, "True") == 0) {
            pos_ += 4;
            return true;
        }
        if (text_.compare(pos_, 5, "False") == 0) {
            pos_ += 5;
            return false;
        }
        field_error(field, "expected True or False");
    }

    /// A tuple of non-negative integers: (), (3,), (2, 3) or (2, 3,).
    Shape parse_shape() {
        if (!consume('(')) field_error("shape", "expected a tuple of integers such as (2, 3)");
        Shape shape;
        while (true) {
            skip_spaces();
            if (consume(')')) break;
            if (peek() < '0' || peek() > '9') field_error("shape", "expected a non-negative integer at character " + std::to_string(pos_ + 1));
            std::size_t dimension = 0;
            while (peek() >= '0' && peek() <= '9') {
                const auto digit = static_cast<std::size_t>(text_[pos_++] - '0');
                if (dimension > (std::numeric_limits<std::size_t>::max() - digit) / 10) field_error("shape", "a dimension is too large");
                dimension = dimension * 10 + digit;
            }
            shape.push_back(dimension);
            if (shape.size() > max_rank) field_error("shape", "more than " + std::to_string(max_rank) + " dimensions");
            skip_spaces();
            if (consume(',')) continue;
            if (peek() != ')') field_error("shape", "expected ',' or ')' at character " + std::to_string(pos_ + 1));
            if (shape.size() == 1) field_error("shape", "(n) is not a tuple; a 1-D shape is written (n,)");
        }
        return shape;
    }

    const std::string& text_;
    const std::string& path_;
    std::size_t pos_ = 0;
};

/// Reads the preamble and header from `in` (at the start of the file), leaving `in` at the data.
NpyHeader read_header(std::istream& in, std::uintmax_t file_size, const std::string& path) {
    // magic (6 bytes), major and minor version, header length (2 bytes in 1.0, 4 in 2.0 and 3.0)
    char preamble[12] = {};
    in.read(preamble, 8);
    const auto got = static_cast<std::size_t>(in.gcount());
    if (got < sizeof npy_magic || std::memcmp(preamble, npy_magic, sizeof npy_magic) != 0) {
        throw IoError(path + ": not a .npy file (it does not start with the magic string \"\\x93NUMPY\")");
    }
    if (got < 8) throw IoError(path + ": truncated .npy file (it ends inside the version)");
    const int major = static_cast<unsigned char>(preamble[6]), minor = static_cast<unsigned char>(preamble[7]);
    if (major < 1 || major > 3 || minor != 0) {
        throw IoError(path + ": unsupported .npy format version " + std::to_string(major) + "." + std::to_string(minor) +
                      " (1.0, 2.0 and 3.0 are supported)");
    }
    const std::size_t length_bytes = major == 1 ? 2 : 4, preamble_size = 8 + length_bytes;
    in.read(preamble + 8, static_cast<std::streamsize>(length_bytes));
    if (static_cast<std::size_t>(in.gcount()) != length_bytes) throw IoError(path + ": truncated .npy file (it ends inside the header length)");
    std::size_t header_length = 0;  // little-endian
    for (std::size_t i = 0; i < length_bytes; ++i) header_length |= std::size_t{static_cast<unsigned char>(preamble[8 + i])} << (8 * i);
    if (header_length > file_size - preamble_size) {
        throw IoError(path + ": truncated .npy header (the header length field says " + std::to_string(header_length) +
                      " bytes, the file has " + std::to_string(file_size - preamble_size) + " after the preamble)");
    }
    std::string text(header_length, '\0');
    in.read(text.data(), static_cast<std::streamsize>(header_length));
    if (static_cast<std::size_t>(in.gcount()) != header_length) throw IoError(path + ": reading the .npy header failed");

    NpyHeader header = HeaderParser(text, path).parse();
    header.data_offset = preamble_size + header_length;
    // The element count must fit in size_t; zero dimensions do not excuse overflowing others.
    std::size_t nonzero_product = 1;
    for (const std::size_t dimension : header.shape) {
        if (dimension != 0 && nonzero_product > std::numeric_limits<std::size_t>::max() / dimension) {
            throw IoError(path + ": .npy header field 'shape': " + shape_str(header.shape) + " has too many elements");
        }
        if (dimension != 0) nonzero_product *= dimension;
    }
    return header;
}

// ---- element types and conversion ---------------------------------------------------------------

enum class ElementKind { float64, float32, int8, int16, int32, int64, uint8, uint16, uint32, uint64, boolean };

struct ElementType {
    ElementKind kind;
    std::size_t size;  // bytes
    bool swap_bytes;   // stored in the other byte order than this machine's
};

/// The element type a descr names, e.g. "<f8", ">i4", "|b1"; IoError naming the dtype otherwise.
ElementType element_type(const std::string& descr, const std::string& path) {
    static const struct {
        const char* code;
        ElementKind kind;
        std::size_t size;
    } known[] = {{"f8", ElementKind::float64, 8}, {"f4", ElementKind::float32, 4}, {"i1", ElementKind::int8, 1},
                 {"i2", ElementKind::int16, 2},   {"i4", ElementKind::int32, 4},   {"i8", ElementKind::int64, 8},
                 {"u1", ElementKind::uint8, 1},   {"u2", ElementKind::uint16, 2},  {"u4", ElementKind::uint32, 4},
                 {"u8", ElementKind::uint64, 8},  {"b1", ElementKind::boolean, 1}};
    const char order = descr.empty() ? '\0' : descr[0];
    if (descr.size() == 3 && (order == '<' || order == '>' || order == '=' || order == '|')) {
        for (const auto& entry : known) {
            if (descr.compare(1, 2, entry.code) == 0) {
                const bool stored_big_endian = order == '>' || (order != '<' && !host_is_little_endian());
                return {entry.kind, entry.size, entry.size > 1 && stored_big_endian == host_is_little_endian()};
            }
        }
    }
    throw IoError(path + ": .npy header field 'descr': unsupported dtype '" + printable(descr) +
                  "' (supported: float64, float32, int8 to int64, uint8 to uint64 and bool, e.g. '<f8')");
}

struct BoolByte {  // numpy's bool: one byte, nonzero is true
    std::uint8_t byte;
};

template <class Source>
Source read_element(const char* bytes, bool swap_bytes) {
    char copy[sizeof(Source)];
    std::memcpy(copy, bytes, sizeof(Source));
    if (swap_bytes) std::reverse(copy, copy + sizeof(Source));
    Source value;
    std::memcpy(&value, copy, sizeof(Source));
    return value;
}

/// One element converted to Dest (float, double or int64), or an IoError naming it.
template <class Dest, class Source>
Dest convert(Source value, std::size_t index, const std::string& path) {
    if constexpr (std::is_same_v<Source, BoolByte>) {
        return value.byte != 0 ? Dest(1) : Dest(0);
    } else if constexpr (std::is_same_v<Dest, float> && std::is_same_v<Source, double>) {
        if (std::isfinite(value) && std::abs(value) > std::numeric_limits<float>::max()) {
            throw IoError(path + ": element " + std::to_string(index) + " (" + fmt::format("{}", value) + ") is out of float's range");
        }
        return static_cast<Dest>(value);
    } else if constexpr (std::is_floating_point_v<Dest>) {
        return static_cast<Dest>(value);
    } else if constexpr (std::is_floating_point_v<Source>) {  // to int64: exact integers only
        if (!(value >= -0x1p63 && value < 0x1p63) || std::trunc(value) != value) {
            throw IoError(path + ": element " + std::to_string(index) + " is " + fmt::format("{}", value) + ", not an integer");
        }
        return static_cast<Dest>(value);
    } else if constexpr (std::is_same_v<Source, std::uint64_t>) {  // to int64
        if (value > static_cast<std::uint64_t>(std::numeric_limits<std::int64_t>::max())) {
            throw IoError(path + ": element " + std::to_string(index) + " (" + std::to_string(value) + ") does not fit in int64");
        }
        return static_cast<Dest>(value);
    } else {
        return static_cast<Dest>(value);
    }
}

template <class Dest, class Source>
void decode(const char* bytes, std::size_t count, bool swap_bytes, Dest* out, std::size_t first_index, const std::string& path) {
    static_assert(sizeof(BoolByte) == 1);
    for (std::size_t i = 0; i < count; ++i) {
        out[i] = convert<Dest>(read_element<Source>(bytes + i * sizeof(Source), swap_bytes), first_index + i, path);
    }
}

template <class Dest>
void decode(const ElementType& type, const char* bytes, std::size_t count, Dest* out, std::size_t first_index, const std::string& path) {
    const bool swap = type.swap_bytes;
    switch (type.kind) {
        case ElementKind::float64: return decode<Dest, double>(bytes, count, swap, out, first_index, path);
        case ElementKind::float32: return decode<Dest, float>(bytes, count, swap, out, first_index, path);
        case ElementKind::int8: return decode<Dest, std::int8_t>(bytes, count, swap, out, first_index, path);
        case ElementKind::int16: return decode<Dest, std::int16_t>(bytes, count, swap, out, first_index, path);
        case ElementKind::int32: return decode<Dest, std::int32_t>(bytes, count, swap, out, first_index, path);
        case ElementKind::int64: return decode<Dest, std::int64_t>(bytes, count, swap, out, first_index, path);
        case ElementKind::uint8: return decode<Dest, std::uint8_t>(bytes, count, swap, out, first_index, path);
        case ElementKind::uint16: return decode<Dest, std::uint16_t>(bytes, count, swap, out, first_index, path);
        case ElementKind::uint32: return decode<Dest, std::uint32_t>(bytes, count, swap, out, first_index, path);
        case ElementKind::uint64: return decode<Dest, std::uint64_t>(bytes, count, swap, out, first_index, path);
        case ElementKind::boolean: return decode<Dest, BoolByte>(bytes, count, swap, out, first_index, path);
    }
}

/// Reads `count` elements from `in` (in chunks of about 1 MiB) into out[0, count).
/// `first_index` is the first element's index in the file, for error messages.
template <class Dest>
void read_elements(std::istream& in, const ElementType& type, std::size_t count, Dest* out, std::size_t first_index,
                   const std::string& path) {
    const std::size_t chunk = std::max<std::size_t>(1, (std::size_t{1} << 20) / type.size);
    std::vector<char> bytes(std::min(count, chunk) * type.size);
    for (std::size_t done = 0; done < count;) {
        const std::size_t n = std::min(chunk, count - done);
        in.read(bytes.data(), static_cast<std::streamsize>(n * type.size));
        if (static_cast<std::size_t>(in.gcount()) != n * type.size) {
            throw IoError(path + ": truncated .npy data (the file ended at element " + std::to_string(first_index + done) + ")");
        }
        decode(type, bytes.data(), n, out + done, first_index + done, path);
        done += n;
    }
}

// ---- opening a file -----------------------------------------------------------------------------

/// An open .npy file whose header is read and checked, positioned at the first element.
struct NpyFile {
    NpyHeader header;
    ElementType type;
    std::size_t count;  // elements
    std::ifstream in;
};

NpyFile open_npy(const std::string& path) {
    const std::uintmax_t file_size = regular_file_size(path);
    std::ifstream in(path, std::ios::binary);
    if (!in) throw IoError(path + ": cannot open it for reading");
    NpyHeader header = read_header(in, file_size, path);
    const ElementType type = element_type(header.dtype, path);
    const std::size_t count = shape_size(header.shape);
    if (count > std::numeric_limits<std::size_t>::max() / type.size) {
        throw IoError(path + ": .npy header field 'shape': " + shape_str(header.shape) + " has too many bytes");
    }
    const std::uintmax_t needed = count * type.size, present = file_size - header.data_offset;
    if (present < needed) {
        throw IoError(path + ": truncated .npy data (shape " + shape_str(header.shape) + " of '" + header.dtype + "' needs " +
                      std::to_string(needed) + " bytes, the file has " + std::to_string(present) + " after the header)");
    }
    if (present > needed) {
        throw IoError(path + ": " + std::to_string(present - needed) + " unexpected bytes after the .npy data (shape " +
                      shape_str(header.shape) + " of '" + header.dtype + "' needs " + std::to_string(needed) + " bytes)");
    }
    return {std::move(header), type, count, std::move(in)};
}

/// An array stored in Fortran order, read as the C-order array of the reversed shape, back to C order.
template <class T>
Array<T> transposed(const Array<T>& reversed) {
    if (reversed.dimension() <= 1) return reversed;
    return xt::transpose(reversed);
}

Shape reversed(const Shape& shape) { return Shape(shape.rbegin(), shape.rend()); }

}  // namespace

NpyHeader read_npy_header(const std::string& path) {
    const std::uintmax_t file_size = regular_file_size(path);
    std::ifstream in(path, std::ios::binary);
    if (!in) throw IoError(path + ": cannot open it for reading");
    return read_header(in, file_size, path);
}

template <class T>
Array<T> load_npy(const std::string& path) {
    NpyFile file = open_npy(path);
    const Shape& shape = file.header.shape;
    Array<T> result = Array<T>::from_shape(file.header.fortran_order ? reversed(shape) : shape);
    read_elements(file.in, file.type, file.count, result.data(), 0, path);
    return file.header.fortran_order ? transposed(result) : result;
}

template <class T>
Array<T> load_npy_rows(const std::string& path, std::size_t first_row, std::size_t n_rows) {
    NpyFile file = open_npy(path);
    const Shape& shape = file.header.shape;
    if (shape.empty()) throw IoError(path + ": load_npy_rows: the array is a scalar (shape ()), it has no rows");
    if (first_row > shape[0] || n_rows > shape[0] - first_row) {
        throw IoError(path + ": load_npy_rows: cannot read " + std::to_string(n_rows) + " rows from row " +
                      std::to_string(first_row) + ", the array has " + std::to_string(shape[0]) + " rows");
    }
    Shape rows_shape = shape;
    rows_shape[0] = n_rows;
    std::size_t row_size = 1;  // elements; cannot overflow, the header was checked
    for (std::size_t axis = 1; axis < shape.size(); ++axis) row_size *= shape[axis];
    if (n_rows == 0 || row_size == 0) return Array<T>::from_shape(rows_shape);

    const std::size_t element_size = file.type.size;
    if (!file.header.fortran_order) {  // the rows are one contiguous block
        file.in.seekg(static_cast<std::streamoff>(file.header.data_offset + first_row * row_size * element_size));
        Array<T> rows = Array<T>::from_shape(rows_shape);
        read_elements(file.in, file.type, n_rows * row_size, rows.data(), first_row * row_size, path);
        return rows;
    }
    // Fortran order: the first axis varies fastest, so each of the row_size columns holds its rows
    // contiguously; read the wanted part of each column.
    Array<T> columns = Array<T>::from_shape(reversed(rows_shape));
    for (std::size_t column = 0; column < row_size; ++column) {
        const std::size_t first_index = column * shape[0] + first_row;
        file.in.seekg(static_cast<std::streamoff>(file.header.data_offset + first_index * element_size));
        read_elements(file.in, file.type, n_rows, columns.data() + column * n_rows, first_index, path);
    }
    return transposed(columns);
}

std::vector<std::int64_t> load_npy_integers(const std::string& path) {
    NpyFile file = open_npy(path);
    const Shape& shape = file.header.shape;
    if (!(shape.size() == 1 || (shape.size() == 2 && shape[1] == 1))) {
        throw IoError(path + ": integer labels must be a 1-D or (n, 1) array, the file holds shape " + shape_str(shape));
    }
    std::vector<std::int64_t> labels(file.count);
    read_elements(file.in, file.type, file.count, labels.data(), 0, path);
    return labels;
}

template <class T>
void save_npy(const std::string& path, const Array<T>& a) {
    static_assert(std::is_same_v<T, float> || std::is_same_v<T, double>);
    const std::string descr = std::is_same_v<T, double> ? "<f8" : "<f4";
    const std::string dict = "{'descr': '" + descr + "', 'fortran_order': False, 'shape': " + shape_str(a.shape()) + ", }";
    // As numpy pads: 1 to 64 spaces and a newline, so that the data starts at a multiple of 64.
    const std::size_t padding = 64 - (10 + dict.size() + 1) % 64;
    const std::string header = dict + std::string(padding, ' ') + "\n";
    if (header.size() > 0xffff) throw IoError(path + ": save_npy: the shape " + shape_str(a.shape()) + " makes the header too long");

    write_file_atomically(path, [&](std::ostream& out) {
        out.write(npy_magic, sizeof npy_magic);
        const char version_and_length[4] = {1, 0, static_cast<char>(header.size() & 0xff), static_cast<char>(header.size() >> 8)};
        out.write(version_and_length, 4);
        out.write(header.data(), static_cast<std::streamsize>(header.size()));
        if (host_is_little_endian()) {
            out.write(reinterpret_cast<const char*>(a.data()), static_cast<std::streamsize>(a.size() * sizeof(T)));
        } else {
            for (const T value : a) {
                char bytes[sizeof(T)];
                std::memcpy(bytes, &value, sizeof(T));
                std::reverse(bytes, bytes + sizeof(T));
                out.write(bytes, sizeof(T));
            }
        }
    });
}

template Array<float> load_npy<float>(const std::string&);
template Array<double> load_npy<double>(const std::string&);
template Array<float> load_npy_rows<float>(const std::string&, std::size_t, std::size_t);
template Array<double> load_npy_rows<double>(const std::string&, std::size_t, std::size_t);
template void save_npy<float>(const std::string&, const Array<float>&);
template void save_npy<double>(const std::string&, const Array<double>&);

}  // namespace tapegrad::io
