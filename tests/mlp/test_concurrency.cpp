// Concurrency: estimators share no mutable state (each owns its tape, optimizer and random
// generator), so models trained at the same time on different threads come out bit for bit as
// when trained one after the other. CI also runs this binary under ThreadSanitizer (.ci/run).

#include <cstdint>
#include <thread>
#include <vector>

#include <gtest/gtest.h>

#include <tapegrad/autograd/autograd.hpp>
#include <tapegrad/mlp/mlp.hpp>
#include <tapegrad/nn/random.hpp>

namespace {

using tapegrad::Array;
using tapegrad::Shape;
using tapegrad::mlp::Labels;
using tapegrad::mlp::MLPClassifier;
using tapegrad::mlp::MLPParams;
using tapegrad::mlp::MLPRegressor;

template <class T>
Array<T> features(std::size_t n, std::uint32_t seed) {
    tapegrad::nn::Random rng(seed);
    Array<T> X = Array<T>::from_shape(Shape{n, std::size_t(3)});
    for (T& x : X) x = static_cast<T>(rng.uniform(-2, 2));
    return X;
}

Labels labels(const Array<double>& X) {
    std::vector<std::string> y;
    for (std::size_t i = 0; i < X.shape()[0]; ++i) y.push_back(X(i, 0) + X(i, 1) > 0 ? "up" : (X(i, 2) > 0 ? "side" : "down"));
    return Labels(y);
}

/// One model's whole fit: its weights and loss curve, as plain numbers.
using Result = std::vector<double>;

template <class Estimator>
Result result_of(const Estimator& estimator) {
    Result r;
    for (const auto& coef : estimator.coefs_()) r.insert(r.end(), coef.begin(), coef.end());
    for (const auto& intercept : estimator.intercepts_()) r.insert(r.end(), intercept.begin(), intercept.end());
    for (const auto loss : estimator.loss_curve_()) r.push_back(static_cast<double>(loss));
    for (const auto loss : estimator.lbfgs_losses_()) r.push_back(static_cast<double>(loss));
    return r;
}

MLPParams params(const std::string& solver, std::uint32_t seed) {
    MLPParams p;
    p.hidden_layer_sizes = {16, 8};
    p.solver = solver;
    p.max_iter = 30;
    p.random_state = seed;
    p.batch_size = 32;
    return p;
}

Result classifier_adam() {
    const Array<double> X = features<double>(200, 1);
    MLPClassifier<double> model(params("adam", 1));
    model.fit(X, labels(X));
    return result_of(model);
}

Result classifier_sgd_float() {
    const Array<float> X = features<float>(150, 2);
    MLPClassifier<float> model(params("sgd", 2));
    model.fit(X, labels(Array<double>(X)));
    return result_of(model);
}

Result regressor_lbfgs() {
    const Array<double> X = features<double>(120, 3);
    Array<double> y = Array<double>::from_shape(Shape{std::size_t(120)});
    for (std::size_t i = 0; i < 120; ++i) y(i) = X(i, 0) * X(i, 1) - X(i, 2);
    MLPRegressor<double> model(params("lbfgs", 3));
    model.fit(X, y);
    return result_of(model);
}

/// Plain tapes, no estimator: each thread records and differentiates its own graph many times.
Result tape_loop(double scale) {
    tapegrad::Tape<double> tape;
    tapegrad::Parameter<double> w(Array<double>{{0.5, -0.25}, {1.0, 0.75}});
    Result r;
    for (int step = 0; step < 200; ++step) {
        tape.clear();
        w.zero_grad();
        auto x = tape.constant(Array<double>{{scale, 1.0}, {-1.0, scale * step / 100}});
        auto loss = tapegrad::sum(tapegrad::tanh(tapegrad::matmul(x, tape.param(w))));
        tape.backward(loss);
        for (std::size_t i = 0; i < w.value.size(); ++i) w.value.data()[i] -= 0.01 * w.grad.data()[i];
        r.push_back(loss.item());
    }
    return r;
}

TEST(Concurrency, ModelsTrainedAtOnceEqualModelsTrainedInTurn) {
    using Job = Result (*)();
    const std::vector<Job> jobs = {classifier_adam, classifier_sgd_float, regressor_lbfgs, classifier_adam};
    std::vector<Result> in_turn;
    for (Job job : jobs) in_turn.push_back(job());

    std::vector<Result> at_once(jobs.size());
    std::vector<std::thread> threads;
    for (std::size_t i = 0; i < jobs.size(); ++i) threads.emplace_back([&, i] { at_once[i] = jobs[i](); });
    for (auto& thread : threads) thread.join();

    for (std::size_t i = 0; i < jobs.size(); ++i) {
        ASSERT_FALSE(in_turn[i].empty());
        EXPECT_EQ(at_once[i], in_turn[i]) << "job " << i;
    }
    EXPECT_NE(in_turn[0], in_turn[1]);  // different jobs: the comparison can tell them apart
}

TEST(Concurrency, OneTapePerThread) {
    const Result a = tape_loop(1.0), b = tape_loop(-0.5);
    Result a_threaded, b_threaded;
    std::thread first([&] { a_threaded = tape_loop(1.0); });
    std::thread second([&] { b_threaded = tape_loop(-0.5); });
    first.join();
    second.join();
    EXPECT_EQ(a_threaded, a);
    EXPECT_EQ(b_threaded, b);
    EXPECT_NE(a, b);
}

}  // namespace
