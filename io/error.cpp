#include "error.hpp"

namespace tapegrad::io {

std::string printable(const std::string& text, std::size_t max_chars) {
    static const char hex[] = "0123456789abcdef";
    std::string out;
    for (std::size_t i = 0; i < text.size(); ++i) {
        if (out.size() >= max_chars) return out + "...";
        const auto byte = static_cast<unsigned char>(text[i]);
        if (byte >= 0x20 && byte < 0x7f && byte != '\\') {
            out += static_cast<char>(byte);
        } else if (byte == '\\') {
            out += "\\\\";
        } else {
            out += "\\x";
            out += hex[byte >> 4];
            out += hex[byte & 0xf];
        }
    }
    return out;
}

}  // namespace tapegrad::io
