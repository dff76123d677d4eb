#pragma once
/// The one exception type of tapegrad::io.

#include <string>

#include <tapegrad/autograd/array.hpp>

namespace tapegrad::io {

/// Thrown for every problem with a file: missing, unreadable, malformed, failed write. The message
/// starts with the file's path and says what is wrong, e.g.
///   "data.csv: line 7 has 3 fields, the header has 4"
///   "x.npy: header field 'descr': unsupported dtype '<c16' ..."
class IoError : public Error {
public:
    using Error::Error;
};

/// `text` made safe to print in a message: non-printable bytes as \xNN, at most `max_chars` long.
std::string printable(const std::string& text, std::size_t max_chars = 60);

}  // namespace tapegrad::io
