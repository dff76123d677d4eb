// digits: multiclass MLPClassifier on the 8x8 hand-written digits, its accuracy and confusion
// matrix.
//
// 1797 images of 64 pixels (0..16, scaled to [0, 1]) are split 75 / 25 into train and test by a
// permutation drawn like numpy's RandomState(0).permutation. Ten classes: the output layer is a
// softmax over 10 units and the loss is log_loss.
//
// Run: ./digits [--data-dir DIR] [--max-iter N]
#include <algorithm>
#include <chrono>
#include <cstdint>
#include <exception>
#include <iostream>
#include <string>
#include <vector>

#include <CLI/CLI.hpp>
#include <fmt/format.h>

#include <tapegrad/mlp/mlp.hpp>
#include <tapegrad/nn/random.hpp>

#include "common/data.hpp"

using namespace tapegrad;

namespace {

struct Split {
    Array<double> X_train, X_test;
    std::vector<std::int64_t> y_train, y_test;
};

/// The first `n_train` rows of a random permutation train, the rest test; pixels scaled by 1/16.
Split split_and_scale(const examples::LabeledData& data, std::size_t n_train, std::uint32_t seed) {
    const std::size_t n = data.X.shape()[0], n_features = data.X.shape()[1];
    const std::vector<std::size_t> order = nn::Random(seed).permutation(n);
    Split split;
    split.X_train = Array<double>::from_shape({n_train, n_features});
    split.X_test = Array<double>::from_shape({n - n_train, n_features});
    for (std::size_t k = 0; k < n; ++k) {
        Array<double>& X = k < n_train ? split.X_train : split.X_test;
        const std::size_t row = k < n_train ? k : k - n_train;
        for (std::size_t j = 0; j < n_features; ++j) X(row, j) = data.X(order[k], j) / 16.0;
        (k < n_train ? split.y_train : split.y_test).push_back(data.y.integers()[order[k]]);
    }
    return split;
}

/// One 8x8 image as text, darker characters for more ink.
void print_image(const Array<double>& X, std::size_t row, const std::string& caption) {
    static const char* shades = " .:-=+*#%@";
    fmt::print("  {}\n", caption);
    for (std::size_t r = 0; r < 8; ++r) {
        std::string line;
        for (std::size_t c = 0; c < 8; ++c) {
            const auto level = static_cast<std::size_t>(X(row, r * 8 + c) * 9.0 + 0.5);
            line += std::string(2, shades[std::min<std::size_t>(level, 9)]);
        }
        fmt::print("    |{}|\n", line);
    }
}

}  // namespace

int main(int argc, char** argv) try {
    CLI::App app{"digits: multiclass MLPClassifier on the 8x8 hand-written digits, accuracy and confusion matrix"};
    std::string data_dir;
    std::size_t max_iter = 500;
    app.add_option("--data-dir", data_dir, "folder holding digits.csv")->default_str(TAPEGRAD_EXAMPLES_DATA_DIR);
    app.add_option("--max-iter", max_iter, "maximum number of epochs")->check(CLI::Range(1, 100000))->capture_default_str();
    CLI11_PARSE(app, argc, argv);

    const auto data = examples::read_labeled_csv(examples::data_path(data_dir, "digits.csv"));
    const std::size_t n = data.X.shape()[0];
    const std::size_t n_train = n * 3 / 4;
    const Split split = split_and_scale(data, n_train, 0);

    mlp::MLPParams params;  // scikit-learn's defaults: hidden (100,), relu, adam, batch_size min(200, n)
    params.random_state = 0;
    params.max_iter = max_iter;
    fmt::print("digits: MLPClassifier(hidden_layer_sizes=(100,), random_state=0, max_iter={})\n", max_iter);
    fmt::print("  data   {}: {} images x {} pixels (0..16, scaled to [0, 1])\n", examples::display_path(data.path), n, data.X.shape()[1]);
    fmt::print("  split  {} train / {} test rows (RandomState(0).permutation)\n\n", n_train, n - n_train);

    mlp::MLPClassifier<double> clf(params);
    const auto start = std::chrono::steady_clock::now();
    clf.fit(split.X_train, split.y_train);
    const double seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
    const std::size_t n_classes = clf.classes_().size();
    fmt::print("  network      layer_units [{}, 100, {}], output {} (multiclass: one unit per class)\n",
               clf.n_features_in_(), clf.n_outputs_(), clf.out_activation_());
    fmt::print("  training     {} epochs ({}), final loss {:.6f}, {:.2f} s\n", clf.n_iter_(),
               mlp::to_string(clf.stop_reason_()), clf.loss_(), seconds);

    const mlp::Labels predicted_train = clf.predict(split.X_train);
    const mlp::Labels predicted = clf.predict(split.X_test);
    fmt::print("  accuracy     train {}, test {}\n\n",
               examples::accuracy_text(mlp::Labels(split.y_train), predicted_train),
               examples::accuracy_text(mlp::Labels(split.y_test), predicted));

    // Confusion matrix: rows the true digit, columns the predicted one.
    const auto& classes = clf.classes_().integers();
    auto index_of = [&classes](std::int64_t label) {
        return static_cast<std::size_t>(std::find(classes.begin(), classes.end(), label) - classes.begin());
    };
    std::vector<std::vector<std::size_t>> confusion(n_classes, std::vector<std::size_t>(n_classes, 0));
    for (std::size_t i = 0; i < split.y_test.size(); ++i)
        ++confusion[index_of(split.y_test[i])][index_of(predicted.integers()[i])];
    fmt::print("  confusion matrix on the test set (rows: true digit, columns: predicted)\n");
    fmt::print("  {:>6} ", "");
    for (std::size_t c = 0; c < n_classes; ++c) fmt::print("{:>4}", classes[c]);
    fmt::print("  {:>7}\n", "recall");
    for (std::size_t r = 0; r < n_classes; ++r) {
        std::size_t row_total = 0;
        fmt::print("  {:>6} ", classes[r]);
        for (std::size_t c = 0; c < n_classes; ++c) {
            row_total += confusion[r][c];
            fmt::print("{:>4}", confusion[r][c] == 0 && r != c ? std::string(".") : std::to_string(confusion[r][c]));
        }
        fmt::print("  {:>7.3f}\n", row_total ? static_cast<double>(confusion[r][r]) / static_cast<double>(row_total) : 0.0);
    }

    // The first mistake, drawn.
    for (std::size_t i = 0; i < split.y_test.size(); ++i)
        if (predicted.integers()[i] != split.y_test[i]) {
            Array<double> image = Array<double>::from_shape({1, split.X_test.shape()[1]});
            for (std::size_t j = 0; j < image.size(); ++j) image(0, j) = split.X_test(i, j);
            const Array<double> proba = clf.predict_proba(image);
            fmt::print("\n");
            print_image(split.X_test, i,
                        fmt::format("a mistake: test row {}, a {} predicted as {} (P = {:.2f}; P({}) = {:.2f})", i,
                                    split.y_test[i], predicted.integers()[i], proba(0, index_of(predicted.integers()[i])),
                                    split.y_test[i], proba(0, index_of(split.y_test[i]))));
            break;
        }
    return 0;
} catch (const std::exception& e) {
    std::cerr << "digits: " << e.what() << "\n";
    return 1;
}
