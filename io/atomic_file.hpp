#pragma once
/// Whole-file reads and all-or-nothing writes.

#include <cstdint>
#include <functional>
#include <ostream>
#include <string>

#include "error.hpp"

namespace tapegrad::io {

/// Writes a file so that readers see either the old file or the complete new one, never a part:
/// `write` fills a temporary file in the same directory (a unique hidden name
/// ".<name>.tmp.<pid>.<n>"), which is then flushed, checked, fsync'ed and renamed over `path`.
/// If `write` throws, or writing fails (a full disk, ...), the temporary is removed, `path` is left
/// as it was, and the exception propagates (IoError naming `path` for failed writes). A new file
/// gets the permissions 0666 minus the umask, as with std::ofstream.
void write_file_atomically(const std::string& path, const std::function<void(std::ostream&)>& write);

/// The size in bytes of a regular file; IoError naming `path` if it is missing or is not a regular
/// file (a directory, a pipe: readers here need a size and must not block).
std::uintmax_t regular_file_size(const std::string& path);

/// The whole content of a regular file. IoError naming `path` if it is missing, is not a regular
/// file (a directory, a pipe) or cannot be read.
std::string read_file(const std::string& path);

}  // namespace tapegrad::io
