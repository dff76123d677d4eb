#include "raster.hpp"

#include <algorithm>
#include <array>
#include <cmath>
#include <limits>
#include <map>
#include <variant>

namespace tapegrad::plot {

namespace {

// ---- the font ------------------------------------------------------------------------------
// 5 columns; rows top to bottom separated by '|': 7 rows down to the baseline, then up to 2
// descender rows. A character not listed is drawn as a box.
constexpr int kGlyphRowsAboveBaseline = 7;
constexpr int kGlyphAdvance = 6;

const std::map<char, const char*>& font() {
    static const std::map<char, const char*> glyphs{
        {' ', ".....|.....|.....|.....|.....|.....|....."},
        {'0', ".###.|#...#|#..##|#.#.#|##..#|#...#|.###."},
        {'1', "..#..|.##..|..#..|..#..|..#..|..#..|.###."},
        {'2', ".###.|#...#|....#|...#.|..#..|.#...|#####"},
        {'3', "#####|...#.|..#..|...#.|....#|#...#|.###."},
        {'4', "...#.|..##.|.#.#.|#..#.|#####|...#.|...#."},
        {'5', "#####|#....|####.|....#|....#|#...#|.###."},
        {'6', "..##.|.#...|#....|####.|#...#|#...#|.###."},
        {'7', "#####|....#|...#.|..#..|.#...|.#...|.#..."},
        {'8', ".###.|#...#|#...#|.###.|#...#|#...#|.###."},
        {'9', ".###.|#...#|#...#|.####|....#|...#.|.##.."},
        {'.', ".....|.....|.....|.....|.....|.##..|.##.."},
        {',', ".....|.....|.....|.....|.....|.##..|..#..|.#..."},
        {':', ".....|.##..|.##..|.....|.##..|.##..|....."},
        {';', ".....|.##..|.##..|.....|.##..|.##..|..#..|.#..."},
        {'-', ".....|.....|.....|#####|.....|.....|....."},
        {'+', ".....|..#..|..#..|#####|..#..|..#..|....."},
        {'=', ".....|.....|#####|.....|#####|.....|....."},
        {'(', "...#.|..#..|.#...|.#...|.#...|..#..|...#."},
        {')', ".#...|..#..|...#.|...#.|...#.|..#..|.#..."},
        {'[', ".###.|.#...|.#...|.#...|.#...|.#...|.###."},
        {']', ".###.|...#.|...#.|...#.|...#.|...#.|.###."},
        {'/', "....#|....#|...#.|..#..|.#...|#....|#...."},
        {'%', "##..#|##..#|...#.|..#..|.#...|#..##|#..##"},
        {'_', ".....|.....|.....|.....|.....|.....|#####"},
        {'\'', "..#..|..#..|.#...|.....|.....|.....|....."},
        {'"', ".#.#.|.#.#.|.#.#.|.....|.....|.....|....."},
        {'!', "..#..|..#..|..#..|..#..|..#..|.....|..#.."},
        {'?', ".###.|#...#|....#|...#.|..#..|.....|..#.."},
        {'*', ".....|#.#.#|.###.|#####|.###.|#.#.#|....."},
        {'<', "....#|...#.|..#..|.#...|..#..|...#.|....#"},
        {'>', "#....|.#...|..#..|...#.|..#..|.#...|#...."},
        {'^', "..#..|.#.#.|#...#|.....|.....|.....|....."},
        {'#', ".#.#.|.#.#.|#####|.#.#.|#####|.#.#.|.#.#."},
        {'A', ".###.|#...#|#...#|#####|#...#|#...#|#...#"},
        {'B', "####.|#...#|#...#|####.|#...#|#...#|####."},
        {'C', ".###.|#...#|#....|#....|#....|#...#|.###."},
        {'D', "####.|#...#|#...#|#...#|#...#|#...#|####."},
        {'E', "#####|#....|#....|####.|#....|#....|#####"},
        {'F', "#####|#....|#....|####.|#....|#....|#...."},
        {'G', ".###.|#...#|#....|#.###|#...#|#...#|.####"},
        {'H', "#...#|#...#|#...#|#####|#...#|#...#|#...#"},
        {'I', ".###.|..#..|..#..|..#..|..#..|..#..|.###."},
        {'J', "..###|...#.|...#.|...#.|...#.|#..#.|.##.."},
        {'K', "#...#|#..#.|#.#..|##...|#.#..|#..#.|#...#"},
        {'L', "#....|#....|#....|#....|#....|#....|#####"},
        {'M', "#...#|##.##|#.#.#|#.#.#|#...#|#...#|#...#"},
        {'N', "#...#|#...#|##..#|#.#.#|#..##|#...#|#...#"},
        {'O', ".###.|#...#|#...#|#...#|#...#|#...#|.###."},
        {'P', "####.|#...#|#...#|####.|#....|#....|#...."},
        {'Q', ".###.|#...#|#...#|#...#|#.#.#|#..#.|.##.#"},
        {'R', "####.|#...#|#...#|####.|#.#..|#..#.|#...#"},
        {'S', ".####|#....|#....|.###.|....#|....#|####."},
        {'T', "#####|..#..|..#..|..#..|..#..|..#..|..#.."},
        {'U', "#...#|#...#|#...#|#...#|#...#|#...#|.###."},
        {'V', "#...#|#...#|#...#|#...#|#...#|.#.#.|..#.."},
        {'W', "#...#|#...#|#...#|#.#.#|#.#.#|#.#.#|.#.#."},
        {'X', "#...#|#...#|.#.#.|..#..|.#.#.|#...#|#...#"},
        {'Y', "#...#|#...#|.#.#.|..#..|..#..|..#..|..#.."},
        {'Z', "#####|....#|...#.|..#..|.#...|#....|#####"},
        {'a', ".....|.....|.###.|....#|.####|#...#|.####"},
        {'b', "#....|#....|#.##.|##..#|#...#|#...#|####."},
        {'c', ".....|.....|.###.|#....|#....|#...#|.###."},
        {'d', "....#|....#|.##.#|#..##|#...#|#...#|.####"},
        {'e', ".....|.....|.###.|#...#|#####|#....|.###."},
        {'f', "..##.|.#..#|.#...|###..|.#...|.#...|.#..."},
        {'g', ".....|.....|.####|#...#|#...#|#...#|.####|....#|.###."},
        {'h', "#....|#....|#.##.|##..#|#...#|#...#|#...#"},
        {'i', "..#..|.....|.##..|..#..|..#..|..#..|.###."},
        {'j', "...#.|.....|..##.|...#.|...#.|...#.|...#.|#..#.|.##.."},
        {'k', "#....|#....|#..#.|#.#..|##...|#.#..|#..#."},
        {'l', ".##..|..#..|..#..|..#..|..#..|..#..|.###."},
        {'m', ".....|.....|##.#.|#.#.#|#.#.#|#.#.#|#.#.#"},
        {'n', ".....|.....|#.##.|##..#|#...#|#...#|#...#"},
        {'o', ".....|.....|.###.|#...#|#...#|#...#|.###."},
        {'p', ".....|.....|####.|#...#|#...#|#...#|####.|#....|#...."},
        {'q', ".....|.....|.####|#...#|#...#|#...#|.####|....#|....#"},
        {'r', ".....|.....|#.##.|##..#|#....|#....|#...."},
        {'s', ".....|.....|.####|#....|.###.|....#|####."},
        {'t', ".#...|.#...|###..|.#...|.#...|.#..#|..##."},
        {'u', ".....|.....|#...#|#...#|#...#|#..##|.##.#"},
        {'v', ".....|.....|#...#|#...#|#...#|.#.#.|..#.."},
        {'w', ".....|.....|#...#|#...#|#.#.#|#.#.#|.#.#."},
        {'x', ".....|.....|#...#|.#.#.|..#..|.#.#.|#...#"},
        {'y', ".....|.....|#...#|#...#|#...#|#...#|.####|....#|.###."},
        {'z', ".....|.....|#####|...#.|..#..|.#...|#####"},
    };
    return glyphs;
}

const char* kUnknownGlyph = "#####|#...#|#...#|#...#|#...#|#...#|#####";

int text_scale(double size) { return std::max(1, static_cast<int>(std::lround(size / 12.0))); }

double coverage_1d(double lo, double hi, int pixel) {
    return std::max(0.0, std::min(hi, pixel + 1.0) - std::max(lo, static_cast<double>(pixel)));
}

double distance_to_segment(double px, double py, double ax, double ay, double bx, double by) {
    const double dx = bx - ax, dy = by - ay;
    const double length2 = dx * dx + dy * dy;
    double t = length2 > 0 ? ((px - ax) * dx + (py - ay) * dy) / length2 : 0.0;
    t = std::clamp(t, 0.0, 1.0);
    return std::hypot(px - (ax + t * dx), py - (ay + t * dy));
}

class Canvas {
public:
    explicit Canvas(const Figure& figure) {
        image_.width = figure.width;
        image_.height = figure.height;
        image_.rgb.resize(static_cast<std::size_t>(figure.width) * static_cast<std::size_t>(figure.height) * 3);
        for (std::size_t i = 0; i < image_.rgb.size(); i += 3) {
            image_.rgb[i] = figure.background.r;
            image_.rgb[i + 1] = figure.background.g;
            image_.rgb[i + 2] = figure.background.b;
        }
    }

