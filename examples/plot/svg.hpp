#pragma once
/// Writes a Figure as an SVG document (plain text, no library).

#include <string>

#include "figure.hpp"

namespace tapegrad::plot {

/// The figure as a complete SVG 1.1 document. Text is XML-escaped; numbers have at most two
/// decimals.
std::string to_svg(const Figure& figure);

}  // namespace tapegrad::plot
