// mlp_moons: scikit-learn's MLPClassifier on the two moons, step by step.
//
//   1. the network: layer_units [2, 100, 1], the shapes of coefs_ / intercepts_, the output
//      activation and why;
//   2. one training step traced: activations, loss with its L2 term, deltas, coef_grads and
//      intercept_grads as the tape computed them beside the explicit formulas, then Adam's update;
//   3. training: the loss per epoch, the final loss, train and test accuracy;
//   4. pictures: the decision boundary (SVG and PNG), the loss curve (SVG and PNG), and the graph
//      the tape records for one batch (Graphviz DOT).
//
// Run: ./mlp_moons [--out DIR] [--data-dir DIR] [--full]
#include <algorithm>
#include <exception>
#include <iostream>
#include <sstream>
#include <string>
#include <vector>

#include <CLI/CLI.hpp>
#include <fmt/format.h>

#include <tapegrad/autograd/dot.hpp>
#include <tapegrad/cli/explain.hpp>
#include <tapegrad/mlp/mlp.hpp>
#include <tapegrad/mlp/network.hpp>

#include "common/data.hpp"
#include "plot/charts.hpp"
#include "plot/png.hpp"
#include "plot/raster.hpp"
#include "plot/svg.hpp"

using namespace tapegrad;

namespace {

/// A section header in the style of the trace's: "== Training ==".
void section(const std::string& title) { fmt::print("\n== {} ==\n", title); }

/// The epochs shown in the training table: the first, the last, and between them every
/// `step`-th, or (step 0) about six at round numbers.
std::vector<std::size_t> shown_epochs(std::size_t n_epochs, std::size_t step) {
    std::vector<std::size_t> epochs{1};
    if (n_epochs < 2) return epochs;
    std::vector<double> between;
    if (step == 0)
        between = plot::nice_ticks(1, static_cast<double>(n_epochs));
    else
        for (std::size_t e = step; e < n_epochs; e += step) between.push_back(static_cast<double>(e));
    for (double e : between)
        if (e > 1 && e < static_cast<double>(n_epochs)) epochs.push_back(static_cast<std::size_t>(e));
    epochs.push_back(n_epochs);
    return epochs;
}

/// The decision boundary: P(class 1) on a grid over the data (padded by 0.5, as scikit-learn's
/// classifier comparison does), the training and test points.
plot::Figure decision_boundary(const mlp::MLPClassifier<double>& clf, const examples::LabeledData& train,
                               const examples::LabeledData& test, const std::string& subtitle) {
    plot::DecisionBoundaryPlot picture;
    picture.title = "MLPClassifier on the two moons";
    picture.subtitle = subtitle;
    picture.x_label = train.feature_names.at(0);
    picture.y_label = train.feature_names.at(1);
    picture.x_min = picture.x_max = train.X(0, 0);
    picture.y_min = picture.y_max = train.X(0, 1);
    for (const auto* data : {&train, &test})
        for (std::size_t i = 0; i < data->X.shape()[0]; ++i) {
            picture.x_min = std::min(picture.x_min, data->X(i, 0)), picture.x_max = std::max(picture.x_max, data->X(i, 0));
            picture.y_min = std::min(picture.y_min, data->X(i, 1)), picture.y_max = std::max(picture.y_max, data->X(i, 1));
        }
    picture.x_min -= 0.5, picture.x_max += 0.5, picture.y_min -= 0.5, picture.y_max += 0.5;
    picture.columns = 160;
    picture.rows = 150;

    const std::vector<double> centres = plot::grid_cell_centres(picture);
    Array<double> grid = Array<double>::from_shape({centres.size() / 2, 2});
    std::copy(centres.begin(), centres.end(), grid.begin());
    const Array<double> proba = clf.predict_proba(grid);  // (cells, 2): [P(class 0), P(class 1)]
    for (std::size_t i = 0; i < proba.shape()[0]; ++i) picture.probability.push_back(proba(i, 1));

    const auto& classes = clf.classes_().integers();
    auto class_index = [&classes](std::int64_t label) {
        return static_cast<int>(std::find(classes.begin(), classes.end(), label) - classes.begin());
    };
    for (const auto* data : {&train, &test})
        for (std::size_t i = 0; i < data->X.shape()[0]; ++i)
            picture.points.push_back({data->X(i, 0), data->X(i, 1), class_index(data->y.integers()[i]), data == &test});
    picture.class_names = {"class " + clf.classes_().to_string(0), "class " + clf.classes_().to_string(1)};
    return plot::decision_boundary_figure(picture);
}

/// The graph the estimator's network records for one batch (the whole training set), as DOT.
std::string network_graph_dot(const mlp::MLPClassifier<double>& clf, const std::vector<std::size_t>& layer_units,
                              const examples::LabeledData& train) {
    mlp::Network<double> network(layer_units, nn::parse_activation(clf.params().activation),
                                 mlp::OutputActivation::logistic);
    network.set_weights(clf.coefs_(), clf.intercepts_());
    Array<double> targets = Array<double>::from_shape({train.X.shape()[0], 1});
    for (std::size_t i = 0; i < targets.size(); ++i) targets(i, 0) = clf.classes_().integers()[1] == train.y.integers()[i];
    network.loss_and_gradients(train.X, targets, clf.params().alpha);
    std::ostringstream dot;
    write_dot(network.tape(), dot);
    return dot.str();
}

}  // namespace

