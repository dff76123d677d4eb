#pragma once
/// What the fuzz targets share. A target is `LLVMFuzzerTestOneInput(data, size)`: it feeds the
/// bytes to one reader of outside data and checks what must hold whatever the bytes are.
///   - A tapegrad::Error (or subclass) is the reader's correct answer to bad bytes: caught.
///   - A crash, a sanitizer report, a leak, any other exception (escaping the target, so that
///     std::terminate aborts) or a broken invariant (FUZZ_CHECK) is a bug.
/// The same target files are compiled twice: with clang and libFuzzer by fuzz/run.sh, and with the
/// project's compiler into tests/fuzz's replay tests, which feed them the seed corpus and every
/// saved crash (tests/fuzz/regressions/<target>/).

#include <unistd.h>

#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <string>

namespace tapegrad_fuzz {

/// Prints the broken invariant and aborts (libFuzzer then saves the input as a crash).
#define FUZZ_CHECK(condition, what)                                                              \
    do {                                                                                         \
        if (!(condition)) {                                                                      \
            std::fprintf(stderr, "fuzz invariant broken at %s:%d: %s\n", __FILE__, __LINE__, what); \
            std::abort();                                                                        \
        }                                                                                        \
    } while (false)

/// A private directory for the files a target writes (created once, removed at exit).
inline const std::filesystem::path& scratch_dir() {
    static const std::filesystem::path dir = [] {
        std::string pattern = (std::filesystem::temp_directory_path() / "tapegrad-fuzz-XXXXXX").string();
        if (::mkdtemp(pattern.data()) == nullptr) {
            std::perror("mkdtemp");
            std::abort();
        }
        std::atexit([] {
            std::error_code ignored;
            std::filesystem::remove_all(scratch_dir(), ignored);
        });
        return std::filesystem::path(pattern);
    }();
    return dir;
}

/// Writes `bytes` to `path` (replacing it).
inline void write_bytes(const std::filesystem::path& path, const std::string& bytes) {
    std::ofstream out(path, std::ios::binary | std::ios::trunc);
    out.write(bytes.data(), static_cast<std::streamsize>(bytes.size()));
    out.close();
    FUZZ_CHECK(out.good(), "writing a scratch file failed");
}

inline std::string as_string(const std::uint8_t* data, std::size_t size) {
    return std::string(reinterpret_cast<const char*>(data), size);
}

}  // namespace tapegrad_fuzz
