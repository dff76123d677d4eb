// Restoring estimators from model files: every attribute as saved, predictions bit for bit, for
// a classifier (string labels, float32) and an early-stopping regressor.

#include <cstdio>
#include <filesystem>
#include <string>
#include <vector>

#include <gtest/gtest.h>

#include <tapegrad/cli/estimator_state.hpp>
#include <tapegrad/cli/model_file.hpp>
#include <tapegrad/nn/random.hpp>

namespace {

namespace fs = std::filesystem;
using tapegrad::Array;
using tapegrad::Shape;
using namespace tapegrad::mlp;
using namespace tapegrad::cli;

template <class T>
Array<T> features(std::size_t n) {
    tapegrad::nn::Random rng(5);
    Array<T> X = Array<T>::from_shape(Shape{n, std::size_t(2)});
    for (T& v : X) v = static_cast<T>(rng.uniform(-2, 2));
    return X;
}

/// Saved to a file, read back, restored.
template <class E, class Restore>
E through_a_file(const E& fitted, const std::string& name, Restore restore) {
    const fs::path path = fs::temp_directory_path() / (name + "_" + std::to_string(::getpid()) + ".json");
    save_model(path.string(), describe(fitted));
    const ModelFile loaded = load_model(path.string());
    fs::remove(path);
    return restore(loaded);
}

template <class E>
void expect_same_attributes(const E& a, const E& b) {
    EXPECT_EQ(a.coefs_(), b.coefs_());
    EXPECT_EQ(a.intercepts_(), b.intercepts_());
    EXPECT_EQ(a.loss_(), b.loss_());
    EXPECT_EQ(a.best_loss_(), b.best_loss_());
    EXPECT_EQ(a.loss_curve_(), b.loss_curve_());
    EXPECT_EQ(a.lbfgs_losses_(), b.lbfgs_losses_());
    EXPECT_EQ(a.validation_scores_(), b.validation_scores_());
    EXPECT_EQ(a.best_validation_score_(), b.best_validation_score_());
    EXPECT_EQ(a.n_iter_(), b.n_iter_());
    EXPECT_EQ(a.t_(), b.t_());
    EXPECT_EQ(a.n_features_in_(), b.n_features_in_());
    EXPECT_EQ(a.n_outputs_(), b.n_outputs_());
    EXPECT_EQ(a.out_activation_(), b.out_activation_());
    EXPECT_EQ(a.stop_reason_(), b.stop_reason_());
    EXPECT_EQ(a.warnings_(), b.warnings_());
    EXPECT_EQ(a.params().hidden_layer_sizes, b.params().hidden_layer_sizes);
    EXPECT_EQ(a.params().solver, b.params().solver);
}

TEST(RestoreFromModelFile, Float32ClassifierWithStringLabels) {
    const Array<float> X = features<float>(50);
    std::vector<std::string> y;
    for (std::size_t i = 0; i < 50; ++i) y.push_back(X(i, 0) > 0 ? (X(i, 1) > 0 ? "b" : "c") : "a");
    MLPParams p;
    p.hidden_layer_sizes = {5};
    p.max_iter = 4;
    p.random_state = 1;
    MLPClassifier<float> fitted(p);
    testing::internal::CaptureStderr();
    fitted.fit(X, Labels(y));
    testing::internal::GetCapturedStderr();
    ASSERT_EQ(fitted.warnings_().size(), 1u);  // max_iter reached
    const auto restored = through_a_file(fitted, "clf", [](const ModelFile& m) { return restore_classifier<float>(m); });
    expect_same_attributes(fitted, restored);
    EXPECT_EQ(restored.classes_(), fitted.classes_());
    EXPECT_EQ(restored.predict_proba(X), fitted.predict_proba(X));
    EXPECT_EQ(restored.predict(X), fitted.predict(X));
}

TEST(RestoreFromModelFile, EarlyStoppingRegressor) {
    const Array<double> X = features<double>(60);
    Array<double> y = Array<double>::from_shape(Shape{60});
    for (std::size_t i = 0; i < 60; ++i) y(i) = X(i, 0) - 2 * X(i, 1);
    MLPParams p;
    p.hidden_layer_sizes = {6, 3};
    p.solver = "sgd";
    p.early_stopping = true;
    p.max_iter = 30;
    p.random_state = 2;
    MLPRegressor<double> fitted(p);
    testing::internal::CaptureStderr();
    fitted.fit(X, y);
    testing::internal::GetCapturedStderr();
    const auto restored = through_a_file(fitted, "reg", [](const ModelFile& m) { return restore_regressor<double>(m); });
    expect_same_attributes(fitted, restored);
    ASSERT_TRUE(restored.best_validation_score_().has_value());
    EXPECT_EQ(restored.predict(X), fitted.predict(X));
}

}  // namespace
