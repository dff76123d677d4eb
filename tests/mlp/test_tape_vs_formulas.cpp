// The TAPE against the oracle (sklearn's formulas written out in mlp/explicit_backprop): for every
// hidden activation x output kind (binary, multiclass, multilabel, regression with 1 and 3
// outputs) x depth 1-3 x alpha 0 and 1e-2 -- the configurations of the backprop fixtures, on
// their weights and data -- the loss and every coef and intercept gradient computed by backward
// through the tape equal the oracle's to 1e-12 relative in double, and to single precision in
// float. Two graphs are checked:
//   NnGraph    the network assembled by hand from nn::Linear + nn::activate + the fused
//              nn loss + nn::l2_penalty, the pieces the estimators are made of;
//   Estimator  the estimators' own graph, through their public one-batch
//              `compute_loss_and_gradients(X, Y)`.

#include <memory>

#include <gtest/gtest.h>

#include <tapegrad/autograd/ops/elementwise.hpp>
#include <tapegrad/mlp/explicit_backprop.hpp>
#include <tapegrad/mlp/mlp.hpp>
#include <tapegrad/nn/nn.hpp>

#include "fixtures/sklearn_fixture.hpp"

namespace tapegrad::test {
namespace {

/// Loss and gradients from one backward pass through a tape.
template <class T>
struct TapeGradients {
    T loss;
    std::vector<Array<T>> coef_grads, intercept_grads;
};

/// X @ W + b, hidden activations, the output layer fused with its loss, plus the L2 term, built
/// from nn pieces on a fresh tape, then backward.
template <class T>
TapeGradients<T> nn_graph_gradients(const json& fixture) {
    const std::vector<Array<T>> coefs = to_arrays<T>(fixture.at("coefs"));
    const std::vector<Array<T>> intercepts = to_arrays<T>(fixture.at("intercepts"));
    const Array<T> X = to_array<T>(fixture.at("X"));
    const Array<T> Y = to_array<T>(fixture.at("Y"));
    const nn::Activation hidden = nn::parse_activation(fixture.at("hidden_activation").get<std::string>());
    const std::string loss_name = fixture.at("loss").get<std::string>();

    std::vector<std::unique_ptr<nn::Linear<T>>> layers;
    for (std::size_t i = 0; i < coefs.size(); ++i) {
        layers.push_back(std::make_unique<nn::Linear<T>>(coefs[i].shape()[0], coefs[i].shape()[1]));
        layers.back()->coef.value = coefs[i];
        layers.back()->intercept.value = intercepts[i];
        layers.back()->zero_grad();
    }
    Tape<T> tape;
    Var<T> h = tape.constant(X);
    const Var<T> target = tape.constant(Y);
    std::vector<Var<T>> weights;
    for (std::size_t i = 0; i < layers.size(); ++i) {
        h = layers[i]->forward(h);
        if (i + 1 < layers.size()) h = nn::activate(hidden, h);
        weights.push_back(tape.param(layers[i]->coef));
    }
    Var<T> data_loss;
    if (loss_name == "squared_loss") data_loss = nn::squared_loss(h, target);
    else if (loss_name == "binary_log_loss") data_loss = nn::binary_log_loss(h, target);
    else data_loss = nn::log_loss(h, target);
    const Var<T> loss = add(data_loss, nn::l2_penalty(weights, fixture.at("alpha").get<double>(), X.shape()[0]));
    tape.backward(loss);

    TapeGradients<T> result{loss.item(), {}, {}};
    for (const auto& layer : layers) {
        result.coef_grads.push_back(layer->coef.grad);
        result.intercept_grads.push_back(layer->intercept.grad);
    }
    return result;
}

/// The same through an estimator's own graph: a one-epoch fit builds the network for this
/// output kind (its numbers do not matter), `set_weights` puts the fixture's weights in, and
/// `compute_loss_and_gradients` runs one batch forward and backward through the estimator's tape.
template <class T, class Estimator>
TapeGradients<T> estimator_gradients_after(Estimator& estimator, const json& fixture) {
    const Array<T> X = to_array<T>(fixture.at("X"));
    const Array<T> Y = to_array<T>(fixture.at("Y"));
    estimator.set_weights(to_arrays<T>(fixture.at("coefs")), to_arrays<T>(fixture.at("intercepts")));
    TapeGradients<T> result{estimator.compute_loss_and_gradients(X, Y), estimator.coef_grads(),
                            estimator.intercept_grads()};
    return result;
}

template <class T>
TapeGradients<T> estimator_gradients(const json& fixture) {
    mlp::MLPParams params;
    params.hidden_layer_sizes = fixture.at("hidden_layer_sizes").get<std::vector<std::size_t>>();
    params.activation = fixture.at("hidden_activation").get<std::string>();
    params.alpha = fixture.at("alpha").get<double>();
    params.solver = "sgd";
    params.max_iter = 1;
    params.random_state = 0;
    const Array<T> X = to_array<T>(fixture.at("X"));
    const Array<T> Y = to_array<T>(fixture.at("Y"));
    const std::size_t rows = X.shape()[0];
    const std::string target = fixture.at("target").get<std::string>();
    if (target == "binary" || target == "multiclass") {
        // labels cycling through every class, so that the network gets this output layer
        const std::int64_t n_classes = target == "binary" ? 2 : static_cast<std::int64_t>(Y.shape()[1]);
        std::vector<std::int64_t> labels;
        for (std::size_t r = 0; r < rows; ++r) labels.push_back(static_cast<std::int64_t>(r) % n_classes);
        mlp::MLPClassifier<T> classifier(params);
        classifier.fit(X, labels);
        EXPECT_EQ(classifier.out_activation_(), fixture.at("output_activation").get<std::string>());
        return estimator_gradients_after<T>(classifier, fixture);
    }
    if (target == "multilabel") {
        mlp::MLPClassifier<T> classifier(params);
        classifier.fit(X, Y);
        EXPECT_EQ(classifier.out_activation_(), "logistic");
        return estimator_gradients_after<T>(classifier, fixture);
    }
    mlp::MLPRegressor<T> regressor(params);
    regressor.fit(X, Y);
    EXPECT_EQ(regressor.out_activation_(), "identity");
    return estimator_gradients_after<T>(regressor, fixture);
}

/// The oracle's loss and gradients in double.
mlp::ExplicitBackprop<double> oracle(const json& fixture) {
    return mlp::explicit_backprop(explicit_model<double>(fixture), to_array<double>(fixture.at("X")),
                                  to_array<double>(fixture.at("Y")));
}

/// Double: 1e-12 relative, elementwise.
void expect_equal_to_oracle(const TapeGradients<double>& tape, const mlp::ExplicitBackprop<double>& formulas) {
    EXPECT_TRUE(relative_error_at_most(tape.loss, formulas.loss, 1e-12))
        << "tape loss " << tape.loss << " vs oracle " << formulas.loss;
    ASSERT_EQ(tape.coef_grads.size(), formulas.coef_grads.size());
    for (std::size_t i = 0; i < formulas.coef_grads.size(); ++i) {
        EXPECT_TRUE(all_close_relative("coef_grads[" + std::to_string(i) + "]", tape.coef_grads[i],
                                       formulas.coef_grads[i], 1e-12));
        EXPECT_TRUE(all_close_relative("intercept_grads[" + std::to_string(i) + "]", tape.intercept_grads[i],
                                       formulas.intercept_grads[i], 1e-12));
    }
}

/// Float against the double oracle: 1e-5 of each array's largest element + 1e-7.
void expect_close_to_oracle(const TapeGradients<float>& tape, const mlp::ExplicitBackprop<double>& formulas) {
    EXPECT_NEAR(tape.loss, formulas.loss, 1e-5 * std::abs(formulas.loss));
    ASSERT_EQ(tape.coef_grads.size(), formulas.coef_grads.size());
    for (std::size_t i = 0; i < formulas.coef_grads.size(); ++i) {
        EXPECT_TRUE(all_close_to_scale("coef_grads[" + std::to_string(i) + "]", tape.coef_grads[i],
                                       formulas.coef_grads[i], 1e-5, 1e-7));
        EXPECT_TRUE(all_close_to_scale("intercept_grads[" + std::to_string(i) + "]", tape.intercept_grads[i],
                                       formulas.intercept_grads[i], 1e-5, 1e-7));
    }
}

class TapeVsFormulas : public ::testing::TestWithParam<std::string> {};

TEST_P(TapeVsFormulas, NnGraphDoubleEqualsOracle) {
    const json fixture = load_fixture("backprop", GetParam());
    expect_equal_to_oracle(nn_graph_gradients<double>(fixture), oracle(fixture));
}

TEST_P(TapeVsFormulas, NnGraphFloatCloseToOracle) {
    const json fixture = load_fixture("backprop", GetParam());
    expect_close_to_oracle(nn_graph_gradients<float>(fixture), oracle(fixture));
}

TEST_P(TapeVsFormulas, EstimatorDoubleEqualsOracle) {
    const json fixture = load_fixture("backprop", GetParam());
    expect_equal_to_oracle(estimator_gradients<double>(fixture), oracle(fixture));
}

TEST_P(TapeVsFormulas, EstimatorFloatCloseToOracle) {
    const json fixture = load_fixture("backprop", GetParam());
    expect_close_to_oracle(estimator_gradients<float>(fixture), oracle(fixture));
}

INSTANTIATE_TEST_SUITE_P(Fixture, TapeVsFormulas, ::testing::ValuesIn(fixture_names("backprop")),
                         [](const auto& info) { return test_name(info.param); });

}  // namespace
}  // namespace tapegrad::test
