#include "svg.hpp"

#include <sstream>
#include <variant>

#include <fmt/format.h>

namespace tapegrad::plot {

namespace {

/// A coordinate with at most two decimals and no trailing zeros: "12", "12.5", "12.25".
std::string num(double value) {
    std::string text = fmt::format("{:.2f}", value);
    while (text.back() == '0') text.pop_back();
    if (text.back() == '.') text.pop_back();
    return text == "-0" ? "0" : text;
}

std::string escape_xml(const std::string& text) {
    std::string out;
    for (char c : text) {
        switch (c) {
            case '&': out += "&amp;"; break;
            case '<': out += "&lt;"; break;
            case '>': out += "&gt;"; break;
            case '"': out += "&quot;"; break;
            default: out += c;
        }
    }
    return out;
}

const char* anchor_name(Anchor anchor) {
    switch (anchor) {
        case Anchor::start: return "start";
        case Anchor::middle: return "middle";
        case Anchor::end: return "end";
    }
    return "start";
}

void write_shape(std::ostringstream& out, const Rect& r) {
    out << "<rect x=\"" << num(r.x) << "\" y=\"" << num(r.y) << "\" width=\"" << num(r.width)
        << "\" height=\"" << num(r.height) << "\" fill=\"" << to_hex(r.fill) << "\"/>\n";
}

void write_shape(std::ostringstream& out, const Circle& c) {
    out << "<circle cx=\"" << num(c.cx) << "\" cy=\"" << num(c.cy) << "\" r=\"" << num(c.radius)
        << "\" fill=\"" << to_hex(c.fill) << "\"";
    if (c.stroke_width > 0)
        out << " stroke=\"" << to_hex(c.stroke) << "\" stroke-width=\"" << num(c.stroke_width) << "\"";
    out << "/>\n";
}

void write_shape(std::ostringstream& out, const Polyline& p) {
    out << "<polyline fill=\"none\" stroke=\"" << to_hex(p.stroke) << "\" stroke-width=\"" << num(p.width)
        << "\" stroke-linejoin=\"round\" stroke-linecap=\"round\" points=\"";
    for (std::size_t i = 0; i < p.points.size(); ++i)
        out << (i ? " " : "") << num(p.points[i].first) << "," << num(p.points[i].second);
    out << "\"/>\n";
}

void write_shape(std::ostringstream& out, const Text& t) {
    out << "<text x=\"" << num(t.x) << "\" y=\"" << num(t.y) << "\" font-size=\"" << num(t.size)
        << "\" text-anchor=\"" << anchor_name(t.anchor) << "\" fill=\"" << to_hex(t.color) << "\"";
    if (t.bold) out << " font-weight=\"bold\"";
    if (t.vertical) out << " transform=\"rotate(-90 " << num(t.x) << " " << num(t.y) << ")\"";
    out << ">" << escape_xml(t.text) << "</text>\n";
}

}  // namespace

std::string to_svg(const Figure& figure) {
    std::ostringstream out;
    out << "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n"
        << "<svg xmlns=\"http://www.w3.org/2000/svg\" version=\"1.1\" width=\"" << figure.width
        << "\" height=\"" << figure.height << "\" viewBox=\"0 0 " << figure.width << " " << figure.height
        << "\" font-family=\"DejaVu Sans, Helvetica, Arial, sans-serif\">\n"
        << "<rect width=\"100%\" height=\"100%\" fill=\"" << to_hex(figure.background) << "\"/>\n"
        // Rects of a shaded grid touch exactly: crisp edges avoid hairline seams between them.
        << "<g shape-rendering=\"crispEdges\">\n";
    bool in_rect_group = true;
    for (const auto& shape : figure.shapes) {
        const bool is_rect = std::holds_alternative<Rect>(shape);
        if (is_rect != in_rect_group) {
            out << (is_rect ? "<g shape-rendering=\"crispEdges\">\n" : "</g>\n");
            in_rect_group = is_rect;
        }
        std::visit([&out](const auto& s) { write_shape(out, s); }, shape);
    }
    if (in_rect_group) out << "</g>\n";
    out << "</svg>\n";
    return out.str();
}

}  // namespace tapegrad::plot
