#pragma once
/// Draws a Figure into an RGB image, antialiased: each shape covers a pixel by the fraction of
/// the pixel it overlaps (rects exactly; discs and lines by the distance of the pixel's centre to
/// the edge). Text uses a built-in 5 x 7 pixel font, scaled by whole pixels.

#include <string>

#include "figure.hpp"
#include "png.hpp"

namespace tapegrad::plot {

Image rasterize(const Figure& figure);

/// The width in pixels that `rasterize` gives a text of this size (for tests and layout checks).
double raster_text_width(const std::string& text, double size, bool bold = false);

}  // namespace tapegrad::plot
