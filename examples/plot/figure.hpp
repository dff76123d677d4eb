#pragma once
/// A figure as a list of simple shapes in pixel coordinates (origin top left, y down), drawn in
/// order. The same figure is written as SVG (svg.hpp) or rasterized and encoded as PNG (png.hpp),
/// so both files show the same picture.

#include <cstdint>
#include <string>
#include <utility>
#include <variant>
#include <vector>

namespace tapegrad::plot {

struct Color {
    std::uint8_t r = 0, g = 0, b = 0;
};
/// `a` and `b` mixed: t = 0 gives a, t = 1 gives b.
Color mix(Color a, Color b, double t);
/// "#rrggbb"
std::string to_hex(Color c);

/// An axis-aligned filled rectangle.
struct Rect {
    double x = 0, y = 0, width = 0, height = 0;
    Color fill;
};

/// A filled disc with an outline (stroke_width 0: none).
struct Circle {
    double cx = 0, cy = 0, radius = 0;
    Color fill;
    Color stroke;
    double stroke_width = 0;
};

/// Connected line segments through `points`.
struct Polyline {
    std::vector<std::pair<double, double>> points;
    Color stroke;
    double width = 1;
};

enum class Anchor { start, middle, end };

/// One line of text; (x, y) is the baseline point at the anchor. `vertical` rotates it by -90
/// degrees about (x, y) (reading bottom to top, for a y axis label).
struct Text {
    double x = 0, y = 0;
    std::string text;
    double size = 12;  ///< font size in pixels (height of a capital letter ~ 0.7 size)
    Anchor anchor = Anchor::start;
    Color color;
    bool bold = false;
    bool vertical = false;
};

using Shape = std::variant<Rect, Circle, Polyline, Text>;

struct Figure {
    int width = 640, height = 480;
    Color background{255, 255, 255};
    std::vector<Shape> shapes;

    void add(Shape shape) { shapes.push_back(std::move(shape)); }
};

}  // namespace tapegrad::plot
