// .npy: round trips, files written by numpy, and one documented error per kind of bad file.

#include <gtest/gtest.h>

#include <cmath>
#include <cstring>
#include <limits>

#include <tapegrad/io/npy.hpp>

#include "io_test_helpers.hpp"

namespace tapegrad::io {
namespace {

using testing::data_file;
using testing::expect_io_error;
using testing::read_bytes;
using testing::TempDir;
using testing::write_bytes;

template <class T>
Array<T> array_of(const Shape& shape, const std::vector<T>& values) {
    Array<T> a = Array<T>::from_shape(shape);
    std::copy(values.begin(), values.end(), a.begin());
    return a;
}

template <class T>
void expect_same(const Array<T>& actual, const Shape& shape, const std::vector<T>& values) {
    ASSERT_EQ(shape_str(actual.shape()), shape_str(shape));
    ASSERT_EQ(actual.size(), values.size());
    for (std::size_t i = 0; i < values.size(); ++i) EXPECT_EQ(actual.data()[i], values[i]) << "element " << i;
}

/// A .npy file's bytes with the given header dict (padded as numpy pads) and raw data.
std::string npy_bytes(const std::string& dict, const std::string& data, int major = 1) {
    const std::size_t preamble = major == 1 ? 10 : 12;
    const std::size_t padding = 64 - (preamble + dict.size() + 1) % 64;
    const std::string header = dict + std::string(padding, ' ') + "\n";
    std::string bytes = std::string("\x93NUMPY", 6) + static_cast<char>(major) + '\0';
    for (std::size_t i = 0; i < preamble - 8; ++i) bytes += static_cast<char>((header.size() >> (8 * i)) & 0xff);
    return bytes + header + data;
}

std::string doubles_bytes(const std::vector<double>& values) {
    std::string bytes(values.size() * sizeof(double), '\0');
    std::memcpy(bytes.data(), values.data(), bytes.size());
    return bytes;
}

const std::vector<double> values_2x3 = {0.1, -2.5, 3e-300, 1e300, 7.0, -0.0};

// ---- round trips ------------------------------------------------------------------------------

template <class T>
class NpyRoundTrip : public ::testing::Test {};
using FloatTypes = ::testing::Types<float, double>;
TYPED_TEST_SUITE(NpyRoundTrip, FloatTypes);

TYPED_TEST(NpyRoundTrip, SaveThenLoadGivesTheSameShapeAndBits) {
    using T = TypeParam;
    TempDir dir;
    for (const Shape& shape : {Shape{0}, Shape{3}, Shape{2, 3}, Shape{2, 3, 4}, Shape{}, Shape{0, 3}}) {
        std::vector<T> values(shape_size(shape));
        for (std::size_t i = 0; i < values.size(); ++i) values[i] = static_cast<T>(std::sin(1.0 + i) * std::pow(10.0, int(i % 7) - 3));
        const std::string path = dir.file("a.npy");
        save_npy(path, array_of(shape, values));
        expect_same(load_npy<T>(path), shape, values);
        const NpyHeader header = read_npy_header(path);
        EXPECT_EQ(header.dtype, (std::is_same_v<T, double> ? "<f8" : "<f4"));
        EXPECT_FALSE(header.fortran_order);
        EXPECT_EQ(header.data_offset % 64, 0u);
    }
}

TYPED_TEST(NpyRoundTrip, SpecialValuesSurvive) {
    using T = TypeParam;
    TempDir dir;
    const T inf = std::numeric_limits<T>::infinity();
    const std::vector<T> values = {-0.0, inf, -inf, std::numeric_limits<T>::denorm_min(), std::numeric_limits<T>::max()};
    save_npy(dir.file("s.npy"), array_of(Shape{5}, values));
    const Array<T> loaded = load_npy<T>(dir.file("s.npy"));
    expect_same(loaded, Shape{5}, values);
    EXPECT_TRUE(std::signbit(loaded(0)));
    save_npy(dir.file("nan.npy"), array_of(Shape{1}, std::vector<T>{std::numeric_limits<T>::quiet_NaN()}));
    EXPECT_TRUE(std::isnan(load_npy<T>(dir.file("nan.npy"))(0)));
}

TEST(NpySave, WritesTheBytesNumpyWrites) {
    TempDir dir;
    save_npy(dir.file("d.npy"), load_npy<double>(data_file("f8_2x3.npy")));
    EXPECT_EQ(read_bytes(dir.file("d.npy")), read_bytes(data_file("f8_2x3.npy")));
    save_npy(dir.file("f.npy"), load_npy<float>(data_file("f4_3.npy")));
    EXPECT_EQ(read_bytes(dir.file("f.npy")), read_bytes(data_file("f4_3.npy")));
}

TEST(NpySave, FailingWriteLeavesTheOldFile) {
    TempDir dir;
    expect_io_error([&] { save_npy(dir.file("missing-dir/a.npy"), array_of(Shape{1}, std::vector<double>{1.0})); },
                    {"missing-dir/a.npy", "cannot create a temporary file"});
    EXPECT_TRUE(dir.entries().empty());
}

// ---- files written by numpy -------------------------------------------------------------------

TEST(NpyNumpyFiles, Float64) {
    expect_same(load_npy<double>(data_file("f8_2x3.npy")), Shape{2, 3}, values_2x3);
    expect_same(load_npy<double>(data_file("f8_big_endian_2x3.npy")), Shape{2, 3}, values_2x3);
    expect_same(load_npy<double>(data_file("f8_v2_2x3.npy")), Shape{2, 3}, values_2x3);
    expect_same(load_npy<double>(data_file("f8_scalar.npy")), Shape{}, {2.5});
    expect_same(load_npy<double>(data_file("f8_empty_0.npy")), Shape{0}, {});
    expect_same(load_npy<float>(data_file("f8_0x3.npy")), Shape{0, 3}, {});
}

TEST(NpyNumpyFiles, Float32) {
    const std::vector<float> expected = {0.1f, -2.5f, 3.0e38f};
    expect_same(load_npy<float>(data_file("f4_3.npy")), Shape{3}, expected);
    expect_same(load_npy<float>(data_file("f4_v3_3.npy")), Shape{3}, expected);
    expect_same(load_npy<double>(data_file("f4_3.npy")), Shape{3}, {double(0.1f), -2.5, double(3.0e38f)});
}

TEST(NpyNumpyFiles, IntegersAndBool) {
    expect_same(load_npy<double>(data_file("i8_4.npy")), Shape{4}, {-3.0, 0.0, 7.0, 1099511627776.0});
    expect_same(load_npy<double>(data_file("i4_2x2.npy")), Shape{2, 2}, {1.0, -2.0, 3.0, 2147483647.0});
    expect_same(load_npy<float>(data_file("i4_big_endian_3.npy")), Shape{3}, {1.0f, -2.0f, 100000.0f});
    expect_same(load_npy<double>(data_file("u1_5.npy")), Shape{5}, {0.0, 1.0, 2.0, 254.0, 255.0});
    expect_same(load_npy<double>(data_file("b1_4.npy")), Shape{4}, {1.0, 0.0, 0.0, 1.0});
}

TEST(NpyNumpyFiles, FortranOrderIsConvertedToCOrder) {
    std::vector<double> expected(24);
    for (std::size_t i = 0; i < 24; ++i) expected[i] = double(i) * 0.5 - 3.0;
    expect_same(load_npy<double>(data_file("f8_fortran_2x3x4.npy")), Shape{2, 3, 4}, expected);
    expect_same(load_npy<double>(data_file("f8_fortran_5x3.npy")), Shape{5, 3},
                {0, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13, 14});
}

TEST(NpyNumpyFiles, Header) {
    const NpyHeader header = read_npy_header(data_file("f8_fortran_2x3x4.npy"));
    EXPECT_EQ(header.dtype, "<f8");
    EXPECT_TRUE(header.fortran_order);
    EXPECT_EQ(shape_str(header.shape), "(2, 3, 4)");
    EXPECT_EQ(header.data_offset, 128u);
    EXPECT_EQ(read_npy_header(data_file("b1_4.npy")).dtype, "|b1");
    EXPECT_EQ(read_npy_header(data_file("f4_v3_3.npy")).data_offset, 128u);
    // Unsupported dtypes still have a readable header.
    EXPECT_EQ(read_npy_header(data_file("c16_2.npy")).dtype, "<c16");
}

TEST(NpyNumpyFiles, Float64OutOfFloatRangeIsAnError) {
    expect_io_error([] { load_npy<float>(data_file("f8_2x3.npy")); }, {"f8_2x3.npy", "element 3", "1e+300", "out of float's range"});
}

TEST(NpyNumpyFiles, UnsupportedDtypesAreNamed) {
    for (const auto& [file, dtype] : std::vector<std::pair<std::string, std::string>>{
             {"c16_2.npy", "'<c16'"}, {"U3_2.npy", "'<U3'"}, {"f2_2.npy", "'<f2'"}}) {
        expect_io_error([&] { load_npy<double>(data_file(file)); }, {file, "header field 'descr'", "unsupported dtype " + dtype});
    }
    expect_io_error([] { load_npy<double>(data_file("structured_2.npy")); },
                    {"structured_2.npy", "header field 'descr'", "structured dtypes"});
}

// ---- rows -------------------------------------------------------------------------------------

TEST(NpyRows, ReadsOnlyTheAskedRows) {
    expect_same(load_npy_rows<double>(data_file("f8_6x2.npy"), 2, 3), Shape{3, 2}, {4, 5, 6, 7, 8, 9});
    expect_same(load_npy_rows<float>(data_file("f8_6x2.npy"), 5, 1), Shape{1, 2}, {10, 11});
    expect_same(load_npy_rows<double>(data_file("f8_6x2.npy"), 6, 0), Shape{0, 2}, {});
    expect_same(load_npy_rows<double>(data_file("f8_fortran_5x3.npy"), 1, 3), Shape{3, 3}, {3, 4, 5, 6, 7, 8, 9, 10, 11});
    std::vector<double> expected;
    for (std::size_t i = 12; i < 24; ++i) expected.push_back(double(i) * 0.5 - 3.0);
    expect_same(load_npy_rows<double>(data_file("f8_fortran_2x3x4.npy"), 1, 1), Shape{1, 3, 4}, expected);
    expect_same(load_npy_rows<double>(data_file("i8_4.npy"), 1, 2), Shape{2}, {0.0, 7.0});
}

TEST(NpyRows, OutOfRangeIsAnError) {
    expect_io_error([] { load_npy_rows<double>(data_file("f8_6x2.npy"), 5, 2); }, {"f8_6x2.npy", "2 rows from row 5", "has 6 rows"});
    expect_io_error([] { load_npy_rows<double>(data_file("f8_6x2.npy"), 7, 0); }, {"f8_6x2.npy", "has 6 rows"});
    expect_io_error([] { load_npy_rows<double>(data_file("f8_6x2.npy"), 1, std::numeric_limits<std::size_t>::max()); },
                    {"has 6 rows"});
    expect_io_error([] { load_npy_rows<double>(data_file("f8_scalar.npy"), 0, 1); }, {"f8_scalar.npy", "scalar"});
}

// ---- integer labels ---------------------------------------------------------------------------

TEST(NpyIntegers, FromIntegerBoolAndIntegralFloatArrays) {
    using Labels = std::vector<std::int64_t>;
    EXPECT_EQ(load_npy_integers(data_file("i8_4.npy")), (Labels{-3, 0, 7, 1099511627776}));
    EXPECT_EQ(load_npy_integers(data_file("i4_big_endian_3.npy")), (Labels{1, -2, 100000}));
    EXPECT_EQ(load_npy_integers(data_file("u1_5.npy")), (Labels{0, 1, 2, 254, 255}));
    EXPECT_EQ(load_npy_integers(data_file("b1_4.npy")), (Labels{1, 0, 0, 1}));
    EXPECT_EQ(load_npy_integers(data_file("f8_labels_4.npy")), (Labels{0, 1, 2, 1}));
    EXPECT_EQ(load_npy_integers(data_file("i8_labels_3x1.npy")), (Labels{2, 0, 1}));
    EXPECT_EQ(load_npy_integers(data_file("f8_empty_0.npy")), Labels{});
}

TEST(NpyIntegers, NonIntegersAndWrongShapesAreErrors) {
    expect_io_error([] { load_npy_integers(data_file("f8_not_integer_3.npy")); },
                    {"f8_not_integer_3.npy", "element 1 is 1.5, not an integer"});
    expect_io_error([] { load_npy_integers(data_file("f8_2x3.npy")); }, {"f8_2x3.npy", "1-D or (n, 1)", "(2, 3)"});
    expect_io_error([] { load_npy_integers(data_file("f8_scalar.npy")); }, {"f8_scalar.npy", "()"});
    TempDir dir;
    write_bytes(dir.file("nan.npy"), npy_bytes("{'descr': '<f8', 'fortran_order': False, 'shape': (2,), }",
                                               doubles_bytes({1.0, std::nan("")})));
    expect_io_error([&] { load_npy_integers(dir.file("nan.npy")); }, {"element 1 is nan, not an integer"});
    write_bytes(dir.file("big.npy"), npy_bytes("{'descr': '<f8', 'fortran_order': False, 'shape': (1,), }",
                                               doubles_bytes({9.3e18})));
    expect_io_error([&] { load_npy_integers(dir.file("big.npy")); }, {"element 0", "not an integer"});
    write_bytes(dir.file("u8.npy"), npy_bytes("{'descr': '<u8', 'fortran_order': False, 'shape': (1,), }", std::string(8, '\xff')));
    expect_io_error([&] { load_npy_integers(dir.file("u8.npy")); }, {"element 0 (18446744073709551615) does not fit in int64"});
}

// ---- malformed files --------------------------------------------------------------------------

class NpyMalformed : public ::testing::Test {
protected:
    /// Writes `bytes` to a file and expects load_npy<double> to fail mentioning every part.
    void expect_load_error(const std::string& bytes, const std::vector<std::string>& parts) {
        const std::string path = dir_.file("bad.npy");
        write_bytes(path, bytes);
        std::vector<std::string> with_path = parts;
        with_path.push_back(path);
        expect_io_error([&] { load_npy<double>(path); }, with_path);
    }
    std::string valid_dict(const std::string& shape = "(2, 3)") {
        return "{'descr': '<f8', 'fortran_order': False, 'shape': " + shape + ", }";
    }
    TempDir dir_;
};

TEST_F(NpyMalformed, MissingFileAndDirectory) {
    expect_io_error([&] { load_npy<double>(dir_.file("nothing.npy")); }, {"nothing.npy", "no such file"});
    expect_io_error([&] { read_npy_header(dir_.file("nothing.npy")); }, {"nothing.npy", "no such file"});
    expect_io_error([&] { load_npy<double>(dir_.path().string()); }, {"not a regular file"});
}

TEST_F(NpyMalformed, BadMagicAndVersion) {
    expect_load_error("", {"not a .npy file"});
    expect_load_error("hello, world", {"not a .npy file"});
    expect_load_error("\x93NUMPX\x01\x00" + std::string(200, ' '), {"not a .npy file"});
    std::string bytes = npy_bytes(valid_dict(), doubles_bytes(values_2x3));
    bytes[6] = 4;
    expect_load_error(bytes, {"unsupported .npy format version 4.0"});
    bytes[6] = 1;
    bytes[7] = 1;
    expect_load_error(bytes, {"unsupported .npy format version 1.1"});
}

TEST_F(NpyMalformed, Truncated) {
    const std::string good = npy_bytes(valid_dict(), doubles_bytes(values_2x3));
    expect_load_error(good.substr(0, 8), {"truncated .npy file"});
    expect_load_error(good.substr(0, 40), {"truncated .npy header", "says 118 bytes"});
    expect_load_error(good.substr(0, good.size() - 1), {"truncated .npy data", "needs 48 bytes", "has 47"});
    expect_load_error(good.substr(0, 128), {"truncated .npy data", "has 0"});
    expect_load_error(npy_bytes(valid_dict("(1000000000000,)"), ""), {"truncated .npy data"});
    const std::string good_v2 = npy_bytes(valid_dict(), doubles_bytes(values_2x3), 2);
    expect_load_error(good_v2.substr(0, 11), {"truncated .npy file", "header length"});
    std::string huge_length = good_v2;
    huge_length[11] = '\x7f';  // a header of about 2 GB in a 176-byte file
    expect_load_error(huge_length, {"truncated .npy header"});
}

TEST_F(NpyMalformed, TrailingBytesAreRejected) {
    expect_load_error(npy_bytes(valid_dict(), doubles_bytes(values_2x3) + "x"), {"1 unexpected bytes after the .npy data"});
}

TEST_F(NpyMalformed, BadHeaderDicts) {
    const std::string data = doubles_bytes(values_2x3);
    const std::vector<std::pair<std::string, std::string>> cases = {
        {"'descr': '<f8', 'fortran_order': False, 'shape': (2, 3)", "expected the header to start with '{'"},
        {"{'descr': '<f8', 'fortran_order': False}", "header field 'shape': missing"},
        {"{'fortran_order': False, 'shape': (2, 3)}", "header field 'descr': missing"},
        {"{'descr': '<f8', 'shape': (2, 3)}", "header field 'fortran_order': missing"},
        {"{'descr': '<f8', 'descr': '<f8', 'fortran_order': False, 'shape': (2, 3)}", "'descr' appears twice"},
        {"{'descr': '<f8', 'fortran_order': False, 'shape': (2, 3), 'extra': 1}", "unknown key 'extra'"},
        {"{'descr': '<f8' 'fortran_order': False, 'shape': (2, 3)}", "expected ',' or '}'"},
        {"{'descr' '<f8', 'fortran_order': False, 'shape': (2, 3)}", "expected ':'"},
        {"{descr: '<f8', 'fortran_order': False, 'shape': (2, 3)}", "expected a quoted key"},
        {"{'descr': '<f8, 'fortran_order': False, 'shape': (2, 3)}", "expected ',' or '}'"},
        {"{'descr': '<f8', 'fortran_order': false, 'shape': (2, 3)}", "header field 'fortran_order': expected True or False"},
        {"{'descr': '<f8', 'fortran_order': False, 'shape': [2, 3]}", "header field 'shape': expected a tuple"},
        {"{'descr': '<f8', 'fortran_order': False, 'shape': (2, -3)}", "header field 'shape': expected a non-negative integer"},
        {"{'descr': '<f8', 'fortran_order': False, 'shape': (6)}", "header field 'shape': (n) is not a tuple"},
        {"{'descr': '<f8', 'fortran_order': False, 'shape': (2 3)}", "header field 'shape': expected ',' or ')'"},
        {"{'descr': '<f8', 'fortran_order': False, 'shape': (2, 3)", "expected ',' or '}'"},
        {"{'descr': '<f8', 'fortran_order': False, 'shape': (2, 3)} x", "unexpected text after the closing '}'"},
        {"{'descr': '<f\\x38', 'fortran_order': False, 'shape': (2, 3)}", "escape sequences"},
        {"{'descr': 8, 'fortran_order': False, 'shape': (2, 3)}", "expected the dtype as a quoted string"},
        {"{'descr': '<f8', 'fortran_order': False, 'shape': (2, 3), 'descr': '<f4'}", "'descr' appears twice"},
    };
    for (const auto& [dict, message] : cases) {
        SCOPED_TRACE(dict);
        expect_load_error(npy_bytes(dict, data), {message});
    }
}

TEST_F(NpyMalformed, HugeShapes) {
    expect_load_error(npy_bytes(valid_dict("(4294967296, 4294967296, 4294967296)"), ""),
                      {"header field 'shape'", "has too many elements"});
    expect_load_error(npy_bytes(valid_dict("(0, 4294967296, 4294967296, 4294967296)"), ""),
                      {"header field 'shape'", "has too many elements"});
    expect_load_error(npy_bytes(valid_dict("(2305843009213693952, 4)"), ""), {"header field 'shape'", "too many bytes"});
    expect_load_error(npy_bytes(valid_dict("(99999999999999999999999,)"), ""), {"header field 'shape'", "a dimension is too large"});
    std::string many = "(";
    for (int i = 0; i < 65; ++i) many += "1, ";
    expect_load_error(npy_bytes(valid_dict(many + ")"), doubles_bytes({1.0})), {"header field 'shape'", "more than 64 dimensions"});
}

TEST_F(NpyMalformed, UnsupportedDescrStrings) {
    for (const std::string descr : {"<c16", "|O", "<U3", "f8", "<f8 ", "!f8", "<f16", "<M8[ns]", "<V8"}) {
        SCOPED_TRACE(descr);
        expect_load_error(npy_bytes("{'descr': '" + descr + "', 'fortran_order': False, 'shape': (1,), }", std::string(8, '\0')),
                          {"header field 'descr'", "unsupported dtype '" + descr + "'"});
    }
}

TEST_F(NpyMalformed, ReadHeaderReportsTheSameErrors) {
    const std::string path = dir_.file("bad.npy");
    write_bytes(path, npy_bytes("{'descr': '<f8', 'shape': (2,)}", ""));
    expect_io_error([&] { read_npy_header(path); }, {path, "header field 'fortran_order': missing"});
}

TEST_F(NpyMalformed, HeaderVariantsNumpyAccepts) {
    // Double-quoted strings, no trailing comma, extra spaces, other key order, '=' and '|' byte orders.
    const std::string data = doubles_bytes(values_2x3);
    for (const std::string& dict : {std::string("{\"descr\": \"<f8\", \"fortran_order\": False, \"shape\": (2, 3)}"),
                                    std::string("{ 'shape' : ( 2 , 3 , ) , 'fortran_order':False,'descr':'=f8' }"),
                                    std::string("{'descr': '|f8', 'fortran_order': False, 'shape': (2,3)}")}) {
        SCOPED_TRACE(dict);
        write_bytes(dir_.file("ok.npy"), npy_bytes(dict, data));
        expect_same(load_npy<double>(dir_.file("ok.npy")), Shape{2, 3}, values_2x3);
    }
}

}  // namespace
}  // namespace tapegrad::io
