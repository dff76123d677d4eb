// A small deterministic fuzzer: valid files with random damage must either load or throw IoError,
// never crash, hang, read out of bounds (run under -DTAPEGRAD_SANITIZE=ON) or throw anything else.

#include <gtest/gtest.h>

#include <random>

#include <tapegrad/io/csv.hpp>
#include <tapegrad/io/npy.hpp>

#include "io_test_helpers.hpp"

namespace tapegrad::io {
namespace {

using testing::data_file;
using testing::read_bytes;
using testing::TempDir;
using testing::write_bytes;

/// `bytes` with one to four random edits: a byte changed (often to a character that means
/// something in a header or CSV), bytes inserted or removed, or the end cut off.
std::string mutated(std::string bytes, std::mt19937& engine) {
    static const char meaningful_characters[] = "0123456789(),:'\"{}[] \n\r-+.eE<>|fiubcTF\x00\x93\xff";
    static const std::string meaningful(meaningful_characters, sizeof meaningful_characters - 1);
    auto random_below = [&](std::size_t n) { return std::uniform_int_distribution<std::size_t>(0, n - 1)(engine); };
    const std::size_t edits = 1 + random_below(4);
    for (std::size_t edit = 0; edit < edits; ++edit) {
        const std::size_t where = bytes.empty() ? 0 : random_below(bytes.size());
        const char character = random_below(2) == 0 ? meaningful[random_below(meaningful.size())] : static_cast<char>(random_below(256));
        switch (random_below(5)) {
            case 0:
            case 1:
                if (!bytes.empty()) bytes[where] = character;
                break;
            case 2: bytes.insert(where, 1 + random_below(3), character); break;
            case 3:
                if (!bytes.empty()) bytes.erase(where, 1 + random_below(3));
                break;
            case 4: bytes.resize(where); break;
        }
    }
    return bytes;
}

template <class Action>
void expect_load_or_io_error(Action action, const std::string& what) {
    try {
        action();
    } catch (const IoError&) {
    } catch (const std::exception& error) {
        ADD_FAILURE() << what << ": threw something other than IoError: " << error.what();
    }
}

TEST(MutatedInputs, NpyReadersLoadOrThrowIoError) {
    TempDir dir;
    std::mt19937 engine(20240601);
    const std::string path = dir.file("m.npy");
    for (const char* name : {"f8_2x3.npy", "f4_v3_3.npy", "f8_v2_2x3.npy", "f8_fortran_2x3x4.npy", "b1_4.npy", "i4_big_endian_3.npy",
                             "f8_labels_4.npy", "f8_scalar.npy", "f8_0x3.npy", "structured_2.npy"}) {
        const std::string original = read_bytes(data_file(name));
        for (int trial = 0; trial < 150; ++trial) {
            const std::string bytes = mutated(original, engine);
            write_bytes(path, bytes);
            const std::string what = std::string(name) + " trial " + std::to_string(trial);
            expect_load_or_io_error([&] { read_npy_header(path); }, what);
            expect_load_or_io_error([&] { load_npy<double>(path); }, what);
            expect_load_or_io_error([&] { load_npy<float>(path); }, what);
            expect_load_or_io_error([&] { load_npy_integers(path); }, what);
            expect_load_or_io_error([&] { load_npy_rows<double>(path, 1, 1); }, what);
        }
    }
}

TEST(MutatedInputs, CsvReaderLoadsOrThrowsIoError) {
    std::mt19937 engine(7);
    const std::string original =
        "x0,\"x,1\",label\r\n0.77455384788445214,0.15375803209412348,0\r\n\"-1e-3\",+2.5,\"a \"\"b\"\"\"\r\n1,2,\"multi\nline\"\n";
    for (int trial = 0; trial < 3000; ++trial) {
        const std::string text = mutated(original, engine);
        expect_load_or_io_error(
            [&] {
                const CsvTable table = parse_csv(text, "m.csv");
                std::vector<std::size_t> all(table.header.size());
                for (std::size_t i = 0; i < all.size(); ++i) all[i] = i;
                numeric_columns<double>(table, all, "m.csv");
            },
            "trial " + std::to_string(trial));
    }
}

}  // namespace
}  // namespace tapegrad::io
