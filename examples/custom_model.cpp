// custom_model: a model written by hand from tapegrad's parts, without the estimator.
//
// A small tanh network, Linear(1, 16) -> Tanh -> Linear(16, 1), learns y = sin(x) from 64 noisy
// points. The loss is composed from autograd ops (sub, square, mean), the gradients come from
// the tape, and Adam updates the weights. Run: ./custom_model [--steps N] [--seed S]
#include <algorithm>
#include <cmath>
#include <cstdint>
#include <exception>
#include <iostream>
#include <string>

#include <CLI/CLI.hpp>
#include <fmt/format.h>

#include <tapegrad/autograd/autograd.hpp>
#include <tapegrad/nn/nn.hpp>
#include <tapegrad/optim/optim.hpp>

using namespace tapegrad;

namespace {

constexpr std::size_t kPoints = 64;
constexpr double kNoise = 0.1;

/// x: (64, 1) evenly spaced in [-3, 3]; y: (64, 1) = sin(x) + U(-0.1, 0.1) noise from `rng`.
void make_data(nn::Random& rng, Array<double>& x, Array<double>& y) {
    x = Array<double>::from_shape({kPoints, 1});
    y = Array<double>::from_shape({kPoints, 1});
    for (std::size_t i = 0; i < kPoints; ++i) {
        x(i, 0) = -3.0 + 6.0 * static_cast<double>(i) / (kPoints - 1);
        y(i, 0) = std::sin(x(i, 0)) + rng.uniform(-kNoise, kNoise);
    }
}

/// "0.coef (1, 16), 0.intercept (16,), ..."
std::string parameter_names(nn::Module<double>& model) {
    std::string names;
    for (const auto& [name, parameter] : model.named_parameters())
        names += (names.empty() ? "" : ", ") + name + " " + shape_str(parameter->value.shape());
    return names;
}

}  // namespace

int main(int argc, char** argv) try {
    CLI::App app{"custom_model: a tanh network written by hand from autograd, nn and optim, trained with Adam"};
    int steps = 2000;
    std::uint32_t seed = 0;
    app.add_option("--steps", steps, "Adam steps (full batch)")->check(CLI::Range(1, 1000000))->capture_default_str();
    app.add_option("--seed", seed, "seed of the initial weights and of the noise")->capture_default_str();
    CLI11_PARSE(app, argc, argv);

    nn::Random rng(seed);
    Array<double> x_data, y_data;
    make_data(rng, x_data, y_data);

    const int report_every = std::max(1, steps / 8);
    auto report = [&](int step, double loss, double learning_rate) {
        if (step == 1 || step % report_every == 0 || step == steps)
            fmt::print("  {:>6}  {:>12.6f}  {:>10.6f}\n", step, loss, learning_rate);
    };
    fmt::print("custom_model: a tanh network written by hand (autograd + nn + optim)\n\n");
    fmt::print("  model      Linear(1, 16) -> Tanh -> Linear(16, 1)\n");
    fmt::print("  data       {} points of y = sin(x) + U(-{}, {}) noise, x in [-3, 3]\n", kPoints, kNoise, kNoise);
    fmt::print("  loss       mean((model(x) - y)^2), composed from the ops sub, square, mean\n");
    fmt::print("  optimizer  Adam(learning_rate_init=0.01), {} full-batch steps\n\n", steps);
    fmt::print("  {:>6}  {:>12}  {:>10}\n", "step", "loss", "lr_t");

    // [readme-tour]
    nn::Sequential<double> model;  // Linear(1, 16) -> Tanh -> Linear(16, 1)
    auto& hidden = model.emplace<nn::Linear<double>>(1, 16);
    model.emplace<nn::Tanh<double>>();
    auto& output = model.emplace<nn::Linear<double>>(16, 1);
    nn::glorot_uniform(hidden, 6.0, rng);  // scikit-learn's initialisation
    nn::glorot_uniform(output, 6.0, rng);
    optim::Adam<double> adam(model.parameters(), {/*learning_rate_init=*/0.01});

    Tape<double> tape;
    for (int step = 1; step <= steps; ++step) {
        tape.clear();  // forget the last step's graph, keep its memory
        model.zero_grad();
        Var<double> x = tape.constant(x_data), y = tape.constant(y_data);
        Var<double> loss = mean(square(model(x) - y));  // a loss composed from ops
        tape.backward(loss);                            // d loss / d every parameter
        adam.step();
        report(step, loss.item(), adam.learning_rate());
    }
    // [readme-tour-end]
    fmt::print("\n  each step recorded {} nodes on the tape\n", tape.size());
    fmt::print("  parameters: {}\n", parameter_names(model));

    // The trained model on a few points, without recording a graph.
    NoGrad<double> no_grad(tape);
    tape.clear();
    Array<double> probe = Array<double>::from_shape({5, 1});
    for (std::size_t i = 0; i < 5; ++i) probe(i, 0) = -3.0 + 1.5 * static_cast<double>(i);
    const Array<double> predicted = model(tape.constant(probe)).value();
    fmt::print("\n  {:>6}  {:>10}  {:>10}\n", "x", "sin(x)", "model(x)");
    for (std::size_t i = 0; i < 5; ++i)
        fmt::print("  {:>6.2f}  {:>10.4f}  {:>10.4f}\n", probe(i, 0), std::sin(probe(i, 0)), predicted(i, 0));

    tape.clear();
    const Array<double> fitted = model(tape.constant(x_data)).value();
    double max_error = 0;
    for (std::size_t i = 0; i < kPoints; ++i)
        max_error = std::max(max_error, std::abs(fitted(i, 0) - std::sin(x_data(i, 0))));
    fmt::print("\n  max |model(x) - sin(x)| over the {} points: {:.4f}\n", kPoints, max_error);
    return 0;
} catch (const std::exception& e) {
    std::cerr << "custom_model: " << e.what() << "\n";
    return 1;
}
