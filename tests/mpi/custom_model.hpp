#pragma once
// A model of the user's own trained data-parallel through optim::GradientAllreduce (the C++
// interface without the estimators), and the same model trained by the plain one-process loop.
//
// Linear(3, 8) -> Tanh -> Linear(8, 2) on 50 rows of made-up data; Adam or SGD (Nesterov) over
// minibatches of 16 rows (the last one of 2), shuffled each epoch by nn::Random(7) - the same
// batches on every rank.

#include <cmath>
#include <cstddef>
#include <memory>
#include <numeric>
#include <string>
#include <vector>

#include <tapegrad/autograd/autograd.hpp>
#include <tapegrad/nn/nn.hpp>
#include <tapegrad/optim/optim.hpp>

namespace mpi_test {

using namespace tapegrad;

/// What a fit leaves: the loss of every epoch and the final parameters (in order).
struct Fitted {
    std::vector<double> losses;
    std::vector<Array<double>> weights;
};

constexpr std::size_t kRows = 50, kBatch = 16;

/// x (50, 3) uniform in (-1, 1), y (50, 2) a smooth function of x: identical on every rank.
inline void make_regression_data(Array<double>& x, Array<double>& y) {
    nn::Random rng(3);
    x = Array<double>::from_shape({kRows, 3});
    y = Array<double>::from_shape({kRows, 2});
    for (double& v : x) v = rng.uniform(-1, 1);
    for (std::size_t i = 0; i < kRows; ++i) {
        y(i, 0) = std::sin(2 * x(i, 0)) + x(i, 1) * x(i, 2);
        y(i, 1) = std::cos(x(i, 1)) - 0.5 * x(i, 0);
    }
}

/// Rows `rows[0 .. count)` of a 2-D array.
inline Array<double> take(const Array<double>& a, const std::size_t* rows, std::size_t count) {
    const std::size_t width = a.shape()[1];
    Array<double> out = Array<double>::from_shape({count, width});
    for (std::size_t i = 0; i < count; ++i)
        std::copy(a.data() + rows[i] * width, a.data() + (rows[i] + 1) * width, out.data() + i * width);
    return out;
}

/// Rows [begin, end) of a 2-D array.
inline Array<double> take_rows_range(const Array<double>& a, std::size_t begin, std::size_t end) {
    const std::size_t width = a.shape()[1];
    Array<double> out = Array<double>::from_shape({end - begin, width});
    std::copy(a.data() + begin * width, a.data() + end * width, out.data());
    return out;
}

struct CustomModel {
    nn::Sequential<double> net;
    CustomModel() {
        nn::Random rng(11);
        auto& hidden = net.emplace<nn::Linear<double>>(3, 8);
        net.emplace<nn::Tanh<double>>();
        auto& output = net.emplace<nn::Linear<double>>(8, 2);
        nn::glorot_uniform(hidden, 6.0, rng);
        nn::glorot_uniform(output, 6.0, rng);
    }
};

/// Either optimizer behind one step().
struct Optimizer {
    std::unique_ptr<optim::Adam<double>> adam;
    std::unique_ptr<optim::SGD<double>> sgd;
    Optimizer(const std::string& name, std::vector<Parameter<double>*> params) {
        if (name == "adam") adam = std::make_unique<optim::Adam<double>>(params, optim::AdamOptions{0.01});
        else sgd = std::make_unique<optim::SGD<double>>(params, optim::SGDOptions{0.05});
    }
    void step() { adam ? adam->step() : sgd->step(); }
};

/// comm == nullptr: the plain loop, loss = mean over the batch's rows of sum((f(x) - y)^2).
/// Otherwise the data-parallel loop: each rank's loss is the SUM over its share of the batch,
/// GradientAllreduce::mean makes it the batch mean on every rank.
inline Fitted train_custom_model(const std::shared_ptr<optim::Communicator>& comm, const std::string& optimizer,
                                 int epochs) {
    Array<double> x_all, y_all;
    make_regression_data(x_all, y_all);
    CustomModel model;
    Optimizer opt(optimizer, model.net.parameters());
    std::unique_ptr<optim::GradientAllreduce<double>> reduce;
    if (comm) reduce = std::make_unique<optim::GradientAllreduce<double>>(comm, model.net.parameters());

    nn::Random shuffle_rng(7);
    std::vector<std::size_t> order(kRows);
    std::iota(order.begin(), order.end(), std::size_t(0));
    Tape<double> tape;
    // The sum over the given rows of sum((f(x) - y)^2, over the outputs), with its gradient.
    auto loss_sum = [&](const std::size_t* rows, std::size_t count) {
        model.net.zero_grad();
        if (count == 0) return 0.0;
        tape.clear();
        Var<double> x = tape.constant(take(x_all, rows, count)), y = tape.constant(take(y_all, rows, count));
        Var<double> loss = sum(square(model.net(x) - y));
        tape.backward(loss);
        return loss.item();
    };

    Fitted fitted;
    for (int epoch = 0; epoch < epochs; ++epoch) {
        shuffle_rng.shuffle(order.begin(), order.end());
        double epoch_loss = 0;
        for (std::size_t start = 0; start < kRows; start += kBatch) {
            const std::size_t count = std::min(kBatch, kRows - start);
            const std::size_t* batch = order.data() + start;
            double loss;
            if (!comm) {
                tape.clear();
                model.net.zero_grad();
                Var<double> x = tape.constant(take(x_all, batch, count)), y = tape.constant(take(y_all, batch, count));
                Var<double> mean_loss = div_scalar(sum(square(model.net(x) - y)), static_cast<double>(count));
                tape.backward(mean_loss);
                loss = mean_loss.item();
            } else {
                const optim::RowRange mine = optim::share_of_rows(count, comm->rank(), comm->size());
                loss = reduce->mean(count, [&] { return loss_sum(batch + mine.begin, mine.size()); });
            }
            opt.step();
            epoch_loss += loss * static_cast<double>(count);
        }
        fitted.losses.push_back(epoch_loss / kRows);
    }
    for (Parameter<double>* p : model.net.parameters()) fitted.weights.push_back(p->value);
    return fitted;
}

}  // namespace mpi_test
