#pragma once
/// Helpers of the io tests: a temporary directory, raw file bytes, error-message checks.

#include <gtest/gtest.h>

#include <algorithm>
#include <filesystem>
#include <fstream>
#include <functional>
#include <iterator>
#include <random>
#include <string>
#include <vector>

#include <tapegrad/io/error.hpp>

namespace tapegrad::io::testing {

inline std::string data_file(const std::string& name) { return std::string(TAPEGRAD_SOURCE_DIR) + "/tests/io/data/" + name; }

/// A fresh empty directory under the system's temporary directory, removed with its content.
class TempDir {
public:
    TempDir() {
        std::random_device seed_source;
        std::mt19937_64 engine(seed_source());
        const auto base = std::filesystem::temp_directory_path();
        for (int attempt = 0;; ++attempt) {
            path_ = base / ("tapegrad-io-test-" + std::to_string(engine()));
            if (std::filesystem::create_directory(path_)) break;
            if (attempt > 100) throw std::runtime_error("cannot create a temporary directory");
        }
    }
    ~TempDir() {
        std::error_code ignored;
        std::filesystem::remove_all(path_, ignored);
    }
    TempDir(const TempDir&) = delete;
    TempDir& operator=(const TempDir&) = delete;

    std::string file(const std::string& name) const { return (path_ / name).string(); }
    const std::filesystem::path& path() const { return path_; }

    /// The names of the entries in the directory, sorted.
    std::vector<std::string> entries() const {
        std::vector<std::string> names;
        for (const auto& entry : std::filesystem::directory_iterator(path_)) names.push_back(entry.path().filename().string());
        std::sort(names.begin(), names.end());
        return names;
    }

private:
    std::filesystem::path path_;
};

/// Writes a new file (an old one is removed first: ext4 flushes a file truncated and rewritten on
/// close, which would make the mutation tests wait for the disk).
inline void write_bytes(const std::string& path, const std::string& bytes) {
    std::error_code ignored;
    std::filesystem::remove(path, ignored);
    std::ofstream out(path, std::ios::binary | std::ios::trunc);
    out.write(bytes.data(), static_cast<std::streamsize>(bytes.size()));
    if (!out) throw std::runtime_error("test helper: cannot write " + path);
}

inline std::string read_bytes(const std::string& path) {
    std::ifstream in(path, std::ios::binary);
    if (!in) throw std::runtime_error("test helper: cannot read " + path);
    return std::string(std::istreambuf_iterator<char>(in), std::istreambuf_iterator<char>());
}

/// Expects `action` to throw IoError whose message contains every one of `parts`.
inline void expect_io_error(const std::function<void()>& action, const std::vector<std::string>& parts) {
    try {
        action();
    } catch (const IoError& error) {
        const std::string message = error.what();
        for (const auto& part : parts) {
            EXPECT_NE(message.find(part), std::string::npos) << "message: " << message << "\nlacks: " << part;
        }
        return;
    } catch (const std::exception& error) {
        ADD_FAILURE() << "threw something other than IoError: " << error.what();
        return;
    }
    ADD_FAILURE() << "no IoError thrown; expected one mentioning: " << (parts.empty() ? "" : parts.front());
}

}  // namespace tapegrad::io::testing
