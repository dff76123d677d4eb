// The trace of the first training step: it is the estimator's own first step (same weights after
// it, bit for bit, as a fit of one step), the tape agrees with the explicit formulas, and the
// printed walk-through holds every part.

#include <algorithm>
#include <cstring>
#include <numeric>
#include <sstream>

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <tapegrad/cli/explain.hpp>
#include <tapegrad/mlp/mlp.hpp>

namespace {

using tapegrad::Array;
using tapegrad::cli::max_difference;
using tapegrad::cli::TargetKind;
using tapegrad::cli::trace_first_step;
using tapegrad::mlp::Labels;
using tapegrad::mlp::MLPParams;
using ::testing::HasSubstr;

template <class T>
Array<T> make_X(std::size_t n, std::size_t features, unsigned seed) {
    Array<T> X = Array<T>::from_shape({n, features});
    unsigned state = seed;
    for (auto& v : X) {
        state = state * 1103515245u + 12345u;
        v = static_cast<T>(static_cast<double>((state >> 8) % 20000) / 10000.0 - 1.0);
    }
    return X;
}

template <class T>
bool bitwise_equal(const std::vector<Array<T>>& a, const std::vector<Array<T>>& b) {
    if (a.size() != b.size()) return false;
    for (std::size_t i = 0; i < a.size(); ++i)
        if (a[i].shape() != b[i].shape() || std::memcmp(a[i].data(), b[i].data(), a[i].size() * sizeof(T)) != 0)
            return false;
    return true;
}

Labels two_moons_like_labels(const Array<double>& X) {
    std::vector<std::int64_t> y;
    for (std::size_t i = 0; i < X.shape()[0]; ++i) y.push_back(X(i, 0) * X(i, 0) + 0.3 * X(i, 1) > 0.3 ? 1 : 0);
    return Labels(y);
}

template <class T>
void expect_tape_matches_formulas(const tapegrad::cli::StepTrace<T>& t, double tolerance) {
    EXPECT_NEAR(static_cast<double>(t.loss), static_cast<double>(t.formulas.loss), tolerance);
    EXPECT_LT(max_difference(t.activations, t.formulas.activations), tolerance);
    EXPECT_LT(max_difference(t.deltas, t.formulas.deltas), tolerance);
    EXPECT_LT(max_difference(t.coef_grads, t.formulas.coef_grads), tolerance);
    EXPECT_LT(max_difference(t.intercept_grads, t.formulas.intercept_grads), tolerance);
}

TEST(Explain, BinaryAdamStepIsTheFitsFirstStep) {
    const Array<double> X = make_X<double>(60, 2, 1);
    const Labels y = two_moons_like_labels(X);
    MLPParams params;
    params.hidden_layer_sizes = {10};
    params.random_state = 0;
    const auto trace = trace_first_step(params, X, y);

    EXPECT_EQ(trace.layer_units, (std::vector<std::size_t>{2, 10, 1}));
    EXPECT_EQ(trace.output_activation, "logistic");
    EXPECT_EQ(trace.loss_name, "binary_log_loss");
    std::vector<std::size_t> rows = trace.batch_rows;
    std::sort(rows.begin(), rows.end());
    std::vector<std::size_t> all(60);
    std::iota(all.begin(), all.end(), std::size_t(0));
    EXPECT_EQ(rows, all);  // batch auto = 60: every row, shuffled
    EXPECT_NE(trace.batch_rows, all);
    expect_tape_matches_formulas(trace, 1e-12);
    EXPECT_EQ(trace.adam_t, 1u);

    params.max_iter = 1;  // 60 rows, batch 60: one epoch is one step
    tapegrad::mlp::MLPClassifier<double> clf(params);
    clf.fit(X, y);
    EXPECT_TRUE(bitwise_equal(trace.coefs_after, clf.coefs_()));
    EXPECT_TRUE(bitwise_equal(trace.intercepts_after, clf.intercepts_()));
    EXPECT_EQ(static_cast<double>(trace.loss), clf.loss_());
    EXPECT_TRUE(bitwise_equal(trace.first_moments, clf.adam_optimizer()->first_moments()));
    EXPECT_TRUE(bitwise_equal(trace.second_moments, clf.adam_optimizer()->second_moments()));
    EXPECT_EQ(trace.learning_rate, clf.adam_optimizer()->learning_rate());
}

TEST(Explain, MulticlassSgdWithEarlyStoppingIsTheFitsFirstStep) {
    const Array<double> X = make_X<double>(50, 3, 2);
    std::vector<std::string> labels;
    for (std::size_t i = 0; i < 50; ++i) labels.push_back(X(i, 0) > 0.3 ? "high" : X(i, 0) < -0.3 ? "low" : "mid");
    MLPParams params;
    params.hidden_layer_sizes = {6, 4};
    params.activation = "tanh";
    params.solver = "sgd";
    params.learning_rate_init = 0.1;
    params.early_stopping = true;
    params.batch_size = 500;  // clipped to the 45 training rows: one step an epoch
    params.random_state = 5;
    const auto trace = trace_first_step(params, X, Labels(labels));
    EXPECT_EQ(trace.output_activation, "softmax");
    EXPECT_EQ(trace.batch_rows.size(), 45u);
    expect_tape_matches_formulas(trace, 1e-12);

    params.max_iter = 1;
    tapegrad::mlp::MLPClassifier<double> clf(params);
    clf.fit(X, Labels(labels));
    EXPECT_TRUE(bitwise_equal(trace.coefs_after, clf.coefs_()));
    EXPECT_TRUE(bitwise_equal(trace.velocities, clf.sgd_optimizer()->velocities()));
}

TEST(Explain, RegressionWithInitialWeights) {
    const Array<double> X = make_X<double>(30, 2, 3);
    Array<double> Y = Array<double>::from_shape({30, 2});
    for (std::size_t i = 0; i < 30; ++i) {
        Y(i, 0) = X(i, 0) - X(i, 1);
        Y(i, 1) = X(i, 0) * X(i, 1);
    }
    tapegrad::cli::InitialWeights<double> initial;
    initial.coefs = {make_X<double>(2, 4, 8), make_X<double>(4, 2, 9)};
    initial.intercepts = {Array<double>{0.1, 0.2, 0.3, 0.4}, Array<double>{-0.5, 0.5}};
    MLPParams params;
    params.hidden_layer_sizes = {4};
    params.random_state = 1;
    params.shuffle = false;
    const auto trace = trace_first_step(params, X, Y, TargetKind::regression, initial);
    EXPECT_EQ(trace.output_activation, "identity");
    EXPECT_TRUE(bitwise_equal(trace.coefs_before, initial.coefs));
    std::vector<std::size_t> in_order(30);
    std::iota(in_order.begin(), in_order.end(), std::size_t(0));
    EXPECT_EQ(trace.batch_rows, in_order);
    expect_tape_matches_formulas(trace, 1e-12);

    params.max_iter = 1;
    tapegrad::mlp::MLPRegressor<double> reg(params);
    reg.set_initial_weights(initial.coefs, initial.intercepts);
    reg.fit(X, Y);
    EXPECT_TRUE(bitwise_equal(trace.coefs_after, reg.coefs_()));
}

TEST(Explain, MultilabelLbfgsHasNoUpdateButEveryGradient) {
    const Array<double> X = make_X<double>(20, 3, 4);
    Array<double> Y = Array<double>::from_shape({20, 3});
    for (std::size_t i = 0; i < 20; ++i)
        for (std::size_t j = 0; j < 3; ++j) Y(i, j) = X(i, j) > 0;
    MLPParams params;
    params.hidden_layer_sizes = {5};
    params.solver = "lbfgs";
    params.random_state = 2;
    const auto trace = trace_first_step(params, X, Y, TargetKind::multilabel);
    EXPECT_EQ(trace.batch_rows.size(), 20u);
    EXPECT_TRUE(trace.coefs_after.empty());
    expect_tape_matches_formulas(trace, 1e-12);
    std::ostringstream out;
    tapegrad::cli::print_trace(out, trace);
    EXPECT_THAT(out.str(), HasSubstr("== Update: lbfgs =="));
    EXPECT_THAT(out.str(), HasSubstr("multilabel: 3 independent 0/1 labels -> 3 logistic units"));
}

TEST(Explain, FloatTraceAgreesWithinFloatPrecision) {
    const Array<float> X = make_X<float>(40, 2, 6);
    std::vector<std::int64_t> y;
    for (std::size_t i = 0; i < 40; ++i) y.push_back(X(i, 0) > 0 ? 1 : 0);
    MLPParams params;
    params.hidden_layer_sizes = {8};
    params.random_state = 4;
    const auto trace = trace_first_step(params, X, Labels(y));
    expect_tape_matches_formulas(trace, 1e-5);
}

TEST(Explain, PrintedWalkThroughIsShortAndComplete) {
    const Array<double> X = make_X<double>(60, 2, 1);
    MLPParams params;  // the example's: hidden (100,), relu, adam
    params.random_state = 0;
    const auto trace = trace_first_step(params, X, two_moons_like_labels(X));
    std::ostringstream out;
    tapegrad::cli::print_trace(out, trace);
    const std::string text = out.str();
    for (const char* part : {"== The network ==", "layer_units           [2, 100, 1]", "coefs_[1]             (100, 1)",
                             "intercepts_[0]  (100,)", "binary: 2 classes [0 1] -> ONE logistic unit, p = P(y = 1)",
                             "a[1] relu", "a[2] logistic", "+ L2 0.5 * alpha * sum(coefs^2) / rows", "= loss (tape)",
                             "deltas[0]", "coef_grads[1]", "intercept_grads[0]", "max |tape - formula|",
                             "== Update: adam, step t = 1 ==", "lr_t = learning_rate_init", "m coefs_[0]",
                             "v intercepts_[1]", "update coefs_[0]"})
        EXPECT_THAT(text, HasSubstr(part));
    EXPECT_LE(std::count(text.begin(), text.end(), '\n'), 60);
}

TEST(Explain, BadTargetsAreErrors) {
    const Array<double> X = make_X<double>(10, 2, 1);
    MLPParams params;
    params.random_state = 0;
    EXPECT_THROW(trace_first_step(params, X, Labels(std::vector<std::int64_t>(10, 3))), tapegrad::Error);
    EXPECT_THROW(trace_first_step(params, X, Labels(std::vector<std::int64_t>(9, 3))), tapegrad::Error);
    params.alpha = -1;
    EXPECT_THROW(trace_first_step(params, X, Labels(std::vector<std::int64_t>{0, 1, 0, 1, 0, 1, 0, 1, 0, 1})),
                 tapegrad::mlp::InvalidParameter);
}

}  // namespace
