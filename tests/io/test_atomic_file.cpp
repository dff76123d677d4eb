// Atomic writes: the old file survives every failure and no temporary is left behind.

#include <gtest/gtest.h>

#include <stdexcept>

#include <tapegrad/io/atomic_file.hpp>

#include "io_test_helpers.hpp"

namespace tapegrad::io {
namespace {

using testing::expect_io_error;
using testing::read_bytes;
using testing::TempDir;
using testing::write_bytes;
using Names = std::vector<std::string>;

TEST(AtomicFile, WritesANewFile) {
    TempDir dir;
    write_file_atomically(dir.file("a.txt"), [](std::ostream& out) { out << "hello\n"; });
    EXPECT_EQ(read_bytes(dir.file("a.txt")), "hello\n");
    EXPECT_EQ(dir.entries(), Names{"a.txt"});
}

TEST(AtomicFile, ReplacesAnExistingFile) {
    TempDir dir;
    write_bytes(dir.file("a.txt"), "old content that is longer");
    write_file_atomically(dir.file("a.txt"), [](std::ostream& out) { out << "new"; });
    EXPECT_EQ(read_bytes(dir.file("a.txt")), "new");
    EXPECT_EQ(dir.entries(), Names{"a.txt"});
}

TEST(AtomicFile, ThrowingWriterLeavesTheOldFileAndNoTemporary) {
    TempDir dir;
    write_bytes(dir.file("a.txt"), "old");
    EXPECT_THROW(write_file_atomically(dir.file("a.txt"),
                                       [](std::ostream& out) {
                                           out << "half of the new";
                                           throw std::logic_error("the writer gave up");
                                       }),
                 std::logic_error);
    EXPECT_EQ(read_bytes(dir.file("a.txt")), "old");
    EXPECT_EQ(dir.entries(), Names{"a.txt"});
}

TEST(AtomicFile, FailedStreamLeavesTheOldFileAndNoTemporary) {
    TempDir dir;
    write_bytes(dir.file("a.txt"), "old");
    expect_io_error(
        [&] {
            write_file_atomically(dir.file("a.txt"), [](std::ostream& out) {
                out << "part";
                out.setstate(std::ios::badbit);  // what a full disk does to the stream
            });
        },
        {dir.file("a.txt"), "writing failed", "left unchanged"});
    EXPECT_EQ(read_bytes(dir.file("a.txt")), "old");
    EXPECT_EQ(dir.entries(), Names{"a.txt"});
}

TEST(AtomicFile, MissingDirectoryIsAnError) {
    TempDir dir;
    expect_io_error([&] { write_file_atomically(dir.file("no/such/a.txt"), [](std::ostream& out) { out << "x"; }); },
                    {"no/such/a.txt", "cannot create a temporary file"});
    EXPECT_TRUE(dir.entries().empty());
}

TEST(AtomicFile, TargetThatIsADirectoryIsAnErrorAndNoTemporaryStays) {
    TempDir dir;
    std::filesystem::create_directory(dir.file("sub"));
    write_bytes(dir.file("sub/keep"), "k");
    expect_io_error([&] { write_file_atomically(dir.file("sub"), [](std::ostream& out) { out << "x"; }); },
                    {dir.file("sub"), "cannot replace it", "left unchanged"});
    EXPECT_EQ(dir.entries(), Names{"sub"});
    EXPECT_EQ(read_bytes(dir.file("sub/keep")), "k");
}

TEST(AtomicFile, EmptyPathIsAnError) {
    expect_io_error([] { write_file_atomically("", [](std::ostream&) {}); }, {"the path is empty"});
}

TEST(ReadFile, ReadsEveryByte) {
    TempDir dir;
    const std::string bytes = std::string("a\0b\r\n\xff", 6) + std::string(100000, 'z');
    write_bytes(dir.file("b.bin"), bytes);
    EXPECT_EQ(read_file(dir.file("b.bin")), bytes);
    write_bytes(dir.file("empty"), "");
    EXPECT_EQ(read_file(dir.file("empty")), "");
}

TEST(ReadFile, MissingFileOrDirectoryIsAnError) {
    TempDir dir;
    expect_io_error([&] { read_file(dir.file("missing.txt")); }, {dir.file("missing.txt") + ": no such file"});
    expect_io_error([&] { read_file(dir.path().string()); }, {"not a regular file"});
}

}  // namespace
}  // namespace tapegrad::io
