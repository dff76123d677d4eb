#pragma once
/// The two pictures of the examples, as Figures: a classifier's decision boundary with its
/// probability shading and the data points, and a training loss curve. Both have axes with ticks.

#include <cstddef>
#include <string>
#include <vector>

#include "figure.hpp"

namespace tapegrad::plot {

/// About `target` "nice" tick positions (multiples of 1, 2 or 5 times a power of ten) inside
/// [lo, hi]. Throws tapegrad::Error unless lo < hi, both finite.
std::vector<double> nice_ticks(double lo, double hi, int target = 6);
/// `value` with as many decimals as the tick step needs: step 0.5 -> "1.5", step 10 -> "20".
std::string tick_label(double value, double step);

/// A rectangle of the figure (pixels) showing the data range [x_min, x_max] x [y_min, y_max].
struct PlotArea {
    double left = 0, top = 0, width = 0, height = 0;
    double x_min = 0, x_max = 1, y_min = 0, y_max = 1;
    double px(double x) const { return left + (x - x_min) / (x_max - x_min) * width; }
    double py(double y) const { return top + (y_max - y) / (y_max - y_min) * height; }
};

/// The frame of `area`, outward ticks with labels, and the axis labels.
void draw_axes(Figure& figure, const PlotArea& area, const std::vector<double>& x_ticks,
               const std::vector<double>& y_ticks, const std::string& x_label, const std::string& y_label);

/// A data point of a binary classification problem.
struct LabeledPoint {
    double x = 0, y = 0;
    int label = 0;          ///< 0 or 1
    bool held_out = false;  ///< a test point (drawn lighter)
};

/// A binary classifier's view of the plane. The grid has `columns` x `rows` cells covering
/// [x_min, x_max] x [y_min, y_max]; `probability[r * columns + c]` is P(class 1) at the centre of
/// cell (c, r), r counted from the bottom (y_min) up: see `grid_cell_centres`.
struct DecisionBoundaryPlot {
    std::string title, subtitle;
    std::string x_label = "x0", y_label = "x1";
    double x_min = 0, x_max = 1, y_min = 0, y_max = 1;
    std::size_t columns = 0, rows = 0;
    std::vector<double> probability;
    std::vector<LabeledPoint> points;
    std::vector<std::string> class_names{"class 0", "class 1"};
};

/// The centres of the plot's grid cells, in the order of `probability`: (rows * columns) pairs
/// (x, y) flattened as x0, y0, x1, y1, ...
std::vector<double> grid_cell_centres(const DecisionBoundaryPlot& plot);

/// Shading by P(class 1) in 20 bands (red for class 0, white at 0.5, blue for class 1), the
/// P = 0.5 contour, the points (training points solid, test points light), a colour bar and a
/// legend. Throws tapegrad::Error if the probabilities do not fill the grid or are not in [0, 1].
Figure decision_boundary_figure(const DecisionBoundaryPlot& plot);

/// Loss per epoch (epoch 1 first).
struct LossCurvePlot {
    std::string title, subtitle;
    std::vector<double> loss;
    std::string x_label = "epoch", y_label = "loss";
};

/// A polyline of the loss over the epochs, light horizontal grid lines, the final value marked.
/// Throws tapegrad::Error for an empty curve or a non-finite value.
Figure loss_curve_figure(const LossCurvePlot& plot);

}  // namespace tapegrad::plot
