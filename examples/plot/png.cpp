#include "png.hpp"

#include <algorithm>
#include <array>

#include <tapegrad/autograd/array.hpp>

namespace tapegrad::plot {

std::uint32_t crc32(const std::uint8_t* data, std::size_t size, std::uint32_t crc) {
    static const std::array<std::uint32_t, 256> table = [] {
        std::array<std::uint32_t, 256> t{};
        for (std::uint32_t n = 0; n < 256; ++n) {
            std::uint32_t c = n;
            for (int k = 0; k < 8; ++k) c = (c & 1) ? 0xEDB88320u ^ (c >> 1) : c >> 1;
            t[n] = c;
        }
        return t;
    }();
    crc = ~crc;
    for (std::size_t i = 0; i < size; ++i) crc = table[(crc ^ data[i]) & 0xFF] ^ (crc >> 8);
    return ~crc;
}

std::uint32_t adler32(const std::uint8_t* data, std::size_t size) {
    std::uint32_t a = 1, b = 0;
    for (std::size_t i = 0; i < size; ++i) {
        a = (a + data[i]) % 65521;
        b = (b + a) % 65521;
    }
    return (b << 16) | a;
}

namespace {

void put_u32_big_endian(std::vector<std::uint8_t>& out, std::uint32_t v) {
    out.push_back(static_cast<std::uint8_t>(v >> 24));
    out.push_back(static_cast<std::uint8_t>(v >> 16));
    out.push_back(static_cast<std::uint8_t>(v >> 8));
    out.push_back(static_cast<std::uint8_t>(v));
}

/// A chunk: length, type, data, CRC of type and data.
void put_chunk(std::string& file, const char type[4], const std::vector<std::uint8_t>& data) {
    std::vector<std::uint8_t> chunk;
    put_u32_big_endian(chunk, static_cast<std::uint32_t>(data.size()));
    chunk.insert(chunk.end(), type, type + 4);
    chunk.insert(chunk.end(), data.begin(), data.end());
    put_u32_big_endian(chunk, crc32(chunk.data() + 4, chunk.size() - 4));
    file.append(chunk.begin(), chunk.end());
}

/// zlib stream of stored deflate blocks (at most 65535 bytes each) around `raw`.
std::vector<std::uint8_t> zlib_stored(const std::vector<std::uint8_t>& raw) {
    std::vector<std::uint8_t> out{0x78, 0x01};  // CMF: deflate, 32K window; FLG: check bits, fastest
    std::size_t offset = 0;
    do {
        const std::size_t length = std::min<std::size_t>(65535, raw.size() - offset);
        const bool final_block = offset + length == raw.size();
        out.push_back(final_block ? 1 : 0);  // BFINAL, BTYPE = 00 (stored)
        out.push_back(static_cast<std::uint8_t>(length & 0xFF));
        out.push_back(static_cast<std::uint8_t>(length >> 8));
        out.push_back(static_cast<std::uint8_t>(~length & 0xFF));
        out.push_back(static_cast<std::uint8_t>((~length >> 8) & 0xFF));
        out.insert(out.end(), raw.begin() + static_cast<std::ptrdiff_t>(offset),
                   raw.begin() + static_cast<std::ptrdiff_t>(offset + length));
        offset += length;
    } while (offset < raw.size());
    put_u32_big_endian(out, adler32(raw.data(), raw.size()));
    return out;
}

}  // namespace

std::string encode_png(const Image& image) {
    if (image.width <= 0 || image.height <= 0)
        throw Error("encode_png: image of " + std::to_string(image.width) + " x " + std::to_string(image.height) +
                    " pixels is empty");
    const auto row_bytes = static_cast<std::size_t>(image.width) * 3;
    if (image.rgb.size() != row_bytes * static_cast<std::size_t>(image.height))
        throw Error("encode_png: " + std::to_string(image.rgb.size()) + " bytes of pixels for a " +
                    std::to_string(image.width) + " x " + std::to_string(image.height) + " RGB image (expected " +
                    std::to_string(row_bytes * static_cast<std::size_t>(image.height)) + ")");

    std::vector<std::uint8_t> header;
    put_u32_big_endian(header, static_cast<std::uint32_t>(image.width));
    put_u32_big_endian(header, static_cast<std::uint32_t>(image.height));
    header.insert(header.end(), {8, 2, 0, 0, 0});  // bit depth 8, colour type 2 (RGB), deflate, no filter, no interlace

    std::vector<std::uint8_t> scanlines;  // each row: filter type 0 (none), then its pixels
    scanlines.reserve((row_bytes + 1) * static_cast<std::size_t>(image.height));
    for (std::size_t y = 0; y < static_cast<std::size_t>(image.height); ++y) {
        scanlines.push_back(0);
        scanlines.insert(scanlines.end(), image.rgb.begin() + static_cast<std::ptrdiff_t>(y * row_bytes),
                         image.rgb.begin() + static_cast<std::ptrdiff_t>((y + 1) * row_bytes));
    }

    std::string file("\x89PNG\r\n\x1a\n", 8);
    put_chunk(file, "IHDR", header);
    put_chunk(file, "IDAT", zlib_stored(scanlines));
    put_chunk(file, "IEND", {});
    return file;
}

}  // namespace tapegrad::plot
