// The oracle (mlp/explicit_backprop) against scikit-learn's own `_backprop`: for every hidden
// activation x output kind x depth 1-3 x alpha, the loss, every coef_grad and every
// intercept_grad equal sklearn's numbers to 1e-12 relative (double). Plus its errors, its buffer
// reuse, and sklearn's multi-output squared-loss quirk checked by finite differences.

#include <gtest/gtest.h>

#include <xtensor/xview.hpp>

#include <tapegrad/mlp/explicit_backprop.hpp>

#include "fixtures/sklearn_fixture.hpp"

namespace tapegrad::test {
namespace {

using mlp::explicit_backprop;
using mlp::explicit_forward;
using mlp::ExplicitBackprop;
using mlp::ExplicitMLP;

constexpr double kRelativeTolerance = 1e-12;

// ---- against sklearn, one test per fixture ------------------------------------------------------

class ExplicitBackpropVsSklearn : public ::testing::TestWithParam<std::string> {};

TEST_P(ExplicitBackpropVsSklearn, LossAndGradientsEqualSklearn) {
    const json fixture = load_fixture("backprop", GetParam());
    const ExplicitMLP<double> model = explicit_model<double>(fixture);
    const Array<double> X = to_array<double>(fixture.at("X"));
    const Array<double> Y = to_array<double>(fixture.at("Y"));
    const ExplicitBackprop<double> result = explicit_backprop(model, X, Y);

    const double expected_loss = fixture.at("loss_value").get<double>();
    EXPECT_TRUE(relative_error_at_most(result.loss, expected_loss, kRelativeTolerance))
        << "loss " << result.loss << " vs sklearn " << expected_loss;
    const auto coef_grads = to_arrays<double>(fixture.at("coef_grads"));
    const auto intercept_grads = to_arrays<double>(fixture.at("intercept_grads"));
    ASSERT_EQ(result.coef_grads.size(), coef_grads.size());
    ASSERT_EQ(result.intercept_grads.size(), intercept_grads.size());
    for (std::size_t i = 0; i < coef_grads.size(); ++i) {
        EXPECT_TRUE(all_close_relative("coef_grads[" + std::to_string(i) + "]", result.coef_grads[i], coef_grads[i],
                                       kRelativeTolerance));
        EXPECT_TRUE(all_close_relative("intercept_grads[" + std::to_string(i) + "]", result.intercept_grads[i],
                                       intercept_grads[i], kRelativeTolerance));
    }
}

/// float: the same numbers to single precision: 1e-5 of the largest element of each array plus
/// 1e-7 (the smallest gradients are cancellations of O(1) terms, each off by ~6e-8).
TEST_P(ExplicitBackpropVsSklearn, FloatMatchesSklearnToSinglePrecision) {
    const json fixture = load_fixture("backprop", GetParam());
    const ExplicitMLP<float> model = explicit_model<float>(fixture);
    const ExplicitBackprop<float> result =
        explicit_backprop(model, to_array<float>(fixture.at("X")), to_array<float>(fixture.at("Y")));
    const double expected_loss = fixture.at("loss_value").get<double>();
    EXPECT_NEAR(result.loss, expected_loss, 1e-5 * std::abs(expected_loss));
    const auto coef_grads = to_arrays<double>(fixture.at("coef_grads"));
    const auto intercept_grads = to_arrays<double>(fixture.at("intercept_grads"));
    for (std::size_t i = 0; i < coef_grads.size(); ++i) {
        EXPECT_TRUE(all_close_to_scale("coef_grads[" + std::to_string(i) + "]", result.coef_grads[i],
                                       coef_grads[i], 1e-5, 1e-7));
        EXPECT_TRUE(all_close_to_scale("intercept_grads[" + std::to_string(i) + "]", result.intercept_grads[i],
                                       intercept_grads[i], 1e-5, 1e-7));
    }
}

INSTANTIATE_TEST_SUITE_P(Fixture, ExplicitBackpropVsSklearn, ::testing::ValuesIn(fixture_names("backprop")),
                         [](const auto& info) { return test_name(info.param); });

TEST(ExplicitBackpropFixtures, IndexListsEveryConfiguration) {
    // 4 hidden activations x 5 output kinds x 3 depths x 2 alphas
    const json index = load_json(fixture_dir() + "/index.json");
    EXPECT_EQ(index.at("backprop").size(), 120u);
    EXPECT_EQ(index.at("sklearn").get<std::string>(), "1.2.1");
}

// ---- the oracle's own behaviour -------------------------------------------------------------------

/// A depth-2 multiclass fixture (tanh hidden layers, softmax output, alpha 1e-2).
ExplicitMLP<double> sample_model(Array<double>& X, Array<double>& Y, const std::string& name = "tanh_multiclass_depth2_alpha1e-2") {
    const json fixture = load_fixture("backprop", name);
    X = to_array<double>(fixture.at("X"));
    Y = to_array<double>(fixture.at("Y"));
    return explicit_model<double>(fixture);
}

TEST(ExplicitBackprop, ForwardIsTheLastActivation) {
    Array<double> X, Y;
    const ExplicitMLP<double> model = sample_model(X, Y);
    const ExplicitBackprop<double> result = explicit_backprop(model, X, Y);
    const Array<double> output = explicit_forward(model, X);
    EXPECT_EQ(output, result.activations.back());
    EXPECT_EQ(result.activations.front(), X);
    ASSERT_EQ(result.activations.size(), model.coefs.size() + 1);
    for (std::size_t r = 0; r < output.shape()[0]; ++r) {  // softmax rows sum to 1
        double total = 0;
        for (std::size_t c = 0; c < output.shape()[1]; ++c) total += output(r, c);
        EXPECT_NEAR(total, 1.0, 1e-15);
    }
}

TEST(ExplicitBackprop, ReusesItsBuffersAcrossBatches) {
    Array<double> X, Y;
    const ExplicitMLP<double> model = sample_model(X, Y);
    ExplicitBackprop<double> result;
    explicit_backprop(model, X, Y, result);
    std::vector<const double*> buffers;
    for (const auto* list : {&result.activations, &result.deltas, &result.coef_grads, &result.intercept_grads})
        for (const Array<double>& a : *list) buffers.push_back(a.data());

    // a smaller batch (the first 4 rows) into the same result: same memory, fresh numbers
    const Array<double> X_small = xt::view(X, xt::range(0, 4), xt::all());
    const Array<double> Y_small = xt::view(Y, xt::range(0, 4), xt::all());
    explicit_backprop(model, X_small, Y_small, result);
    std::size_t k = 0;
    for (const auto* list : {&result.activations, &result.deltas, &result.coef_grads, &result.intercept_grads})
        for (const Array<double>& a : *list) EXPECT_EQ(a.data(), buffers[k++]) << "buffer " << k - 1 << " moved";

    const ExplicitBackprop<double> fresh = explicit_backprop(model, X_small, Y_small);
    EXPECT_EQ(result.loss, fresh.loss);
    for (std::size_t i = 0; i < fresh.coef_grads.size(); ++i) {
        EXPECT_EQ(result.coef_grads[i], fresh.coef_grads[i]);
        EXPECT_EQ(result.intercept_grads[i], fresh.intercept_grads[i]);
    }
}

/// The loss at the model with coefs[layer] (or intercepts[layer]) flat element i moved by h.
double loss_moved(ExplicitMLP<double> model, bool coef, std::size_t layer, std::size_t i, double h,
                  const Array<double>& X, const Array<double>& Y) {
    (coef ? model.coefs : model.intercepts)[layer].data()[i] += h;
    return explicit_backprop(model, X, Y).loss;
}

/// Central differences of the loss against the oracle's gradients, which are `factor` times the
/// gradient of the reported loss.
void expect_gradients_are_loss_derivative_times(const std::string& name, double factor) {
    Array<double> X, Y;
    const ExplicitMLP<double> model = sample_model(X, Y, name);
    const ExplicitBackprop<double> result = explicit_backprop(model, X, Y);
    const double h = 1e-6;
    for (std::size_t layer = 0; layer < model.coefs.size(); ++layer)
        for (const bool coef : {true, false}) {
            const Array<double>& grads = (coef ? result.coef_grads : result.intercept_grads)[layer];
            for (std::size_t i = 0; i < grads.size(); ++i) {
                const double numeric =
                    (loss_moved(model, coef, layer, i, h, X, Y) - loss_moved(model, coef, layer, i, -h, X, Y)) / (2 * h);
                EXPECT_NEAR(grads.data()[i], factor * numeric, 1e-7 + 1e-6 * std::abs(grads.data()[i]))
                    << name << (coef ? " coef_grads[" : " intercept_grads[") << layer << "] flat element " << i;
            }
        }
}

TEST(ExplicitBackprop, GradientsAreTheLossDerivativeForOneOutputAndLogLosses) {
    expect_gradients_are_loss_derivative_times("tanh_regression1_depth2_alpha1e-2", 1.0);
    expect_gradients_are_loss_derivative_times("logistic_binary_depth2_alpha1e-2", 1.0);
    expect_gradients_are_loss_derivative_times("tanh_multiclass_depth2_alpha0", 1.0);
    expect_gradients_are_loss_derivative_times("identity_multilabel_depth3_alpha1e-2", 1.0);
}

TEST(ExplicitBackprop, SquaredLossWithKOutputsHasKTimesTheLossDerivative) {
    // sklearn's quirk: loss = mean over n*k / 2, delta = (p - y) / n. With alpha = 0 the whole
    // gradient is k = 3 times the derivative of the reported loss.
    expect_gradients_are_loss_derivative_times("tanh_regression3_depth2_alpha0", 3.0);
}

// ---- errors name what is wrong -----------------------------------------------------------------

template <class F>
std::string error_message(F call) {
    try {
        call();
    } catch (const Error& e) {
        return e.what();
    }
    return "(no tapegrad::Error thrown)";
}

TEST(ExplicitBackpropErrors, XWithTheWrongNumberOfColumns) {
    Array<double> X, Y;
    const ExplicitMLP<double> model = sample_model(X, Y);
    const Array<double> X_wide = xt::zeros<double>(Shape{7, 5});
    const std::string message = error_message([&] { explicit_backprop(model, X_wide, Y); });
    EXPECT_NE(message.find("coefs[0] of shape (3, 4)"), std::string::npos) << message;
    EXPECT_NE(message.find("(7, 5)"), std::string::npos) << message;
    EXPECT_NE(error_message([&] { explicit_forward(model, X_wide); }).find("explicit_forward"), std::string::npos);
}

TEST(ExplicitBackpropErrors, LayersThatDoNotChain) {
    Array<double> X, Y;
    ExplicitMLP<double> model = sample_model(X, Y);
    model.coefs[1] = xt::zeros<double>(Shape{5, 3});
    const std::string message = error_message([&] { explicit_backprop(model, X, Y); });
    EXPECT_NE(message.find("layer 1: coefs[1] of shape (5, 3) does not take 4 inputs"), std::string::npos) << message;
}

TEST(ExplicitBackpropErrors, InterceptOfTheWrongSize) {
    Array<double> X, Y;
    ExplicitMLP<double> model = sample_model(X, Y);
    model.intercepts[0] = xt::zeros<double>(Shape{3});
    const std::string message = error_message([&] { explicit_backprop(model, X, Y); });
    EXPECT_NE(message.find("intercepts[0] of shape (3,) does not match coefs[0] of shape (3, 4)"), std::string::npos)
        << message;
    model.intercepts.pop_back();
    EXPECT_NE(error_message([&] { explicit_backprop(model, X, Y); }).find("3 coefs but 2 intercepts"),
              std::string::npos);
}

TEST(ExplicitBackpropErrors, TargetsOfTheWrongShape) {
    Array<double> X, Y;
    const ExplicitMLP<double> model = sample_model(X, Y);
    const Array<double> Y_short = xt::zeros<double>(Shape{6, 3});
    const std::string message = error_message([&] { explicit_backprop(model, X, Y_short); });
    EXPECT_NE(message.find("Y of shape (6, 3)"), std::string::npos) << message;
    EXPECT_NE(message.find("expected (7, 3)"), std::string::npos) << message;
}

TEST(ExplicitBackpropErrors, UnknownActivationsAndMismatchedLosses) {
    Array<double> X, Y;
    ExplicitMLP<double> model = sample_model(X, Y);
    model.hidden_activation = "softplus";
    EXPECT_NE(error_message([&] { explicit_backprop(model, X, Y); }).find("hidden_activation 'softplus'"),
              std::string::npos);
    model.hidden_activation = "tanh";
    model.loss = "squared_loss";  // with a softmax output
    EXPECT_NE(error_message([&] { explicit_backprop(model, X, Y); })
                  .find("output_activation 'softmax' with loss 'squared_loss'"),
              std::string::npos);
    model.loss = "log_loss";
    model.alpha = -1;
    EXPECT_NE(error_message([&] { explicit_backprop(model, X, Y); }).find("alpha"), std::string::npos);
    model.alpha = 0;
    model.coefs.clear();
    model.intercepts.clear();
    EXPECT_NE(error_message([&] { explicit_backprop(model, X, Y); }).find("no layer"), std::string::npos);
}

TEST(ExplicitBackpropErrors, EmptyOrNonMatrixX) {
    Array<double> X, Y;
    const ExplicitMLP<double> model = sample_model(X, Y);
    const Array<double> empty = xt::zeros<double>(Shape{0, 3});
    EXPECT_NE(error_message([&] { explicit_backprop(model, empty, Y); }).find("X of shape (0, 3)"), std::string::npos);
    const Array<double> vector = xt::zeros<double>(Shape{3});
    EXPECT_NE(error_message([&] { explicit_forward(model, vector); }).find("X of shape (3,)"), std::string::npos);
}

}  // namespace
}  // namespace tapegrad::test
