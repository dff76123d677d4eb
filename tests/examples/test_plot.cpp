// The examples' picture writer: tick placement, the SVG text, the rasterizer and the PNG encoder.
#include <gtest/gtest.h>

#include <cmath>
#include <regex>
#include <string>

#include "../../examples/plot/charts.hpp"
#include "../../examples/plot/png.hpp"
#include "../../examples/plot/raster.hpp"
#include "../../examples/plot/svg.hpp"
#include "png_check.hpp"

#include <tapegrad/autograd/array.hpp>

using namespace tapegrad::plot;

namespace {

std::size_t count(const std::string& text, const std::string& what) {
    std::size_t n = 0;
    for (auto at = text.find(what); at != std::string::npos; at = text.find(what, at + 1)) ++n;
    return n;
}

DecisionBoundaryPlot small_plot() {
    DecisionBoundaryPlot plot;
    plot.title = "a < b & c";
    plot.x_min = -1, plot.x_max = 1, plot.y_min = -1, plot.y_max = 1;
    plot.columns = 8, plot.rows = 6;
    const auto centres = grid_cell_centres(plot);
    for (std::size_t i = 0; i < centres.size(); i += 2) plot.probability.push_back(centres[i] > 0 ? 0.9 : 0.1);
    plot.points = {{-0.5, 0.2, 0, false}, {0.5, -0.2, 1, false}, {0.6, 0.4, 1, true}};
    return plot;
}

}  // namespace

TEST(PlotTicks, NiceStepsInsideTheRange) {
    EXPECT_EQ(nice_ticks(0, 1), (std::vector<double>{0, 0.2, 0.4, 0.6000000000000001, 0.8, 1}));
    EXPECT_EQ(nice_ticks(-2.2, 2.9), (std::vector<double>{-2, -1, 0, 1, 2}));
    EXPECT_EQ(nice_ticks(1, 300), (std::vector<double>{50, 100, 150, 200, 250, 300}));
    EXPECT_EQ(nice_ticks(1, 1202), (std::vector<double>{200, 400, 600, 800, 1000, 1200}));
    EXPECT_THROW(nice_ticks(1, 1), tapegrad::Error);
    EXPECT_THROW(nice_ticks(0, NAN), tapegrad::Error);
}

TEST(PlotTicks, LabelsHaveTheDecimalsOfTheStep) {
    EXPECT_EQ(tick_label(1.5, 0.5), "1.5");
    EXPECT_EQ(tick_label(0.6000000000000001, 0.2), "0.6");
    EXPECT_EQ(tick_label(-1e-17, 0.5), "0.0");
    EXPECT_EQ(tick_label(20, 10), "20");
    EXPECT_EQ(tick_label(0.25, 0.05), "0.25");
}

TEST(PlotPng, ChecksumsMatchTheirStandards) {
    const std::string digits = "123456789", wiki = "Wikipedia";
    EXPECT_EQ(crc32(reinterpret_cast<const std::uint8_t*>(digits.data()), digits.size()), 0xCBF43926u);
    EXPECT_EQ(adler32(reinterpret_cast<const std::uint8_t*>(wiki.data()), wiki.size()), 0x11E60398u);
}

TEST(PlotPng, EncodesPixelsExactly) {
    Image image{3, 2, {255, 0, 0, 0, 255, 0, 0, 0, 255, 10, 20, 30, 40, 50, 60, 70, 80, 90}};
    const auto decoded = png_check::decode(encode_png(image));
    EXPECT_EQ(decoded.width, 3u);
    EXPECT_EQ(decoded.height, 2u);
    EXPECT_EQ(decoded.rgb, image.rgb);
}

TEST(PlotPng, SplitsLargeImagesIntoStoredBlocks) {
    Image image{300, 200, std::vector<std::uint8_t>(300 * 200 * 3)};  // 180,200 bytes of scanlines: 3 blocks
    for (std::size_t i = 0; i < image.rgb.size(); ++i) image.rgb[i] = static_cast<std::uint8_t>(i * 7);
    EXPECT_EQ(png_check::decode(encode_png(image)).rgb, image.rgb);
}

TEST(PlotPng, RejectsEmptyOrInconsistentImages) {
    EXPECT_THROW(encode_png(Image{0, 5, {}}), tapegrad::Error);
    try {
        encode_png(Image{2, 2, std::vector<std::uint8_t>(11)});
        FAIL() << "no exception";
    } catch (const tapegrad::Error& e) {
        EXPECT_STREQ(e.what(), "encode_png: 11 bytes of pixels for a 2 x 2 RGB image (expected 12)");
    }
}

TEST(PlotRaster, RectsCoverPixelsByArea) {
    Figure figure;
    figure.width = 8, figure.height = 4;
    figure.add(Rect{2, 1, 3, 2, Color{0, 0, 0}});        // whole pixels 2..4 x 1..2
    figure.add(Rect{6.5, 0, 1, 1, Color{0, 0, 0}});      // half of pixel 6 and half of pixel 7
    const auto image = rasterize(figure);
    auto red = [&](int x, int y) { return image.rgb[static_cast<std::size_t>((y * 8 + x) * 3)]; };
    EXPECT_EQ(red(2, 1), 0);
    EXPECT_EQ(red(4, 2), 0);
    EXPECT_EQ(red(5, 2), 255);
    EXPECT_EQ(red(1, 1), 255);
    EXPECT_EQ(red(6, 0), 128);
    EXPECT_EQ(red(7, 0), 128);
}

