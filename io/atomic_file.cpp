#include "atomic_file.hpp"

#include <fcntl.h>
#include <unistd.h>

#include <atomic>
#include <cerrno>
#include <cstdio>
#include <filesystem>
#include <fstream>
#include <system_error>

namespace tapegrad::io {

namespace {

/// " (No space left on device)" for a set errno, "" if errno says nothing.
std::string errno_text(int error_number) {
    if (error_number == 0) return "";
    return " (" + std::error_code(error_number, std::generic_category()).message() + ")";
}

/// Creates a new, empty, uniquely named file next to `path`; returns its name and an open
/// descriptor (kept for the fsync).
std::string create_temporary_next_to(const std::string& path, int& descriptor) {
    static std::atomic<unsigned long> counter{0};
    const std::filesystem::path target(path);
    const std::string prefix = (target.parent_path() / ("." + target.filename().string() + ".tmp.")).string() +
                               std::to_string(::getpid()) + ".";
    for (int attempt = 0; attempt < 100; ++attempt) {
        const std::string name = prefix + std::to_string(counter++);
        descriptor = ::open(name.c_str(), O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0666);
        if (descriptor >= 0) return name;
        if (errno != EEXIST) {
            throw IoError(path + ": cannot create a temporary file next to it" + errno_text(errno));
        }
    }
    throw IoError(path + ": cannot create a temporary file next to it (100 names taken)");
}

/// Makes the rename itself durable; some file systems cannot fsync a directory, which is harmless.
void sync_directory_of(const std::string& path) {
    std::filesystem::path directory = std::filesystem::path(path).parent_path();
    if (directory.empty()) directory = ".";
    const int descriptor = ::open(directory.c_str(), O_RDONLY | O_DIRECTORY | O_CLOEXEC);
    if (descriptor < 0) return;
    (void)::fsync(descriptor);
    ::close(descriptor);
}

}  // namespace

void write_file_atomically(const std::string& path, const std::function<void(std::ostream&)>& write) {
    if (path.empty()) throw IoError("write_file_atomically: the path is empty");
    int descriptor = -1;
    const std::string temporary = create_temporary_next_to(path, descriptor);
    try {
        {
            std::ofstream out(temporary, std::ios::binary | std::ios::trunc);
            if (!out) throw IoError(path + ": cannot open the temporary file " + temporary + " for writing");
            errno = 0;
            write(out);
            out.flush();
            if (!out) throw IoError(path + ": writing failed" + errno_text(errno) + "; the file was left unchanged");
            out.close();
            if (!out) throw IoError(path + ": closing failed" + errno_text(errno) + "; the file was left unchanged");
        }
        if (::fsync(descriptor) != 0) {
            throw IoError(path + ": fsync failed" + errno_text(errno) + "; the file was left unchanged");
        }
        const int close_result = ::close(descriptor);
        descriptor = -1;
        if (close_result != 0) {
            throw IoError(path + ": closing failed" + errno_text(errno) + "; the file was left unchanged");
        }
        if (std::rename(temporary.c_str(), path.c_str()) != 0) {
            throw IoError(path + ": cannot replace it" + errno_text(errno) + "; the file was left unchanged");
        }
    } catch (...) {
        if (descriptor >= 0) ::close(descriptor);
        std::remove(temporary.c_str());
        throw;
    }
    sync_directory_of(path);
}

std::uintmax_t regular_file_size(const std::string& path) {
    std::error_code error;
    const auto status = std::filesystem::status(path, error);
    if (!std::filesystem::exists(status) && error && error != std::errc::no_such_file_or_directory) {
        throw IoError(path + ": cannot access it (" + error.message() + ")");
    }
    if (!std::filesystem::exists(status)) throw IoError(path + ": no such file");
    if (!std::filesystem::is_regular_file(status)) throw IoError(path + ": not a regular file");
    const std::uintmax_t size = std::filesystem::file_size(path, error);
    if (error) throw IoError(path + ": cannot read its size (" + error.message() + ")");
    return size;
}

std::string read_file(const std::string& path) {
    const std::uintmax_t size = regular_file_size(path);
    std::ifstream in(path, std::ios::binary);
    if (!in) throw IoError(path + ": cannot open it for reading" + errno_text(errno));
    std::string content;
    content.reserve(static_cast<std::size_t>(size));
    char buffer[1 << 16];
    while (in.read(buffer, sizeof buffer) || in.gcount() > 0) {
        content.append(buffer, static_cast<std::size_t>(in.gcount()));
    }
    if (in.bad()) throw IoError(path + ": reading failed" + errno_text(errno));
    return content;
}

}  // namespace tapegrad::io
