#pragma once
/// A strict reader for the PNG files tapegrad's plot writer produces (8-bit RGB, zlib stored
/// blocks): it checks the signature, every chunk's CRC, the IHDR fields, the zlib header, each
/// stored block's LEN/NLEN, the Adler-32 and the scanline sizes, and returns the pixels. Any
/// deviation throws std::runtime_error saying what is wrong. The CRC and Adler-32 are computed
/// here independently of the writer.

#include <cstdint>
#include <fstream>
#include <sstream>
#include <stdexcept>
#include <string>
#include <vector>

namespace png_check {

struct Pixels {
    std::uint32_t width = 0, height = 0;
    std::vector<std::uint8_t> rgb;
    std::uint8_t at(std::uint32_t x, std::uint32_t y, int channel) const {
        return rgb[(static_cast<std::size_t>(y) * width + x) * 3 + static_cast<std::size_t>(channel)];
    }
};

inline std::uint32_t crc32_bitwise(const std::string& bytes) {
    std::uint32_t crc = 0xFFFFFFFFu;
    for (unsigned char byte : bytes) {
        crc ^= byte;
        for (int k = 0; k < 8; ++k) crc = (crc >> 1) ^ (0xEDB88320u & (0u - (crc & 1u)));
    }
    return ~crc;
}

inline std::uint32_t read_u32(const std::string& s, std::size_t at) {
    if (at + 4 > s.size()) throw std::runtime_error("png: truncated at byte " + std::to_string(at));
    return (std::uint32_t(std::uint8_t(s[at])) << 24) | (std::uint32_t(std::uint8_t(s[at + 1])) << 16) |
           (std::uint32_t(std::uint8_t(s[at + 2])) << 8) | std::uint32_t(std::uint8_t(s[at + 3]));
}

inline Pixels decode(const std::string& file) {
    if (file.compare(0, 8, std::string("\x89PNG\r\n\x1a\n", 8)) != 0) throw std::runtime_error("png: bad signature");
    Pixels out;
    std::string idat;
    bool seen_header = false, seen_end = false;
    for (std::size_t at = 8; at < file.size();) {
        const std::uint32_t length = read_u32(file, at);
        if (at + 12 + length > file.size()) throw std::runtime_error("png: chunk runs past the end");
        const std::string type = file.substr(at + 4, 4);
        const std::string data = file.substr(at + 8, length);
        if (crc32_bitwise(type + data) != read_u32(file, at + 8 + length))
            throw std::runtime_error("png: CRC mismatch in chunk " + type);
        if (type == "IHDR") {
            if (length != 13) throw std::runtime_error("png: IHDR length");
            out.width = read_u32(data, 0);
            out.height = read_u32(data, 4);
            if (data.substr(8) != std::string("\x08\x02\x00\x00\x00", 5))
                throw std::runtime_error("png: not 8-bit RGB, deflate, no interlace");
            seen_header = true;
        } else if (type == "IDAT") {
            idat += data;
        } else if (type == "IEND") {
            seen_end = true;
            if (at + 12 != file.size()) throw std::runtime_error("png: bytes after IEND");
        }
        at += 12 + length;
    }
    if (!seen_header || !seen_end || idat.size() < 6) throw std::runtime_error("png: missing IHDR, IDAT or IEND");
    if ((std::uint8_t(idat[0]) * 256 + std::uint8_t(idat[1])) % 31 != 0 || (idat[0] & 0x0F) != 8)
        throw std::runtime_error("png: bad zlib header");
    std::string raw;
    std::size_t at = 2;
    for (bool final_block = false; !final_block;) {
        if (at + 5 > idat.size()) throw std::runtime_error("png: truncated deflate block");
        final_block = idat[at] & 1;
        if ((idat[at] & 0x06) != 0) throw std::runtime_error("png: not a stored deflate block");
        const std::size_t len = std::uint8_t(idat[at + 1]) | (std::uint8_t(idat[at + 2]) << 8);
        const std::size_t nlen = std::uint8_t(idat[at + 3]) | (std::uint8_t(idat[at + 4]) << 8);
        if ((len ^ 0xFFFF) != nlen) throw std::runtime_error("png: LEN/NLEN mismatch");
        if (at + 5 + len > idat.size()) throw std::runtime_error("png: stored block runs past the data");
        raw += idat.substr(at + 5, len);
        at += 5 + len;
    }
    std::uint32_t a = 1, b = 0;
    for (unsigned char byte : raw) a = (a + byte) % 65521, b = (b + a) % 65521;
    if (at + 4 != idat.size() || read_u32(idat, at) != ((b << 16) | a)) throw std::runtime_error("png: Adler-32 mismatch");
    const std::size_t row = std::size_t(out.width) * 3 + 1;
    if (raw.size() != row * out.height) throw std::runtime_error("png: image data size does not match IHDR");
    for (std::uint32_t y = 0; y < out.height; ++y) {
        if (raw[y * row] != 0) throw std::runtime_error("png: unexpected filter type");
        out.rgb.insert(out.rgb.end(), raw.begin() + static_cast<std::ptrdiff_t>(y * row + 1),
                       raw.begin() + static_cast<std::ptrdiff_t>((y + 1) * row));
    }
    return out;
}

inline std::string read_binary(const std::string& path) {
    std::ifstream in(path, std::ios::binary);
    if (!in) throw std::runtime_error("cannot open " + path);
    std::ostringstream bytes;
    bytes << in.rdbuf();
    return bytes.str();
}

}  // namespace png_check