TEST(PlotRaster, DiscsLinesAndTextLeaveInk) {
    Figure figure;
    figure.width = 60, figure.height = 30;
    figure.add(Circle{10, 10, 4, Color{0, 0, 255}, Color{0, 0, 0}, 1});
    figure.add(Polyline{{{20, 25}, {55, 25}}, Color{0, 0, 0}, 2});
    figure.add(Text{20, 15, "1.5", 12, Anchor::start, Color{0, 0, 0}});
    const auto image = rasterize(figure);
    auto pixel = [&](int x, int y, int c) { return image.rgb[static_cast<std::size_t>((y * 60 + x) * 3 + c)]; };
    EXPECT_EQ(pixel(9, 9, 2), 255);   // inside the disc: blue
    EXPECT_EQ(pixel(9, 9, 0), 0);
    EXPECT_EQ(pixel(30, 24, 0), 0);   // on the line (rows 24 and 25)
    EXPECT_EQ(pixel(30, 20, 0), 255);
    int ink = 0;
    for (int y = 8; y < 15; ++y)
        for (int x = 20; x < 20 + static_cast<int>(raster_text_width("1.5", 12)); ++x) ink += pixel(x, y, 0) < 128;
    EXPECT_GT(ink, 15);
    EXPECT_EQ(raster_text_width("1.5", 12), 17);
}

TEST(PlotSvg, WritesEveryShapeAndEscapesText) {
    Figure figure;
    figure.add(Rect{0, 0, 1.25, 2, Color{1, 2, 3}});
    figure.add(Circle{1, 2, 3, Color{255, 255, 255}, Color{0, 0, 0}, 1});
    figure.add(Text{5, 6, "x < 1 & \"y\"", 12, Anchor::middle, Color{}, true, true});
    const std::string svg = to_svg(figure);
    EXPECT_EQ(svg.rfind("<?xml", 0), 0u);
    EXPECT_NE(svg.find("<rect x=\"0\" y=\"0\" width=\"1.25\" height=\"2\" fill=\"#010203\"/>"), std::string::npos);
    EXPECT_NE(svg.find("stroke=\"#000000\" stroke-width=\"1\""), std::string::npos);
    EXPECT_NE(svg.find(">x &lt; 1 &amp; &quot;y&quot;</text>"), std::string::npos);
    EXPECT_NE(svg.find("transform=\"rotate(-90 5 6)\""), std::string::npos);
    EXPECT_EQ(count(svg, "<g"), count(svg, "</g>"));
    EXPECT_EQ(svg.substr(svg.size() - 7), "</svg>\n");
}

TEST(PlotCharts, DecisionBoundaryHasShadingContourPointsAndLegend) {
    const auto plot = small_plot();
    const Figure figure = decision_boundary_figure(plot);
    const std::string svg = to_svg(figure);
    // 3 data points + 4 legend markers; title escaped.
    EXPECT_EQ(count(svg, "<circle"), 7u);
    EXPECT_NE(svg.find("a &lt; b &amp; c"), std::string::npos);
    // Each grid row is two runs (P = 0.1 left, P = 0.9 right): 12 rects, plus the background and
    // the colour bar's 20 bands.
    EXPECT_EQ(count(svg, "<rect"), 12u + 1u + 20u);
    // The P = 0.5 contour crosses each of the 5 pairs of neighbouring rows once.
    EXPECT_GE(count(svg, "stroke=\"#282828\" stroke-width=\"1.5\""), 5u);
    const auto image = png_check::decode(encode_png(rasterize(figure)));
    EXPECT_EQ(image.width, 720u);
    EXPECT_EQ(image.height, 580u);
}

TEST(PlotCharts, DecisionBoundaryRejectsBadInput) {
    auto plot = small_plot();
    plot.probability.pop_back();
    EXPECT_THROW(decision_boundary_figure(plot), tapegrad::Error);
    plot = small_plot();
    plot.probability[3] = NAN;
    EXPECT_THROW(decision_boundary_figure(plot), tapegrad::Error);
    plot = small_plot();
    plot.points[0].label = 2;
    EXPECT_THROW(decision_boundary_figure(plot), tapegrad::Error);
}

TEST(PlotCharts, LossCurveIsOnePolylineThroughEveryEpoch) {
    LossCurvePlot plot;
    plot.title = "loss";
    for (int i = 0; i < 50; ++i) plot.loss.push_back(1.0 / (1 + i));
    const std::string svg = to_svg(loss_curve_figure(plot));
    const std::regex curve("<polyline[^>]*stroke-width=\"2\"[^>]*points=\"([^\"]*)\"");
    std::smatch match;
    ASSERT_TRUE(std::regex_search(svg, match, curve));
    EXPECT_EQ(count(match[1].str(), ","), 50u);
    EXPECT_NE(svg.find(">0.0200</text>"), std::string::npos);  // the final value, marked

    EXPECT_THROW(loss_curve_figure(LossCurvePlot{}), tapegrad::Error);
    plot.loss[7] = INFINITY;
    EXPECT_THROW(loss_curve_figure(plot), tapegrad::Error);
}