    Image take() { return std::move(image_); }

    /// Mixes `color` into pixel (x, y) by `coverage` in [0, 1]; pixels outside are ignored.
    void blend(int x, int y, Color color, double coverage) {
        if (x < 0 || y < 0 || x >= image_.width || y >= image_.height || coverage <= 0) return;
        auto* p = &image_.rgb[(static_cast<std::size_t>(y) * static_cast<std::size_t>(image_.width) +
                               static_cast<std::size_t>(x)) * 3];
        const Color mixed = mix({p[0], p[1], p[2]}, color, coverage);
        p[0] = mixed.r;
        p[1] = mixed.g;
        p[2] = mixed.b;
    }

    void fill_rect(double x0, double y0, double x1, double y1, Color color) {
        for (int y = static_cast<int>(std::floor(y0)); y < static_cast<int>(std::ceil(y1)); ++y) {
            const double cover_y = coverage_1d(y0, y1, y);
            for (int x = static_cast<int>(std::floor(x0)); x < static_cast<int>(std::ceil(x1)); ++x)
                blend(x, y, color, cover_y * coverage_1d(x0, x1, x));
        }
    }

    void fill_disc(double cx, double cy, double radius, Color color) {
        for (int y = static_cast<int>(std::floor(cy - radius - 1)); y <= static_cast<int>(cy + radius + 1); ++y)
            for (int x = static_cast<int>(std::floor(cx - radius - 1)); x <= static_cast<int>(cx + radius + 1); ++x) {
                const double distance = std::hypot(x + 0.5 - cx, y + 0.5 - cy);
                blend(x, y, color, std::clamp(radius - distance + 0.5, 0.0, 1.0));
            }
    }