int main(int argc, char** argv) try {
    CLI::App app{"mlp_moons: scikit-learn's MLPClassifier on the two moons, one training step traced, pictures"};
    std::string out_dir = "mlp_moons_output", data_dir;
    bool full = false;
    app.add_option("--out", out_dir, "folder for the pictures and the DOT graph")->capture_default_str();
    app.add_option("--data-dir", data_dir, "folder holding moons_train.csv and moons_test.csv")
        ->default_str(TAPEGRAD_EXAMPLES_DATA_DIR);
    app.add_flag("--full", full, "show more entries of every array, and every 50th epoch");
    CLI11_PARSE(app, argc, argv);

    const auto train = examples::read_labeled_csv(examples::data_path(data_dir, "moons_train.csv"));
    const auto test = examples::read_labeled_csv(examples::data_path(data_dir, "moons_test.csv"));
    for (const auto* data : {&train, &test})
        if (data->X.shape()[1] != 2)
            throw Error(fmt::format("{}: {} feature columns; the two moons have 2 (x0, x1) and a label", data->path,
                                    data->X.shape()[1]));

    mlp::MLPParams params;  // scikit-learn's defaults: hidden (100,), relu, adam, alpha 1e-4, lr 1e-3
    params.random_state = 0;
    params.max_iter = 2000;
    fmt::print("mlp_moons: MLPClassifier(hidden_layer_sizes=(100,), activation='relu', solver='adam',\n"
               "                         random_state=0, max_iter=2000) on the two moons\n");
    fmt::print("  data   {} ({} rows x {} features), {} ({} rows)\n\n", examples::display_path(train.path),
               train.X.shape()[0], train.X.shape()[1], examples::display_path(test.path), test.X.shape()[0]);

    // 1 and 2: the first training step, as fit takes it, beside the explicit formulas.
    const cli::StepTrace<double> trace = cli::trace_first_step<double>(params, train.X, train.y);
    cli::TraceFormat format;
    format.entries = full ? 8 : 3;
    cli::print_trace(std::cout, trace, format);

    // 3: training.
    section("Training");
    mlp::MLPClassifier<double> clf(params);
    clf.fit(train.X, train.y);
    const auto& curve = clf.loss_curve_();
    fmt::print("  {:>6}  {:>10}\n", "epoch", "loss");
    for (std::size_t epoch : shown_epochs(curve.size(), full ? 50 : 0))
        fmt::print("  {:>6}  {:>10.6f}\n", epoch, curve[epoch - 1]);
    fmt::print("  stopped after {} epochs: {} (tol {} for {} epochs)\n", clf.n_iter_(),
               mlp::to_string(clf.stop_reason_()), params.tol, params.n_iter_no_change);
    fmt::print("  final loss        {:.6f}\n", clf.loss_());
    const std::string train_accuracy = examples::accuracy_text(train.y, clf.predict(train.X));
    const std::string test_accuracy = examples::accuracy_text(test.y, clf.predict(test.X));
    fmt::print("  train accuracy    {}\n", train_accuracy);
    fmt::print("  test accuracy     {}\n", test_accuracy);

    // 4: pictures.
    section("Pictures");
    const std::string subtitle = fmt::format("hidden (100,), relu, adam, {} epochs; train {}, test {}", clf.n_iter_(),
                                             train_accuracy.substr(train_accuracy.find('=') + 2),
                                             test_accuracy.substr(test_accuracy.find('=') + 2));
    const plot::Figure boundary = decision_boundary(clf, train, test, subtitle);
    plot::LossCurvePlot loss_plot;
    loss_plot.title = "Training loss of MLPClassifier on the two moons";
    loss_plot.subtitle = fmt::format("binary log loss + L2 term (alpha = {}), one value per epoch", params.alpha);
    loss_plot.loss.assign(curve.begin(), curve.end());
    const plot::Figure loss_figure = plot::loss_curve_figure(loss_plot);

    const std::vector<std::pair<std::string, std::string>> files{
        {"decision_boundary.svg", plot::to_svg(boundary)},
        {"decision_boundary.png", plot::encode_png(plot::rasterize(boundary))},
        {"loss_curve.svg", plot::to_svg(loss_figure)},
        {"loss_curve.png", plot::encode_png(plot::rasterize(loss_figure))},
        {"tape.dot", network_graph_dot(clf, trace.layer_units, train)},
    };
    for (const auto& [name, bytes] : files) fmt::print("  wrote {}\n", examples::write_output(out_dir, name, bytes));
    fmt::print("  render the graph with: dot -Tsvg {}/tape.dot -o tape.svg\n", out_dir);
    return 0;
} catch (const std::exception& e) {
    std::cerr << "mlp_moons: " << e.what() << "\n";
    return 1;
}
