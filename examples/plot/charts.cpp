#include "charts.hpp"

#include <algorithm>
#include <cmath>

#include <fmt/format.h>

#include <tapegrad/autograd/array.hpp>

namespace tapegrad::plot {

namespace {

const Color kBlack{0, 0, 0};
const Color kAxisColor{60, 60, 60};
const Color kGray{110, 110, 110};
const Color kGridLine{228, 228, 228};
const Color kClass0{215, 48, 39};    // red
const Color kClass1{33, 102, 172};   // blue
const Color kShade0{239, 138, 98};   // light red: P(class 1) = 0
const Color kShadeMid{247, 247, 247};
const Color kShade1{103, 169, 207};  // light blue: P(class 1) = 1
const Color kLine{230, 85, 13};      // the loss curve
constexpr int kBands = 20;

/// The shading colour of a probability, diverging through white at 0.5.
Color shade(double p) {
    return p < 0.5 ? mix(kShade0, kShadeMid, p / 0.5) : mix(kShadeMid, kShade1, (p - 0.5) / 0.5);
}

/// The band [k/20, (k+1)/20) of a probability, and the colour of its centre.
int band_of(double p) { return std::min(kBands - 1, static_cast<int>(p * kBands)); }
Color band_color(int band) { return shade((band + 0.5) / kBands); }

void add_text(Figure& figure, double x, double y, std::string text, double size, Anchor anchor, Color color,
              bool bold = false, bool vertical = false) {
    figure.add(Text{x, y, std::move(text), size, anchor, color, bold, vertical});
}

void add_line(Figure& figure, double x0, double y0, double x1, double y1, Color color, double width) {
    figure.add(Polyline{{{x0, y0}, {x1, y1}}, color, width});
}

void add_titles(Figure& figure, const std::string& title, const std::string& subtitle) {
    add_text(figure, figure.width / 2.0, 30, title, 16, Anchor::middle, kBlack, true);
    if (!subtitle.empty()) add_text(figure, figure.width / 2.0, 52, subtitle, 13, Anchor::middle, kGray);
}

/// Marching squares on the cell centres: the segments where P(class 1) crosses 0.5.
void add_half_contour(Figure& figure, const PlotArea& area, const DecisionBoundaryPlot& plot) {
    const double cell_w = (plot.x_max - plot.x_min) / static_cast<double>(plot.columns);
    const double cell_h = (plot.y_max - plot.y_min) / static_cast<double>(plot.rows);
    auto x_at = [&](double c) { return plot.x_min + (c + 0.5) * cell_w; };
    auto y_at = [&](double r) { return plot.y_min + (r + 0.5) * cell_h; };
    auto value = [&](std::size_t c, std::size_t r) { return plot.probability[r * plot.columns + c] - 0.5; };
    for (std::size_t r = 0; r + 1 < plot.rows; ++r)
        for (std::size_t c = 0; c + 1 < plot.columns; ++c) {
            // Corners counter-clockwise from bottom left; a crossing on each edge whose ends differ in sign.
            const double cx[4] = {0, 1, 1, 0}, cy[4] = {0, 0, 1, 1};
            const double v[4] = {value(c, r), value(c + 1, r), value(c + 1, r + 1), value(c, r + 1)};
            std::vector<std::pair<double, double>> crossings;
            for (int e = 0; e < 4; ++e) {
                const int f = (e + 1) % 4;
                if ((v[e] < 0) == (v[f] < 0)) continue;
                const double t = v[e] / (v[e] - v[f]);
                crossings.push_back({area.px(x_at(c + cx[e] + t * (cx[f] - cx[e]))),
                                     area.py(y_at(r + cy[e] + t * (cy[f] - cy[e])))});
            }
            for (std::size_t k = 0; k + 1 < crossings.size(); k += 2)
                figure.add(Polyline{{crossings[k], crossings[k + 1]}, Color{40, 40, 40}, 1.5});
        }
}

void add_color_bar(Figure& figure, double left, double top, double height, const std::string& label) {
    const double width = 16;
    for (int band = 0; band < kBands; ++band) {
        const double y1 = top + height * (1.0 - static_cast<double>(band) / kBands);
        const double y0 = top + height * (1.0 - static_cast<double>(band + 1) / kBands);
        figure.add(Rect{left, y0, width, y1 - y0, band_color(band)});
    }
    figure.add(Polyline{{{left, top}, {left + width, top}, {left + width, top + height}, {left, top + height}, {left, top}},
                        kAxisColor, 1});
    for (double p : {0.0, 0.5, 1.0}) {
        const double y = top + height * (1 - p);
        add_line(figure, left + width, y, left + width + 4, y, kAxisColor, 1);
        add_text(figure, left + width + 7, y + 4, tick_label(p, 0.5), 12, Anchor::start, kBlack);
    }
    add_text(figure, left, top - 10, label, 12, Anchor::start, kBlack);
}

}  // namespace

std::vector<double> nice_ticks(double lo, double hi, int target) {
    if (!(std::isfinite(lo) && std::isfinite(hi) && lo < hi))
        throw Error(fmt::format("nice_ticks: the range [{}, {}] is empty or not finite", lo, hi));
    const double rough = (hi - lo) / std::max(1, target);
    const double power = std::pow(10.0, std::floor(std::log10(rough)));
    double step = 10 * power;
    for (double m : {1.0, 2.0, 5.0})  // the first step not much below the rough one
        if (m * power >= 0.75 * rough) { step = m * power; break; }
    std::vector<double> ticks;
    for (double k = std::ceil(lo / step - 1e-9); k * step <= hi + 1e-9 * step; k += 1)
        ticks.push_back(std::abs(k) < 1e-12 ? 0.0 : k * step);
    return ticks;
}

std::string tick_label(double value, double step) {
    const int decimals = std::max(0, static_cast<int>(std::ceil(-std::log10(step) - 1e-9)));
    std::string text = fmt::format("{:.{}f}", value, decimals);
    if (text.find_first_not_of("-0.") == std::string::npos) text = fmt::format("{:.{}f}", 0.0, decimals);
    return text;
}

void draw_axes(Figure& figure, const PlotArea& area, const std::vector<double>& x_ticks,
               const std::vector<double>& y_ticks, const std::string& x_label, const std::string& y_label) {
    const double right = area.left + area.width, bottom = area.top + area.height;
    figure.add(Polyline{{{area.left, area.top}, {right, area.top}, {right, bottom}, {area.left, bottom}, {area.left, area.top}},
                        kAxisColor, 1});
    const double x_step = x_ticks.size() > 1 ? x_ticks[1] - x_ticks[0] : 1;
    for (double x : x_ticks) {
        const double px = area.px(x);
        add_line(figure, px, bottom, px, bottom + 5, kAxisColor, 1);
        add_text(figure, px, bottom + 19, tick_label(x, x_step), 12, Anchor::middle, kBlack);
    }
    const double y_step = y_ticks.size() > 1 ? y_ticks[1] - y_ticks[0] : 1;
    for (double y : y_ticks) {
        const double py = area.py(y);
        add_line(figure, area.left - 5, py, area.left, py, kAxisColor, 1);
        add_text(figure, area.left - 8, py + 4, tick_label(y, y_step), 12, Anchor::end, kBlack);
    }
    add_text(figure, area.left + area.width / 2, bottom + 40, x_label, 13, Anchor::middle, kBlack);
    add_text(figure, area.left - 48, area.top + area.height / 2, y_label, 13, Anchor::middle, kBlack, false, true);
}

std::vector<double> grid_cell_centres(const DecisionBoundaryPlot& plot) {
    std::vector<double> centres;
    centres.reserve(plot.rows * plot.columns * 2);
    const double cell_w = (plot.x_max - plot.x_min) / static_cast<double>(plot.columns);
    const double cell_h = (plot.y_max - plot.y_min) / static_cast<double>(plot.rows);
    for (std::size_t r = 0; r < plot.rows; ++r)
        for (std::size_t c = 0; c < plot.columns; ++c) {
            centres.push_back(plot.x_min + (static_cast<double>(c) + 0.5) * cell_w);
            centres.push_back(plot.y_min + (static_cast<double>(r) + 0.5) * cell_h);
        }
    return centres;
}

Figure decision_boundary_figure(const DecisionBoundaryPlot& plot) {
    if (plot.columns < 2 || plot.rows < 2 || plot.probability.size() != plot.columns * plot.rows)
        throw Error(fmt::format("decision_boundary_figure: {} probabilities for a grid of {} x {} cells (at least 2 x 2)",
                                plot.probability.size(), plot.columns, plot.rows));
    for (double p : plot.probability)
        if (!(p >= 0 && p <= 1))
            throw Error(fmt::format("decision_boundary_figure: probability {} is not in [0, 1]", p));
    for (const auto& point : plot.points)
        if (point.label != 0 && point.label != 1)
            throw Error(fmt::format("decision_boundary_figure: point label {} is not 0 or 1", point.label));

    Figure figure;
    figure.width = 720;
    figure.height = 580;
    add_titles(figure, plot.title, plot.subtitle);
    const PlotArea area{80, 75, 460, 430, plot.x_min, plot.x_max, plot.y_min, plot.y_max};

    // Shading: one rect per run of equal bands along a grid row (a few hundred rects, not thousands).
    // Cell edges are rounded to whole pixels so that neighbouring rects neither overlap nor leave
    // a blended seam between them.
    auto edge_x = [&](std::size_t c) { return std::round(area.left + area.width * static_cast<double>(c) / static_cast<double>(plot.columns)); };
    auto edge_y = [&](std::size_t r) { return std::round(area.top + area.height * (1 - static_cast<double>(r) / static_cast<double>(plot.rows))); };
    for (std::size_t r = 0; r < plot.rows; ++r) {
        std::size_t run_start = 0;
        for (std::size_t c = 1; c <= plot.columns; ++c) {
            const int band = band_of(plot.probability[r * plot.columns + run_start]);
            if (c < plot.columns && band_of(plot.probability[r * plot.columns + c]) == band) continue;
            figure.add(Rect{edge_x(run_start), edge_y(r + 1), edge_x(c) - edge_x(run_start), edge_y(r) - edge_y(r + 1),
                            band_color(band)});
            run_start = c;
        }
    }
    add_half_contour(figure, area, plot);

    // Test points first, so that training points lie on top.
    for (bool held_out : {true, false})
        for (const auto& point : plot.points) {
            if (point.held_out != held_out) continue;
            const Color color = point.label == 0 ? kClass0 : kClass1;
            figure.add(Circle{area.px(point.x), area.py(point.y), 5, held_out ? mix(color, Color{255, 255, 255}, 0.45) : color,
                              held_out ? kGray : kBlack, 1});
        }
    draw_axes(figure, area, nice_ticks(plot.x_min, plot.x_max), nice_ticks(plot.y_min, plot.y_max), plot.x_label,
              plot.y_label);

    // Colour bar and legend to the right of the plot.
    const double side = area.left + area.width + 40;
    add_color_bar(figure, side, area.top + 20, 180, "P(" + plot.class_names.at(1) + ")");
    double y = area.top + 250;
    for (int label : {0, 1})
        for (bool held_out : {false, true}) {
            const Color color = label == 0 ? kClass0 : kClass1;
            figure.add(Circle{side + 6, y - 4, 5, held_out ? mix(color, Color{255, 255, 255}, 0.45) : color,
                              held_out ? kGray : kBlack, 1});
            add_text(figure, side + 18, y, plot.class_names.at(static_cast<std::size_t>(label)) + (held_out ? " test" : " train"),
                     12, Anchor::start, kBlack);
            y += 22;
        }
    add_line(figure, side, y - 4, side + 12, y - 4, Color{40, 40, 40}, 1.5);
    add_text(figure, side + 18, y, "P = 0.5", 12, Anchor::start, kBlack);
    return figure;
}

Figure loss_curve_figure(const LossCurvePlot& plot) {
    if (plot.loss.empty()) throw Error("loss_curve_figure: the loss curve is empty");
    for (double value : plot.loss)
        if (!std::isfinite(value)) throw Error(fmt::format("loss_curve_figure: loss value {} is not finite", value));

    Figure figure;
    figure.width = 720;
    figure.height = 440;
    add_titles(figure, plot.title, plot.subtitle);
    const double n = static_cast<double>(plot.loss.size());
    const double top_loss = *std::max_element(plot.loss.begin(), plot.loss.end());
    const double low_loss = std::min(0.0, *std::min_element(plot.loss.begin(), plot.loss.end()));
    // The y axis ends at the first tick at or above the highest loss.
    const auto rough_ticks = nice_ticks(low_loss, top_loss > low_loss ? top_loss : low_loss + 1);
    const double step = rough_ticks.size() > 1 ? rough_ticks[1] - rough_ticks[0] : top_loss - low_loss;
    const double y_max = std::max(low_loss + step, step * std::ceil(top_loss / step - 1e-9));
    const auto y_ticks = nice_ticks(low_loss, y_max);
    const PlotArea area{90, 75, 590, 290, 1, std::max(2.0, n), low_loss, y_max};

    for (double y : y_ticks)
        add_line(figure, area.left, area.py(y), area.left + area.width, area.py(y), kGridLine, 1);
    Polyline curve{{}, kLine, 2};
    for (std::size_t i = 0; i < plot.loss.size(); ++i)
        curve.points.push_back({area.px(static_cast<double>(i + 1)), area.py(plot.loss[i])});
    figure.add(curve);
    const auto [last_x, last_y] = curve.points.back();
    figure.add(Circle{last_x, last_y, 4, kLine, kBlack, 1});
    add_text(figure, last_x - 8, last_y - 10, fmt::format("{:.4f}", plot.loss.back()), 12, Anchor::end, kBlack);

    auto x_ticks = nice_ticks(1, std::max(2.0, n));
    draw_axes(figure, area, x_ticks, y_ticks, plot.x_label, plot.y_label);
    return figure;
}

}  // namespace tapegrad::plot