    /// Each pixel is covered once, by its distance to the nearest segment: joints are not doubled.
    void draw_polyline(const Polyline& line) {
        if (line.points.empty()) return;
        const double half = line.width / 2;
        double min_x = line.points[0].first, max_x = min_x, min_y = line.points[0].second, max_y = min_y;
        for (const auto& [x, y] : line.points) {
            min_x = std::min(min_x, x), max_x = std::max(max_x, x);
            min_y = std::min(min_y, y), max_y = std::max(max_y, y);
        }
        const int x0 = std::max(0, static_cast<int>(std::floor(min_x - half - 1)));
        const int y0 = std::max(0, static_cast<int>(std::floor(min_y - half - 1)));
        const int x1 = std::min(image_.width - 1, static_cast<int>(std::ceil(max_x + half + 1)));
        const int y1 = std::min(image_.height - 1, static_cast<int>(std::ceil(max_y + half + 1)));
        if (x1 < x0 || y1 < y0) return;
        const int box_width = x1 - x0 + 1;
        std::vector<double> nearest(static_cast<std::size_t>(box_width) * static_cast<std::size_t>(y1 - y0 + 1),
                                    std::numeric_limits<double>::infinity());
        for (std::size_t k = 0; k + 1 < std::max<std::size_t>(line.points.size(), 2); ++k) {
            const auto a = line.points[k];
            const auto b = line.points[std::min(k + 1, line.points.size() - 1)];
            const int sx0 = std::max(x0, static_cast<int>(std::floor(std::min(a.first, b.first) - half - 1)));
            const int sx1 = std::min(x1, static_cast<int>(std::ceil(std::max(a.first, b.first) + half + 1)));
            const int sy0 = std::max(y0, static_cast<int>(std::floor(std::min(a.second, b.second) - half - 1)));
            const int sy1 = std::min(y1, static_cast<int>(std::ceil(std::max(a.second, b.second) + half + 1)));
            for (int y = sy0; y <= sy1; ++y)
                for (int x = sx0; x <= sx1; ++x) {
                    double& d = nearest[static_cast<std::size_t>((y - y0) * box_width + (x - x0))];
                    d = std::min(d, distance_to_segment(x + 0.5, y + 0.5, a.first, a.second, b.first, b.second));
                }
        }
        const double strength = std::min(1.0, line.width);  // hairlines are drawn fainter
        for (int y = y0; y <= y1; ++y)
            for (int x = x0; x <= x1; ++x) {
                const double d = nearest[static_cast<std::size_t>((y - y0) * box_width + (x - x0))];
                blend(x, y, line.stroke, strength * std::clamp(std::max(half, 0.5) - d + 0.5, 0.0, 1.0));
            }
    }

