// MLPClassifier / MLPRegressor: data validation, labels, output kinds, the epoch loop's rules
// (stop reasons, batch sizes, loss bookkeeping, warm_start, partial_fit, early stopping), lbfgs,
// float32. Numbers equal to sklearn's own are the parity tests' business (test_sklearn_parity).

#include <algorithm>
#include <cmath>
#include <string>
#include <vector>

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <tapegrad/mlp/explicit_backprop.hpp>
#include <tapegrad/mlp/mlp.hpp>
#include <tapegrad/nn/random.hpp>
#include <xtensor/xview.hpp>

namespace {

using tapegrad::Array;
using tapegrad::Error;
using tapegrad::Shape;
using tapegrad::mlp::Labels;
using tapegrad::mlp::MLPClassifier;
using tapegrad::mlp::MLPParams;
using tapegrad::mlp::MLPRegressor;
using tapegrad::mlp::StopReason;
using testing::HasSubstr;

// ---- data ------------------------------------------------------------------------------------

/// Blobs: class c around (3c, 3(c % 2)) with uniform noise in [-1, 1]; rows cycle through the
/// classes. Deterministic for a seed.
template <class T = double>
Array<T> blobs_X(std::size_t n, std::size_t n_classes, std::uint32_t seed = 7) {
    tapegrad::nn::Random rng(seed);
    Array<T> X = Array<T>::from_shape(Shape{n, std::size_t(2)});
    for (std::size_t i = 0; i < n; ++i) {
        const double c = static_cast<double>(i % n_classes);
        X(i, 0) = static_cast<T>(3 * c + rng.uniform(-1, 1));
        X(i, 1) = static_cast<T>(3 * static_cast<double>(i % n_classes % 2) + rng.uniform(-1, 1));
    }
    return X;
}

Labels blobs_y(std::size_t n, std::size_t n_classes) {
    std::vector<std::int64_t> y(n);
    for (std::size_t i = 0; i < n; ++i) y[i] = static_cast<std::int64_t>(i % n_classes);
    return Labels(y);
}

/// y = 2 x0 - x1 + 0.5 (and a second output x0 + x1 when two_outputs).
template <class T = double>
Array<T> linear_targets(const Array<T>& X, bool two_outputs) {
    const std::size_t n = X.shape()[0];
    Array<T> y = two_outputs ? Array<T>::from_shape(Shape{n, std::size_t(2)}) : Array<T>::from_shape(Shape{n});
    for (std::size_t i = 0; i < n; ++i) {
        const T first = T(2) * X(i, 0) - X(i, 1) + T(0.5);
        if (two_outputs) {
            y(i, 0) = first;
            y(i, 1) = X(i, 0) + X(i, 1);
        } else {
            y(i) = first;
        }
    }
    return y;
}

MLPParams small(std::size_t max_iter = 20) {
    MLPParams p;
    p.hidden_layer_sizes = {5};
    p.max_iter = max_iter;
    p.random_state = 0;
    return p;
}

template <class F>
std::string error_of(F&& f) {
    try {
        f();
    } catch (const Error& e) {
        return e.what();
    }
    ADD_FAILURE() << "no tapegrad::Error thrown";
    return "";
}

bool all_close(const Array<double>& a, const Array<double>& b, double tol) {
    if (a.shape() != b.shape()) return false;
    for (std::size_t i = 0; i < a.size(); ++i)
        if (std::abs(a.data()[i] - b.data()[i]) > tol * (1 + std::abs(b.data()[i]))) return false;
    return true;
}

// ---- data validation -------------------------------------------------------------------------

TEST(MLPData, NaNInXNamesRowAndColumn) {
    Array<double> X = blobs_X(10, 2);
    X(3, 1) = NAN;
    MLPClassifier<double> clf(small());
    EXPECT_EQ(error_of([&] { clf.fit(X, blobs_y(10, 2)); }), "MLPClassifier: Input X contains NaN at row 3, column 1.");
    EXPECT_FALSE(clf.is_fitted());
}

TEST(MLPData, InfinityInX) {
    Array<double> X = blobs_X(10, 2);
    X(0, 0) = -INFINITY;
    MLPRegressor<double> reg(small());
    EXPECT_EQ(error_of([&] { reg.fit(X, linear_targets(blobs_X(10, 2), false)); }),
              "MLPRegressor: Input X contains infinity at row 0, column 0.");
}

TEST(MLPData, NaNInXAtPredict) {
    MLPClassifier<double> clf(small(2));
    clf.fit(blobs_X(20, 2), blobs_y(20, 2));
    Array<double> X = blobs_X(4, 2);
    X(2, 0) = NAN;
    EXPECT_EQ(error_of([&] { clf.predict(X); }), "MLPClassifier: Input X contains NaN at row 2, column 0.");
    EXPECT_THAT(error_of([&] { clf.predict_proba(X); }), HasSubstr("NaN at row 2, column 0"));
}

TEST(MLPData, NaNInRegressionTarget) {
    const Array<double> X = blobs_X(10, 2);
    Array<double> y = linear_targets(X, true);
    y(4, 1) = NAN;
    MLPRegressor<double> reg(small());
    EXPECT_EQ(error_of([&] { reg.fit(X, y); }), "MLPRegressor: Input y contains NaN at row 4, column 1.");
}

TEST(MLPData, XMustBe2D) {
    const Array<double> X = {1.0, 2.0, 3.0};
    MLPClassifier<double> clf(small());
    EXPECT_THAT(error_of([&] { clf.fit(X, Labels(std::vector<std::int64_t>{0, 1, 0})); }),
                HasSubstr("Expected 2D array X of shape (n_samples, n_features), got shape (3,)"));
}

TEST(MLPData, EmptyX) {
    const Array<double> X = Array<double>::from_shape(Shape{0, 2});
    MLPRegressor<double> reg(small());
    EXPECT_EQ(error_of([&] { reg.fit(X, Array<double>::from_shape(Shape{0})); }),
              "Found array with 0 sample(s) (shape=(0, 2)) while a minimum of 1 is required by MLPRegressor.");
}

TEST(MLPData, LengthMismatch) {
    MLPClassifier<double> clf(small());
    EXPECT_EQ(error_of([&] { clf.fit(blobs_X(4, 2), Labels(std::vector<std::int64_t>{0, 1, 1})); }),
              "MLPClassifier: Found input variables with inconsistent numbers of samples: [4, 3]");
}

TEST(MLPData, FeatureMismatchAtPredict) {
    MLPClassifier<double> clf(small(2));
    clf.fit(blobs_X(20, 2), blobs_y(20, 2));
    const Array<double> X3 = Array<double>::from_shape(Shape{2, 3});
    EXPECT_EQ(error_of([&] { clf.predict(xt::zeros<double>({2, 3})); }),
              "X has 3 features, but MLPClassifier is expecting 2 features as input.");
    MLPRegressor<double> reg(small(2));
    reg.fit(blobs_X(20, 2), linear_targets(blobs_X(20, 2), false));
    EXPECT_EQ(error_of([&] { reg.predict(xt::zeros<double>({2, 3})); }),
              "X has 3 features, but MLPRegressor is expecting 2 features as input.");
}

TEST(MLPData, WarmStartFeatureMismatch) {
    MLPParams p = small(2);
    p.warm_start = true;
    MLPClassifier<double> clf(p);
    clf.fit(blobs_X(20, 2), blobs_y(20, 2));
    EXPECT_EQ(error_of([&] { clf.fit(xt::zeros<double>({20, 3}), blobs_y(20, 2)); }),
              "X has 3 features, but MLPClassifier is expecting 2 features as input.");
}

TEST(MLPData, NotFitted) {
    MLPClassifier<double> clf;
    EXPECT_EQ(error_of([&] { clf.predict(blobs_X(3, 2)); }),
              "This MLPClassifier instance is not fitted yet. Call 'fit' with appropriate arguments before using "
              "predict.");
    MLPRegressor<double> reg;
    EXPECT_THAT(error_of([&] { reg.coefs_(); }), HasSubstr("This MLPRegressor instance is not fitted yet"));
    EXPECT_EQ(reg.stop_reason_(), StopReason::not_fitted);
}

// ---- labels ----------------------------------------------------------------------------------

TEST(MLPLabels, SingleClassIsAnError) {
    MLPClassifier<double> clf(small());
    EXPECT_EQ(error_of([&] { clf.fit(blobs_X(6, 2), Labels(std::vector<std::int64_t>(6, 3))); }),
              "MLPClassifier: y has a single class [3]; a classifier needs at least 2 classes");
    EXPECT_FALSE(clf.is_fitted());
}

TEST(MLPLabels, StringLabels) {
    const std::size_t n = 60;
    const Array<double> X = blobs_X(n, 3);
    const char* names[] = {"virginica", "setosa", "versicolor"};  // class c of row i is names[i % 3]
    std::vector<std::string> y(n);
    for (std::size_t i = 0; i < n; ++i) y[i] = names[i % 3];
    MLPParams p = small(300);
    p.learning_rate_init = 0.05;
    MLPClassifier<double> clf(p);
    clf.fit(X, Labels(y));
    EXPECT_EQ(clf.classes_(), Labels(std::vector<std::string>{"setosa", "versicolor", "virginica"}));
    EXPECT_EQ(clf.out_activation_(), "softmax");
    const Labels predicted = clf.predict(X);
    ASSERT_FALSE(predicted.is_integer());
    EXPECT_EQ(predicted.size(), n);
    EXPECT_GT(clf.score(X, Labels(y)), 0.95);
    EXPECT_THAT(error_of([&] { clf.score(X, blobs_y(n, 3)); }), HasSubstr("y has integer labels but classes_"));
}

TEST(MLPLabels, IntegerClassesSortedNumerically) {
    const Array<double> X = blobs_X(30, 3);
    std::vector<std::int64_t> y(30);
    const std::int64_t values[] = {10, -3, 2};
    for (std::size_t i = 0; i < 30; ++i) y[i] = values[i % 3];
    MLPClassifier<double> clf(small(5));
    clf.fit(X, Labels(y));
    EXPECT_EQ(clf.classes_(), Labels(std::vector<std::int64_t>{-3, 2, 10}));
    EXPECT_EQ(tapegrad::mlp::labels_str(clf.classes_()), "[-3 2 10]");
}

TEST(MLPLabels, WarmStartNeedsTheSameClasses) {
    MLPParams p = small(2);
    p.warm_start = true;
    MLPClassifier<double> clf(p);
    clf.fit(blobs_X(20, 2), blobs_y(20, 2));
    EXPECT_EQ(error_of([&] { clf.fit(blobs_X(21, 3), blobs_y(21, 3)); }),
              "warm_start can only be used where `y` has the same classes as in the previous call to fit. "
              "Previously got [0 1], `y` has [0 1 2]");
    EXPECT_EQ(clf.n_iter_(), 2u);  // untouched
}

TEST(MLPLabels, PartialFitFirstCallNeedsClasses) {
    MLPClassifier<double> clf(small());
    EXPECT_EQ(error_of([&] { clf.partial_fit(blobs_X(10, 2), blobs_y(10, 2)); }),
              "classes must be passed on the first call to partial_fit.");
}

TEST(MLPLabels, PartialFitUnseenLabelsAreNamed) {
    MLPClassifier<double> clf(small());
    clf.partial_fit(blobs_X(10, 2), blobs_y(10, 2), Labels(std::vector<std::int64_t>{0, 1}));
    const std::string message =
        error_of([&] { clf.partial_fit(blobs_X(4, 2), Labels(std::vector<std::int64_t>{0, 1, 2, 5})); });
    EXPECT_THAT(message, HasSubstr("`y` has classes not in `self.classes_`. `self.classes_` has [0 1]. 'y' has "
                                   "[0 1 2 5]."));
    EXPECT_THAT(message, HasSubstr("y has labels not in classes_: [2 5]"));
    EXPECT_EQ(clf.n_iter_(), 1u);
}

TEST(MLPLabels, PartialFitClassesMustNotChange) {
    MLPClassifier<double> clf(small());
    clf.partial_fit(blobs_X(10, 2), blobs_y(10, 2), Labels(std::vector<std::int64_t>{0, 1}));
    EXPECT_EQ(error_of([&] {
                  clf.partial_fit(blobs_X(10, 2), blobs_y(10, 2), Labels(std::vector<std::int64_t>{0, 1, 2}));
              }),
              "`classes=[0 1 2]` is not the same as on last call to partial_fit, was: [0 1]");
}

TEST(MLPLabels, PartialFitClassesMayBeAbsentFromABatch) {
    MLPClassifier<double> clf(small());
    clf.partial_fit(blobs_X(10, 2), Labels(std::vector<std::int64_t>(10, 1)),
                    Labels(std::vector<std::int64_t>{0, 1, 2}));
    EXPECT_EQ(clf.out_activation_(), "softmax");
    EXPECT_EQ(clf.n_outputs_(), 3u);
    EXPECT_EQ(clf.predict_proba(blobs_X(4, 2)).shape(), (Shape{4, 3}));
}

TEST(MLPLabels, PartialFitIsNotForLbfgs) {
    MLPParams p = small();
    p.solver = "lbfgs";
    MLPClassifier<double> clf(p);
    EXPECT_EQ(error_of([&] {
                  clf.partial_fit(blobs_X(10, 2), blobs_y(10, 2), Labels(std::vector<std::int64_t>{0, 1}));
              }),
              "partial_fit is only available for stochastic optimizers. lbfgs is not stochastic.");
    MLPRegressor<double> reg(p);
    EXPECT_THAT(error_of([&] { reg.partial_fit(blobs_X(10, 2), linear_targets(blobs_X(10, 2), false)); }),
                HasSubstr("lbfgs is not stochastic"));
}

// ---- output kinds ----------------------------------------------------------------------------

TEST(MLPOutputs, BinaryHasOneLogisticOutputAndTwoProbabilityColumns) {
    const Array<double> X = blobs_X(40, 2);
    MLPClassifier<double> clf(small(50));
    clf.fit(X, blobs_y(40, 2));
    EXPECT_EQ(clf.n_outputs_(), 1u);
    EXPECT_EQ(clf.out_activation_(), "logistic");
    EXPECT_EQ(clf.coefs_().back().shape(), (Shape{5, 1}));
    const Array<double> proba = clf.predict_proba(X);
    ASSERT_EQ(proba.shape(), (Shape{40, 2}));
    const Labels predicted = clf.predict(X);
    const Array<double> log_proba = clf.predict_log_proba(X);
    for (std::size_t i = 0; i < 40; ++i) {
        EXPECT_DOUBLE_EQ(proba(i, 0), 1.0 - proba(i, 1));
        EXPECT_EQ(predicted.integers()[i], proba(i, 1) > 0.5 ? 1 : 0);
        EXPECT_DOUBLE_EQ(log_proba(i, 1), std::log(proba(i, 1)));
    }
}

TEST(MLPOutputs, MulticlassIsSoftmax) {
    const Array<double> X = blobs_X(45, 3);
    MLPClassifier<double> clf(small(50));
    clf.fit(X, blobs_y(45, 3));
    EXPECT_EQ(clf.n_outputs_(), 3u);
    EXPECT_EQ(clf.n_layers_(), 3u);
    EXPECT_EQ(clf.out_activation_(), "softmax");
    const Array<double> proba = clf.predict_proba(X);
    ASSERT_EQ(proba.shape(), (Shape{45, 3}));
    const Labels predicted = clf.predict(X);
    for (std::size_t i = 0; i < 45; ++i) {
        EXPECT_NEAR(proba(i, 0) + proba(i, 1) + proba(i, 2), 1.0, 1e-12);
        const double* row = proba.data() + 3 * i;
        EXPECT_EQ(predicted.integers()[i], std::max_element(row, row + 3) - row);
    }
}

TEST(MLPOutputs, MultilabelShapes) {
    const std::size_t n = 30;
    const Array<double> X = blobs_X(n, 3);
    Array<double> Y = xt::zeros<double>({n, std::size_t(3)});
    for (std::size_t i = 0; i < n; ++i) {
        Y(i, i % 3) = 1;
        Y(i, 2) = X(i, 0) > 2 ? 1 : 0;
    }
    MLPClassifier<double> clf(small(30));
    clf.fit(X, Y);
    EXPECT_TRUE(clf.is_multilabel());
    EXPECT_EQ(clf.classes_(), Labels(std::vector<std::int64_t>{0, 1, 2}));
    EXPECT_EQ(clf.out_activation_(), "logistic");
    EXPECT_EQ(clf.n_outputs_(), 3u);
    const Array<double> proba = clf.predict_proba(X);
    const Array<double> indicator = clf.predict_indicator(X);
    ASSERT_EQ(proba.shape(), (Shape{n, 3}));
    ASSERT_EQ(indicator.shape(), (Shape{n, 3}));
    for (std::size_t i = 0; i < proba.size(); ++i) EXPECT_EQ(indicator.data()[i], proba.data()[i] > 0.5 ? 1.0 : 0.0);
    const double subset_accuracy = clf.score(X, Y);
    EXPECT_GE(subset_accuracy, 0.0);
    EXPECT_LE(subset_accuracy, 1.0);
    EXPECT_THAT(error_of([&] { clf.predict(X); }), HasSubstr("use predict_indicator"));
}

TEST(MLPOutputs, MultilabelTargetsMustBeZeroOrOne) {
    Array<double> Y = xt::zeros<double>({6, 2});
    Y(4, 1) = 2;
    MLPClassifier<double> clf(small());
    EXPECT_EQ(error_of([&] { clf.fit(blobs_X(6, 2), Y); }),
              "MLPClassifier: multilabel Y must hold only 0 and 1; found 2 at row 4, column 1.");
    EXPECT_THAT(error_of([&] { clf.fit(blobs_X(6, 2), Array<double>(xt::zeros<double>({6, 1}))); }),
                HasSubstr("must be (n_samples, n_labels) with n_labels >= 2, got shape (6, 1)"));
}

TEST(MLPOutputs, RegressorShapes) {
    const Array<double> X = blobs_X(30, 3);
    MLPRegressor<double> one(small(5));
    one.fit(X, linear_targets(X, false));
    EXPECT_EQ(one.predict(X).shape(), (Shape{30}));
    EXPECT_EQ(one.out_activation_(), "identity");
    EXPECT_EQ(one.n_outputs_(), 1u);

    MLPRegressor<double> column(small(5));
    Array<double> y_column = linear_targets(X, false);
    y_column.reshape({30, 1});
    column.fit(X, y_column);
    EXPECT_EQ(column.predict(X).shape(), (Shape{30}));  // (n, 1) counts as (n,), as sklearn
    EXPECT_EQ(column.coefs_(), one.coefs_());          // the same problem, the same fit

    MLPRegressor<double> two(small(5));
    two.fit(X, linear_targets(X, true));
    EXPECT_EQ(two.predict(X).shape(), (Shape{30, 2}));
    EXPECT_EQ(two.n_outputs_(), 2u);
}

TEST(MLPOutputs, RegressorLearnsALinearFunction) {
    const Array<double> X = blobs_X(100, 3);
    MLPParams p = small(500);
    p.solver = "lbfgs";
    p.activation = "identity";
    p.hidden_layer_sizes = {4};
    MLPRegressor<double> reg(p);
    reg.fit(X, linear_targets(X, true));
    EXPECT_GT(reg.score(X, linear_targets(X, true)), 0.999);
}

// ---- stop reasons ----------------------------------------------------------------------------

TEST(MLPStopping, MaxIterWarns) {
    MLPClassifier<double> clf(small(3));
    testing::internal::CaptureStderr();
    clf.fit(blobs_X(20, 2), blobs_y(20, 2));
    const std::string err = testing::internal::GetCapturedStderr();
    const std::string text =
        "Stochastic Optimizer: Maximum iterations (3) reached and the optimization hasn't converged yet.";
    EXPECT_THAT(err, HasSubstr("ConvergenceWarning: " + text));
    EXPECT_EQ(clf.warnings_(), std::vector<std::string>{text});
    EXPECT_EQ(clf.stop_reason_(), StopReason::max_iter);
    EXPECT_EQ(tapegrad::mlp::to_string(clf.stop_reason_()), "max_iter");
    EXPECT_EQ(clf.n_iter_(), 3u);
    EXPECT_EQ(clf.loss_curve_().size(), 3u);
}

TEST(MLPStopping, NoImprovementStopsAfterNIterNoChangePlusTwoEpochs) {
    // tol so large that no epoch improves: epoch 1 sets best_loss_, epochs 2.. count 1, 2, ...;
    // the count must EXCEED n_iter_no_change = 3 (strict >): that is epoch 5.
    MLPParams p = small(100);
    p.tol = 1e9;
    p.n_iter_no_change = 3;
    MLPClassifier<double> clf(p);
    clf.fit(blobs_X(20, 2), blobs_y(20, 2));
    EXPECT_EQ(clf.n_iter_(), 5u);
    EXPECT_EQ(clf.stop_reason_(), StopReason::no_improvement);
    EXPECT_TRUE(clf.warnings_().empty());
    ASSERT_TRUE(clf.best_loss_().has_value());
    EXPECT_EQ(*clf.best_loss_(), *std::min_element(clf.loss_curve_().begin(), clf.loss_curve_().end()));
}

TEST(MLPStopping, TrainingLossRuleUsesTol) {
    // tol = 0: every strictly lower loss is an improvement; with a tiny learning rate the loss
    // falls every epoch, so training runs to max_iter.
    MLPParams p = small(15);
    p.tol = 0;
    p.n_iter_no_change = 1;
    p.solver = "sgd";
    p.shuffle = false;
    p.learning_rate_init = 1e-4;
    MLPClassifier<double> clf(p);
    clf.fit(blobs_X(20, 2), blobs_y(20, 2));
    EXPECT_EQ(clf.stop_reason_(), StopReason::max_iter);
    const auto& curve = clf.loss_curve_();
    for (std::size_t i = 1; i < curve.size(); ++i) EXPECT_LT(curve[i], curve[i - 1]);
}

TEST(MLPStopping, AdaptiveLearningRateDividesByFiveThenStops) {
    // No epoch improves (huge tol). n_iter_no_change = 2: the first trigger at epoch 4, each later
    // one 3 epochs after the reset. lr: 1e-3 -> 2e-4 -> 4e-5 -> 8e-6 -> 1.6e-6 -> 3.2e-7, and the
    // sixth trigger finds lr <= 1e-6 and stops: 4 + 5 * 3 = 19 epochs.
    MLPParams p = small(100);
    p.solver = "sgd";
    p.learning_rate = "adaptive";
    p.learning_rate_init = 1e-3;
    p.tol = 1e9;
    p.n_iter_no_change = 2;
    MLPClassifier<double> clf(p);
    clf.fit(blobs_X(20, 2), blobs_y(20, 2));
    EXPECT_EQ(clf.stop_reason_(), StopReason::learning_rate_too_small);
    EXPECT_EQ(tapegrad::mlp::to_string(clf.stop_reason_()), "learning_rate_too_small");
    EXPECT_EQ(clf.n_iter_(), 19u);
    ASSERT_NE(clf.sgd_optimizer(), nullptr);
    EXPECT_NEAR(clf.sgd_optimizer()->learning_rate(), 3.2e-7, 1e-20);
}

TEST(MLPStopping, InvscalingUsesSamplesSeen) {
    MLPParams p = small(3);
    p.solver = "sgd";
    p.learning_rate = "invscaling";
    p.learning_rate_init = 0.1;
    p.power_t = 0.25;
    MLPRegressor<double> reg(p);
    const Array<double> X = blobs_X(20, 2);
    reg.fit(X, linear_targets(X, false));
    EXPECT_EQ(reg.t_(), 60u);
    ASSERT_NE(reg.sgd_optimizer(), nullptr);
    EXPECT_DOUBLE_EQ(reg.sgd_optimizer()->learning_rate(), 0.1 / std::pow(61.0, 0.25));
}

// ---- batches and the epoch loss --------------------------------------------------------------

TEST(MLPBatches, AutoIsMin200N) {
    MLPParams p = small(2);
    MLPClassifier<double> big(p);
    big.fit(blobs_X(450, 2), blobs_y(450, 2));  // batches 200, 200, 50
    ASSERT_NE(big.adam_optimizer(), nullptr);
    EXPECT_EQ(big.adam_optimizer()->t(), 6u);
    MLPClassifier<double> few(p);
    few.fit(blobs_X(150, 2), blobs_y(150, 2));  // one batch of 150
    EXPECT_EQ(few.adam_optimizer()->t(), 2u);
}

TEST(MLPBatches, ExplicitSize) {
    MLPParams p = small(2);
    p.batch_size = 7;
    MLPClassifier<double> clf(p);
    clf.fit(blobs_X(50, 2), blobs_y(50, 2));  // 7 batches of 7 and one of 1
    EXPECT_EQ(clf.adam_optimizer()->t(), 16u);
    EXPECT_TRUE(std::none_of(clf.warnings_().begin(), clf.warnings_().end(),
                             [](const std::string& w) { return w.find("clipped") != std::string::npos; }));
}

TEST(MLPBatches, LargerThanNIsClippedWithAWarning) {
    MLPParams p = small(2);
    p.batch_size = 1000;
    MLPClassifier<double> clf(p);
    testing::internal::CaptureStderr();
    clf.fit(blobs_X(50, 2), blobs_y(50, 2));
    const std::string err = testing::internal::GetCapturedStderr();
    EXPECT_EQ(clf.adam_optimizer()->t(), 2u);
    const std::string text = "Got `batch_size` less than 1 or larger than sample size. It is going to be clipped";
    EXPECT_THAT(err, HasSubstr("UserWarning: " + text));
    EXPECT_EQ(clf.warnings_().front(), text);
}

/// sgd without momentum by hand with the oracle: W <- W - lr * grad after each batch.
TEST(MLPBatches, EpochLossIsTheRowWeightedMeanOfBatchLosses) {
    const std::size_t n = 20;
    const Array<double> X = blobs_X(n, 3);
    const Labels y = blobs_y(n, 3);
    std::vector<Array<double>> coefs = {Array<double>{{0.1, -0.2, 0.3}, {0.05, 0.4, -0.1}},
                                        Array<double>{{0.2, -0.1, 0.3}, {-0.3, 0.25, 0.1}, {0.15, 0.05, -0.2}}};
    std::vector<Array<double>> intercepts = {Array<double>{0.01, -0.02, 0.03}, Array<double>{0.0, 0.1, -0.1}};
    MLPParams p;
    p.hidden_layer_sizes = {3};
    p.activation = "tanh";
    p.solver = "sgd";
    p.momentum = 0;
    p.nesterovs_momentum = false;
    p.shuffle = false;
    p.batch_size = 7;  // batches of 7, 7, 6
    p.learning_rate_init = 0.3;
    p.alpha = 0.01;
    p.max_iter = 1;
    MLPClassifier<double> clf(p);
    clf.set_initial_weights(coefs, intercepts);
    testing::internal::CaptureStderr();  // the max_iter warning
    clf.fit(X, y);
    testing::internal::GetCapturedStderr();

    tapegrad::mlp::ExplicitMLP<double> model{coefs, intercepts, "tanh", "softmax", "log_loss", 0.01};
    Array<double> Y = xt::zeros<double>({n, std::size_t(3)});
    for (std::size_t i = 0; i < n; ++i) Y(i, static_cast<std::size_t>(y.integers()[i])) = 1;
    double accumulated = 0;
    for (std::size_t start = 0; start < n; start += 7) {
        const std::size_t stop = std::min(start + 7, n);
        const Array<double> Xb = xt::view(X, xt::range(start, stop), xt::all());
        const Array<double> Yb = xt::view(Y, xt::range(start, stop), xt::all());
        const auto result = tapegrad::mlp::explicit_backprop(model, Xb, Yb);
        accumulated += result.loss * static_cast<double>(stop - start);
        for (std::size_t layer = 0; layer < 2; ++layer) {
            model.coefs[layer] = model.coefs[layer] - 0.3 * result.coef_grads[layer];
            model.intercepts[layer] = model.intercepts[layer] - 0.3 * result.intercept_grads[layer];
        }
    }
    EXPECT_NEAR(clf.loss_(), accumulated / n, 1e-12);
    for (std::size_t layer = 0; layer < 2; ++layer) {
        EXPECT_TRUE(all_close(clf.coefs_()[layer], model.coefs[layer], 1e-12)) << "layer " << layer;
        EXPECT_TRUE(all_close(clf.intercepts_()[layer], model.intercepts[layer], 1e-12)) << "layer " << layer;
    }
    EXPECT_EQ(clf.t_(), n);
}

TEST(MLPBatches, ShuffleChangesTheOrderDeterministically) {
    MLPParams p = small(3);
    p.batch_size = 5;
    MLPClassifier<double> a(p), b(p);
    a.fit(blobs_X(40, 2), blobs_y(40, 2));
    b.fit(blobs_X(40, 2), blobs_y(40, 2));
    EXPECT_EQ(a.coefs_(), b.coefs_());  // the same random_state, the same fit
    p.shuffle = false;
    MLPClassifier<double> c(p);
    c.fit(blobs_X(40, 2), blobs_y(40, 2));
    EXPECT_NE(a.coefs_(), c.coefs_());
}

// ---- initial weights -------------------------------------------------------------------------

TEST(MLPInitialWeights, WrongShapeNamesTheLayer) {
    MLPClassifier<double> clf(small());
    clf.set_initial_weights({xt::zeros<double>({2, 5}), xt::zeros<double>({4, 1})},
                            {xt::zeros<double>({5}), xt::zeros<double>({1})});
    EXPECT_EQ(error_of([&] { clf.fit(blobs_X(10, 2), blobs_y(10, 2)); }),
              "initial weights: coefs[1] has shape (4, 1) but layer 1 needs (5, 1)");
    EXPECT_FALSE(clf.is_fitted());
}

TEST(MLPInitialWeights, RandomStateGivesTheSameInitEveryFit) {
    MLPParams p = small(1);
    p.learning_rate_init = 1e-300;  // the weights barely move: what we see is the init
    MLPRegressor<double> a(p), b(p);
    const Array<double> X = blobs_X(10, 2);
    testing::internal::CaptureStderr();
    a.fit(X, linear_targets(X, false));
    b.fit(X, linear_targets(X, false));
    testing::internal::GetCapturedStderr();
    EXPECT_EQ(a.coefs_(), b.coefs_());
    // glorot bound sqrt(6 / (fan_in + fan_out)) for relu
    const double bound = std::sqrt(6.0 / (2 + 5));
    const std::vector<Array<double>> coefs = a.coefs_();
    for (double w : coefs[0]) EXPECT_LE(std::abs(w), bound);
    p.random_state = 1;
    MLPRegressor<double> c(p);
    testing::internal::CaptureStderr();
    c.fit(X, linear_targets(X, false));
    testing::internal::GetCapturedStderr();
    EXPECT_NE(a.coefs_(), c.coefs_());
}

TEST(MLPInitialWeights, SetWeightsReplacesTheFittedOnes) {
    MLPParams p = small(2);
    p.hidden_layer_sizes = {};  // one layer: predict = X @ coef + intercept
    MLPRegressor<double> reg(p);
    const Array<double> X = blobs_X(10, 2);
    testing::internal::CaptureStderr();
    reg.fit(X, linear_targets(X, false));
    testing::internal::GetCapturedStderr();
    Array<double> coef = Array<double>::from_shape(Shape{2, 1});
    coef(0, 0) = 2.0;
    coef(1, 0) = -1.0;
    reg.set_weights({coef}, {Array<double>{0.5}});
    const Array<double> predicted = reg.predict(X);
    const Array<double> expected = linear_targets(X, false);
    EXPECT_TRUE(all_close(predicted, expected, 1e-14));
    EXPECT_EQ(error_of([&] { reg.set_weights({Array<double>{{2.0, 1.0}}}, {Array<double>{0.5}}); }),
              "initial weights: coefs[0] has shape (1, 2) but layer 0 needs (2, 1)");
}

// ---- warm_start and partial_fit --------------------------------------------------------------

TEST(MLPWarmStart, ContinuesFromTheFittedState) {
    MLPParams p = small(4);
    p.warm_start = true;
    MLPClassifier<double> clf(p);
    const Array<double> X = blobs_X(30, 2);
    testing::internal::CaptureStderr();
    clf.fit(X, blobs_y(30, 2));
    const auto first_coefs = clf.coefs_();
    clf.fit(X, blobs_y(30, 2));
    testing::internal::GetCapturedStderr();
    EXPECT_EQ(clf.n_iter_(), 8u);
    EXPECT_EQ(clf.t_(), 240u);
    EXPECT_EQ(clf.loss_curve_().size(), 8u);
    EXPECT_NE(clf.coefs_(), first_coefs);
    // sklearn warns only when n_iter_ == max_iter: 8 != 4, no warning in the second fit
    EXPECT_TRUE(clf.warnings_().empty());
}

TEST(MLPWarmStart, ColdRefitStartsOver) {
    MLPParams p = small(4);
    MLPClassifier<double> clf(p);
    const Array<double> X = blobs_X(30, 2);
    testing::internal::CaptureStderr();
    clf.fit(X, blobs_y(30, 2));
    const auto first_coefs = clf.coefs_();
    clf.fit(X, blobs_y(30, 2));
    testing::internal::GetCapturedStderr();
    EXPECT_EQ(clf.n_iter_(), 4u);
    EXPECT_EQ(clf.t_(), 120u);
    EXPECT_EQ(clf.coefs_(), first_coefs);
}

TEST(MLPWarmStart, KeepsTheArchitecture) {
    MLPParams p = small(2);
    p.warm_start = true;
    MLPRegressor<double> reg(p);
    const Array<double> X = blobs_X(10, 2);
    testing::internal::CaptureStderr();
    reg.fit(X, linear_targets(X, false));
    testing::internal::GetCapturedStderr();
    EXPECT_EQ(error_of([&] { reg.fit(X, linear_targets(X, true)); }),
              "MLPRegressor: y has 2 output(s) but the fitted network has 1; warm_start and partial_fit keep the "
              "outputs");
    reg.params().hidden_layer_sizes = {5, 3};
    EXPECT_EQ(error_of([&] { reg.fit(X, linear_targets(X, false)); }),
              "MLPRegressor: hidden_layer_sizes [5, 3] differ from the fitted network's layer_units [2, 5, 1]; "
              "warm_start and partial_fit keep the architecture");
    EXPECT_EQ(reg.n_iter_(), 2u);
}

TEST(MLPPartialFit, OneEpochPerCallOptimizerPersists) {
    MLPParams p = small(1);  // max_iter plays no part in partial_fit
    p.batch_size = 10;
    MLPClassifier<double> clf(p);
    const Array<double> X = blobs_X(30, 3);
    testing::internal::CaptureStderr();
    clf.partial_fit(X, blobs_y(30, 3), Labels(std::vector<std::int64_t>{0, 1, 2}));
    clf.partial_fit(X, blobs_y(30, 3));
    clf.partial_fit(X, blobs_y(30, 3));
    const std::string err = testing::internal::GetCapturedStderr();
    EXPECT_EQ(clf.n_iter_(), 3u);
    EXPECT_EQ(clf.t_(), 90u);
    EXPECT_EQ(clf.loss_curve_().size(), 3u);
    EXPECT_EQ(clf.adam_optimizer()->t(), 9u);  // 3 batches x 3 calls: the same Adam throughout
    EXPECT_EQ(clf.stop_reason_(), StopReason::partial_fit);
    EXPECT_TRUE(clf.warnings_().empty());
    EXPECT_EQ(err, "");
}

TEST(MLPPartialFit, AfterFitContinues) {
    MLPParams p = small(2);
    MLPRegressor<double> reg(p);
    const Array<double> X = blobs_X(20, 2);
    testing::internal::CaptureStderr();
    reg.fit(X, linear_targets(X, false));
    testing::internal::GetCapturedStderr();
    const auto fitted = reg.coefs_();
    reg.partial_fit(X, linear_targets(X, false));
    EXPECT_EQ(reg.n_iter_(), 3u);
    EXPECT_NE(reg.coefs_(), fitted);
}

TEST(MLPPartialFit, NeverEarlyStops) {
    MLPParams p = small();
    p.early_stopping = true;
    p.tol = 1e9;
    p.n_iter_no_change = 1;
    MLPClassifier<double> clf(p);
    for (int call = 0; call < 6; ++call)
        clf.partial_fit(blobs_X(20, 2), blobs_y(20, 2), Labels(std::vector<std::int64_t>{0, 1}));
    EXPECT_EQ(clf.n_iter_(), 6u);
    EXPECT_TRUE(clf.validation_scores_().empty());
}

TEST(MLPPartialFit, Multilabel) {
    Array<double> Y = xt::zeros<double>({12, 2});
    for (std::size_t i = 0; i < 12; ++i) Y(i, i % 2) = 1;
    MLPClassifier<double> clf(small());
    clf.partial_fit(blobs_X(12, 2), Y);
    clf.partial_fit(blobs_X(12, 2), Y);
    EXPECT_EQ(clf.n_iter_(), 2u);
    EXPECT_EQ(clf.predict_indicator(blobs_X(3, 2)).shape(), (Shape{3, 2}));
}

// ---- early stopping --------------------------------------------------------------------------

MLPParams noisy_early_stopping(std::size_t max_iter) {
    MLPParams p;
    p.hidden_layer_sizes = {8};
    p.solver = "sgd";
    p.learning_rate_init = 0.5;  // large steps: the validation score goes up and down
    p.momentum = 0.9;
    p.early_stopping = true;
    p.validation_fraction = 0.3;
    p.n_iter_no_change = 1000;  // run all max_iter epochs
    p.max_iter = max_iter;
    p.random_state = 3;
    return p;
}

/// Labels with some noise so that the validation accuracy fluctuates.
Labels noisy_labels(std::size_t n) {
    std::vector<std::int64_t> y(n);
    for (std::size_t i = 0; i < n; ++i) y[i] = static_cast<std::int64_t>((i % 2) ^ (i % 7 == 0 ? 1 : 0));
    return Labels(y);
}

TEST(MLPEarlyStopping, RestoresTheBestWeights) {
    const std::size_t n = 120;
    const Array<double> X = blobs_X(n, 2, 11);
    MLPClassifier<double> long_run(noisy_early_stopping(30));
    testing::internal::CaptureStderr();
    long_run.fit(X, noisy_labels(n));
    testing::internal::GetCapturedStderr();
    const auto& scores = long_run.validation_scores_();
    ASSERT_EQ(scores.size(), 30u);
    const std::size_t best = static_cast<std::size_t>(std::max_element(scores.begin(), scores.end()) - scores.begin());
    ASSERT_TRUE(long_run.best_validation_score_().has_value());
    EXPECT_EQ(*long_run.best_validation_score_(), scores[best]);
    EXPECT_FALSE(long_run.best_loss_().has_value());
    // The precondition of this test: the best epoch is not the last, so restoring matters.
    // The precondition of this test: the last epoch scores worse than the best, so its weights
    // differ from the best ones and restoring them matters.
    ASSERT_LT(scores.back(), scores[best]) << "choose data whose validation score peaks before the end";

    // The same fit stopped right after the best epoch ends with the weights of that epoch.
    MLPClassifier<double> short_run(noisy_early_stopping(best + 1));
    testing::internal::CaptureStderr();
    short_run.fit(X, noisy_labels(n));
    testing::internal::GetCapturedStderr();
    EXPECT_EQ(long_run.coefs_(), short_run.coefs_());
    EXPECT_EQ(long_run.intercepts_(), short_run.intercepts_());
}

TEST(MLPEarlyStopping, StopsOnTheValidationScore) {
    MLPParams p = small(200);
    p.early_stopping = true;
    p.tol = 1e9;  // no score ever improves by tol
    p.n_iter_no_change = 2;
    MLPRegressor<double> reg(p);
    const Array<double> X = blobs_X(40, 2);
    reg.fit(X, linear_targets(X, false));
    EXPECT_EQ(reg.n_iter_(), 4u);  // epoch 1 sets the best score, then counts 1, 2, 3 > 2
    EXPECT_EQ(reg.stop_reason_(), StopReason::no_improvement);
    EXPECT_EQ(reg.validation_scores_().size(), 4u);
    EXPECT_EQ(*reg.best_validation_score_(),
              *std::max_element(reg.validation_scores_().begin(), reg.validation_scores_().end()));
}

TEST(MLPEarlyStopping, SplitErrorsLeaveTheEstimatorUntouched) {
    MLPParams p = small(2);
    p.early_stopping = true;
    MLPClassifier<double> clf(p);
    // one member of class 1: a stratified split is impossible
    std::vector<std::int64_t> y(10, 0);
    y[3] = 1;
    EXPECT_THAT(error_of([&] { clf.fit(blobs_X(10, 2), Labels(y)); }),
                HasSubstr("the least populated class in y has only 1 member"));
    EXPECT_FALSE(clf.is_fitted());
    MLPRegressor<double> reg(p);
    EXPECT_THAT(error_of([&] { reg.fit(blobs_X(1, 2), Array<double>{1.0}); }),
                HasSubstr("with n_samples=1 and validation_fraction=0.1, the resulting train set will be empty"));
}

// ---- lbfgs -----------------------------------------------------------------------------------

TEST(MLPLbfgs, ReportsIterationsAndLosses) {
    MLPParams p = small(200);
    p.solver = "lbfgs";
    MLPClassifier<double> clf(p);
    const Array<double> X = blobs_X(40, 3);
    clf.fit(X, blobs_y(40, 3));
    EXPECT_TRUE(clf.loss_curve_().empty());  // sklearn 1.2 keeps none for lbfgs
    EXPECT_FALSE(clf.best_loss_().has_value());
    EXPECT_GT(clf.n_iter_(), 0u);
    EXPECT_LE(clf.n_iter_(), 200u);
    ASSERT_FALSE(clf.lbfgs_losses_().empty());
    EXPECT_EQ(clf.loss_(), clf.lbfgs_losses_().back());
    EXPECT_EQ(clf.t_(), 0u);
    EXPECT_GT(clf.score(X, blobs_y(40, 3)), 0.9);
}

TEST(MLPLbfgs, MaxIterWarnsLikeSklearn) {
    MLPParams p = small(3);
    p.solver = "lbfgs";
    MLPRegressor<double> reg(p);
    const Array<double> X = blobs_X(40, 3);
    testing::internal::CaptureStderr();
    reg.fit(X, linear_targets(X, true));
    const std::string err = testing::internal::GetCapturedStderr();
    EXPECT_EQ(reg.stop_reason_(), StopReason::max_iter);
    EXPECT_EQ(reg.n_iter_(), 3u);
    EXPECT_THAT(err, HasSubstr("ConvergenceWarning: lbfgs failed to converge (status=1):\n"));
    ASSERT_EQ(reg.warnings_().size(), 1u);
    EXPECT_THAT(reg.warnings_()[0], HasSubstr("Increase the number of iterations (max_iter) or scale the data"));
}

// ---- through the tape ------------------------------------------------------------------------

template <class Estimator>
void expect_tape_matches_oracle(Estimator& estimator, const Array<double>& X, const Array<double>& Y,
                                const std::string& output, const std::string& loss) {
    const double tape_loss = estimator.compute_loss_and_gradients(X, Y);
    const tapegrad::mlp::ExplicitMLP<double> model{estimator.coefs_(), estimator.intercepts_(),
                                                   estimator.params().activation, output, loss,
                                                   estimator.params().alpha};
    const auto oracle = tapegrad::mlp::explicit_backprop(model, X, Y);
    EXPECT_NEAR(tape_loss, oracle.loss, 1e-12);
    const auto coef_grads = estimator.coef_grads();
    const auto intercept_grads = estimator.intercept_grads();
    const auto activations = estimator.activations();
    ASSERT_EQ(coef_grads.size(), oracle.coef_grads.size());
    ASSERT_EQ(activations.size(), oracle.activations.size());
    for (std::size_t i = 0; i < coef_grads.size(); ++i) {
        EXPECT_TRUE(all_close(coef_grads[i], oracle.coef_grads[i], 1e-10)) << "coef_grads[" << i << "]";
        EXPECT_TRUE(all_close(intercept_grads[i], oracle.intercept_grads[i], 1e-10)) << "intercept_grads[" << i << "]";
    }
    for (std::size_t i = 0; i < activations.size(); ++i)
        EXPECT_TRUE(all_close(activations[i], oracle.activations[i], 1e-12)) << "activations[" << i << "]";
}

TEST(MLPTape, LossAndGradientsMatchTheOracle) {
    const Array<double> X = blobs_X(24, 3);
    MLPParams p = small(3);
    p.hidden_layer_sizes = {4, 3};
    p.activation = "tanh";
    p.alpha = 0.05;
    testing::internal::CaptureStderr();

    MLPClassifier<double> binary(p);
    binary.fit(X, blobs_y(24, 2));
    Array<double> Y_binary = Array<double>::from_shape(Shape{24, 1});
    for (std::size_t i = 0; i < 24; ++i) Y_binary(i, 0) = static_cast<double>(i % 2);
    expect_tape_matches_oracle(binary, X, Y_binary, "logistic", "binary_log_loss");
    EXPECT_DOUBLE_EQ(binary.compute_loss_and_gradients(X, blobs_y(24, 2)),
                     binary.compute_loss_and_gradients(X, Y_binary));

    MLPClassifier<double> multiclass(p);
    multiclass.fit(X, blobs_y(24, 3));
    Array<double> Y_onehot = xt::zeros<double>({24, 3});
    for (std::size_t i = 0; i < 24; ++i) Y_onehot(i, i % 3) = 1;
    expect_tape_matches_oracle(multiclass, X, Y_onehot, "softmax", "log_loss");

    p.activation = "relu";
    MLPRegressor<double> regressor(p);
    const Array<double> Y_reg = linear_targets(X, true);
    regressor.fit(X, Y_reg);
    expect_tape_matches_oracle(regressor, X, Y_reg, "identity", "squared_loss");
    testing::internal::GetCapturedStderr();
}

// ---- verbose, float --------------------------------------------------------------------------

TEST(MLPVerbose, PrintsSklearnsIterationLines) {
    MLPParams p = small(2);
    p.verbose = true;
    MLPClassifier<double> clf(p);
    testing::internal::CaptureStdout();
    testing::internal::CaptureStderr();
    clf.fit(blobs_X(20, 2), blobs_y(20, 2));
    testing::internal::GetCapturedStderr();
    const std::string out = testing::internal::GetCapturedStdout();
    EXPECT_THAT(out, testing::ContainsRegex("Iteration 1, loss = [0-9]+\\.[0-9]{8}\n"));
    EXPECT_THAT(out, testing::ContainsRegex("Iteration 2, loss = [0-9]+\\.[0-9]{8}\n"));
}

TEST(MLPFloat, ClassifierAndRegressorFitInFloat32) {
    const Array<float> X = blobs_X<float>(60, 3);
    MLPParams p = small(200);
    p.learning_rate_init = 0.02;
    MLPClassifier<float> clf(p);
    clf.fit(X, blobs_y(60, 3));
    EXPECT_GT(clf.score(X, blobs_y(60, 3)), 0.95);
    EXPECT_TRUE(std::isfinite(clf.loss_()));
    const Array<float> proba = clf.predict_proba(X);
    EXPECT_EQ(proba.shape(), (Shape{60, 3}));

    p.solver = "lbfgs";
    MLPRegressor<float> reg(p);
    reg.fit(X, linear_targets<float>(X, false));
    EXPECT_GT(reg.score(X, linear_targets<float>(X, false)), 0.99);
}

TEST(MLPNonFinite, DivergenceInTheFirstEpochLeavesTheEstimatorUnfitted) {
    const Array<double> X = blobs_X(20, 2) * 1e200;
    MLPParams p = small(5);
    p.solver = "sgd";
    p.learning_rate_init = 10;
    MLPRegressor<double> reg(p);
    EXPECT_EQ(error_of([&] { reg.fit(X, linear_targets(X, false)); }),
              "MLPRegressor: training diverged at epoch 1, batch 1: loss is inf; no epoch finished, so the estimator is "
              "not fitted");
    EXPECT_FALSE(reg.is_fitted());
}

TEST(MLPNonFinite, LbfgsDivergesOnlyAtItsStartingPoint) {
    const Array<double> X = blobs_X(20, 2) * 1e200;
    MLPParams p = small(5);
    p.solver = "lbfgs";
    MLPRegressor<double> reg(p);
    EXPECT_EQ(error_of([&] { reg.fit(X, linear_targets(X, false)); }),
              "MLPRegressor: training diverged at iteration 0 (the starting point): loss is inf; no epoch finished, so "
              "the estimator is not fitted");
    EXPECT_FALSE(reg.is_fitted());
}

}  // namespace
