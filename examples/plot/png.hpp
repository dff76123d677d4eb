#pragma once
/// A minimal PNG encoder: 8-bit RGB, no filtering, the image data in zlib "stored" (uncompressed)
/// deflate blocks. Files are larger than a compressing encoder's but every viewer reads them, and
/// the code needs no library. Format: PNG specification (ISO/IEC 15948), zlib RFC 1950, deflate
/// RFC 1951 section 3.2.4 (non-compressed blocks).

#include <cstddef>
#include <cstdint>
#include <string>
#include <vector>

namespace tapegrad::plot {

/// An RGB image, rows top to bottom, 3 bytes a pixel.
struct Image {
    int width = 0, height = 0;
    std::vector<std::uint8_t> rgb;  ///< width * height * 3 bytes
};

/// CRC-32 (ISO 3309, as PNG chunks use it) of `size` bytes, continuing from `crc` (0 to start).
std::uint32_t crc32(const std::uint8_t* data, std::size_t size, std::uint32_t crc = 0);
/// Adler-32 (RFC 1950) of `size` bytes.
std::uint32_t adler32(const std::uint8_t* data, std::size_t size);

/// The PNG file's bytes. Throws tapegrad::Error for an empty image or a pixel buffer of the
/// wrong size.
std::string encode_png(const Image& image);

}  // namespace tapegrad::plot
