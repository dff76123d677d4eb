// Fuzz target: .npy bytes, through every reader: io::read_npy_header, io::load_npy (double and
// float), io::load_npy_rows, io::load_npy_integers, and the command line's feature loader
// (cli::load_features: 2-D, finite). Invariants: the array has the header's shape; reading it row by
// row gives the same numbers as reading it whole (C and Fortran order); a loaded double array saved
// with io::save_npy reads back bit for bit.

#include <cstring>

#include <tapegrad/io/npy.hpp>

#include "../cli/dataset.hpp"
#include "fuzz_support.hpp"

using namespace tapegrad;
using tapegrad_fuzz::scratch_dir;

namespace {

/// Same bytes in the first n doubles (memcmp may not be given the null data of an empty array).
bool same_bytes(const double* a, const double* b, std::size_t n) { return n == 0 || std::memcmp(a, b, n * sizeof(double)) == 0; }

bool same_bits(const Array<double>& a, const Array<double>& b) {
    return a.shape() == b.shape() && same_bytes(a.data(), b.data(), a.size());
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
    const std::string path = (scratch_dir() / "fuzz.npy").string();
    tapegrad_fuzz::write_bytes(path, tapegrad_fuzz::as_string(data, size));

    io::NpyHeader header;
    try {
        header = io::read_npy_header(path);
    } catch (const Error&) {
        return 0;
    }
    Array<double> whole;
    bool loaded = false;
    try {
        whole = io::load_npy<double>(path);
        loaded = true;
    } catch (const Error&) {
    }
    if (loaded) {
        FUZZ_CHECK(whole.shape() == header.shape, "load_npy gives the header's shape");
        if (!header.shape.empty()) {
            const std::size_t rows = header.shape[0];
            const Array<double> all_rows = io::load_npy_rows<double>(path, 0, rows);
            FUZZ_CHECK(same_bits(all_rows, whole), "load_npy_rows(0, n) equals load_npy");
            if (rows >= 2) {
                const Array<double> tail = io::load_npy_rows<double>(path, 1, rows - 1);
                const std::size_t row_size = whole.size() / rows;
                FUZZ_CHECK(tail.size() == whole.size() - row_size && same_bytes(tail.data(), whole.data() + row_size, tail.size()),
                           "load_npy_rows(1, n - 1) equals the rows of load_npy");
            }
        }
        const std::string copy = (scratch_dir() / "copy.npy").string();
        io::save_npy(copy, whole);
        FUZZ_CHECK(same_bits(io::load_npy<double>(copy), whole), "save_npy then load_npy is exact");
    }
    try {
        io::load_npy<float>(path);
    } catch (const Error&) {
    }
    try {
        io::load_npy_integers(path);
    } catch (const Error&) {
    }
    try {
        const Array<float> X = cli::load_features<float>(path, {}, 2);
        FUZZ_CHECK(X.dimension() == 2 && X.shape(1) == 2, "load_features gives (n, 2)");
    } catch (const Error&) {
    }
    return 0;
}