    void draw_text(const Text& text) {
        const int scale = text_scale(text.size);
        const double width = raster_text_width(text.text, text.size, text.bold);
        double start = 0;  // offset along the text direction where the first glyph begins
        if (text.anchor == Anchor::middle) start = -width / 2;
        if (text.anchor == Anchor::end) start = -width;
        start = std::round(start);
        const int advance = kGlyphAdvance * scale + (text.bold ? 1 : 0);
        for (std::size_t i = 0; i < text.text.size(); ++i) {
            const auto found = font().find(text.text[i]);
            const char* glyph = found == font().end() ? kUnknownGlyph : found->second;
            int row = 0, column = 0;
            for (const char* c = glyph; *c; ++c) {
                if (*c == '|') { ++row; column = 0; continue; }
                if (*c == '#') {
                    // The pixel's box relative to the anchor, in the text's own frame (y down).
                    const double along = start + static_cast<double>(i) * advance + column * scale;
                    const double across = (row - kGlyphRowsAboveBaseline) * scale;
                    const double thickness = scale + (text.bold ? 1 : 0);
                    if (text.vertical)  // rotated by -90 degrees: (along, across) -> (across, -along)
                        fill_rect(std::round(text.x) + across, std::round(text.y) - along - thickness,
                                  std::round(text.x) + across + scale, std::round(text.y) - along, text.color);
                    else
                        fill_rect(std::round(text.x) + along, std::round(text.y) + across,
                                  std::round(text.x) + along + thickness, std::round(text.y) + across + scale, text.color);
                }
                ++column;
            }
        }
    }

    void draw(const Rect& r) { fill_rect(r.x, r.y, r.x + r.width, r.y + r.height, r.fill); }
    void draw(const Circle& c) {
        if (c.stroke_width > 0) {
            fill_disc(c.cx, c.cy, c.radius + c.stroke_width / 2, c.stroke);
            fill_disc(c.cx, c.cy, c.radius - c.stroke_width / 2, c.fill);
        } else {
            fill_disc(c.cx, c.cy, c.radius, c.fill);
        }
    }
    void draw(const Polyline& p) { draw_polyline(p); }
    void draw(const Text& t) { draw_text(t); }

private:
    Image image_;
};

}  // namespace

double raster_text_width(const std::string& text, double size, bool bold) {
    if (text.empty()) return 0;
    const int scale = text_scale(size);
    const int advance = kGlyphAdvance * scale + (bold ? 1 : 0);
    // The last glyph's blank column does not count.
    return static_cast<double>(text.size()) * advance - scale;
}

Image rasterize(const Figure& figure) {
    Canvas canvas(figure);
    for (const auto& shape : figure.shapes) std::visit([&canvas](const auto& s) { canvas.draw(s); }, shape);
    return canvas.take();
}

}  // namespace tapegrad::plot
