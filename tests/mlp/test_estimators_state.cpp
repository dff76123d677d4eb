// MLPClassifier / MLPRegressor: fitted_state() / restore() (exact round trip, bad states
// rejected, warm_start from a restored estimator), the epoch callback, and divergence (a
// non-finite loss stops training with a DivergenceError; the last finite epoch's weights stay).

#include <cmath>
#include <string>
#include <vector>

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <tapegrad/mlp/mlp.hpp>
#include <tapegrad/nn/random.hpp>

namespace {

using tapegrad::Array;
using tapegrad::Error;
using tapegrad::Shape;
using namespace tapegrad::mlp;
using testing::HasSubstr;

/// X (n, 3) uniform in [-scale, scale]; y = x0 * x1; classes: 3 by the sign pattern.
Array<double> features(std::size_t n, double scale, std::uint32_t seed = 3) {
    tapegrad::nn::Random rng(seed);
    Array<double> X = Array<double>::from_shape(Shape{n, std::size_t(3)});
    for (double& v : X) v = scale * rng.uniform(-1, 1);
    return X;
}
Array<double> products(const Array<double>& X) {
    Array<double> y = Array<double>::from_shape(Shape{X.shape()[0]});
    for (std::size_t i = 0; i < X.shape()[0]; ++i) y(i) = X(i, 0) * X(i, 1);
    return y;
}
Labels three_classes(const Array<double>& X) {
    std::vector<std::string> y;
    for (std::size_t i = 0; i < X.shape()[0]; ++i) y.push_back(X(i, 0) > 0 ? "pos" : (X(i, 1) > 0 ? "mid" : "neg"));
    return Labels(y);
}

std::string error_of(const std::function<void()>& f) {
    try {
        f();
    } catch (const Error& e) {
        return e.what();
    }
    return "(no error)";
}

MLPParams quiet(const std::string& solver, std::size_t max_iter) {
    MLPParams p;
    p.hidden_layer_sizes = {6, 4};
    p.solver = solver;
    p.max_iter = max_iter;
    p.random_state = 0;
    return p;
}

template <class T>
void expect_same_arrays(const std::vector<Array<T>>& a, const std::vector<Array<T>>& b) {
    ASSERT_EQ(a.size(), b.size());
    for (std::size_t i = 0; i < a.size(); ++i) EXPECT_EQ(a[i], b[i]) << "array " << i;
}

template <class E>
void expect_same_attributes(const E& a, const E& b) {
    expect_same_arrays(a.coefs_(), b.coefs_());
    expect_same_arrays(a.intercepts_(), b.intercepts_());
    EXPECT_EQ(a.loss_(), b.loss_());
    EXPECT_EQ(a.best_loss_(), b.best_loss_());
    EXPECT_EQ(a.loss_curve_(), b.loss_curve_());
    EXPECT_EQ(a.lbfgs_losses_(), b.lbfgs_losses_());
    EXPECT_EQ(a.validation_scores_(), b.validation_scores_());
    EXPECT_EQ(a.best_validation_score_(), b.best_validation_score_());
    EXPECT_EQ(a.n_iter_(), b.n_iter_());
    EXPECT_EQ(a.t_(), b.t_());
    EXPECT_EQ(a.n_features_in_(), b.n_features_in_());
    EXPECT_EQ(a.n_layers_(), b.n_layers_());
    EXPECT_EQ(a.n_outputs_(), b.n_outputs_());
    EXPECT_EQ(a.out_activation_(), b.out_activation_());
    EXPECT_EQ(a.stop_reason_(), b.stop_reason_());
    EXPECT_EQ(a.warnings_(), b.warnings_());
}

// ---- restore ---------------------------------------------------------------------------------

TEST(MLPRestore, ClassifierRoundTripIsExact) {
    const Array<double> X = features(60, 1.0);
    MLPClassifier<double> fitted(quiet("adam", 5));  // max_iter reached: a ConvergenceWarning
    testing::internal::CaptureStderr();
    fitted.fit(X, three_classes(X));
    testing::internal::GetCapturedStderr();
    ASSERT_FALSE(fitted.warnings_().empty());

    MLPClassifier<double> restored(quiet("adam", 5));
    restored.restore(fitted.fitted_state());
    expect_same_attributes(fitted, restored);
    EXPECT_EQ(restored.classes_(), fitted.classes_());
    EXPECT_EQ(restored.predict(X), fitted.predict(X));
    EXPECT_EQ(restored.predict_proba(X), fitted.predict_proba(X));  // bitwise
}

TEST(MLPRestore, MultilabelAndEarlyStoppingRegressorRoundTrips) {
    const Array<double> X = features(60, 1.0);
    Array<double> Y = Array<double>::from_shape(Shape{60, std::size_t(2)});
    for (std::size_t i = 0; i < 60; ++i) {
        Y(i, 0) = X(i, 0) > 0;
        Y(i, 1) = X(i, 1) > 0;
    }
    MLPClassifier<double> multilabel(quiet("lbfgs", 30));
    testing::internal::CaptureStderr();
    multilabel.fit(X, Y);
    MLPClassifier<double> restored_multilabel(quiet("lbfgs", 30));
    restored_multilabel.restore(multilabel.fitted_state());
    expect_same_attributes(multilabel, restored_multilabel);
    EXPECT_TRUE(restored_multilabel.is_multilabel());
    EXPECT_EQ(restored_multilabel.predict_proba(X), multilabel.predict_proba(X));

    MLPParams p = quiet("sgd", 20);
    p.early_stopping = true;
    MLPRegressor<float> regressor(p);
    const Array<float> Xf = xt::cast<float>(X);
    regressor.fit(Xf, Array<float>(xt::cast<float>(products(X))));
    testing::internal::GetCapturedStderr();
    MLPRegressor<float> restored(p);
    restored.restore(regressor.fitted_state());
    expect_same_attributes(regressor, restored);
    ASSERT_TRUE(restored.best_validation_score_().has_value());
    EXPECT_FALSE(restored.best_loss_().has_value());
    EXPECT_EQ(restored.predict(Xf), regressor.predict(Xf));
}

TEST(MLPRestore, WarmStartFromARestoredEstimatorContinuesAsTheOriginal) {
    const Array<double> X = features(50, 1.0);
    const Array<double> y = products(X);
    for (const char* solver : {"sgd", "adam", "lbfgs"}) {
        MLPParams p = quiet(solver, 4);
        p.warm_start = true;
        MLPRegressor<double> original(p);
        testing::internal::CaptureStderr();
        original.fit(X, y);
        MLPRegressor<double> restored(p);
        restored.restore(original.fitted_state());
        original.fit(X, y);  // both go on from the same weights with a new optimizer
        restored.fit(X, y);
        testing::internal::GetCapturedStderr();
        SCOPED_TRACE(solver);
        expect_same_attributes(original, restored);
    }
}

TEST(MLPRestore, BadStatesAreRejectedAndChangeNothing) {
    const Array<double> X = features(40, 1.0);
    MLPClassifier<double> fitted(quiet("lbfgs", 10));
    testing::internal::CaptureStderr();
    fitted.fit(X, three_classes(X));
    testing::internal::GetCapturedStderr();
    const FittedState<double> good = fitted.fitted_state();
    MLPClassifier<double> target(quiet("lbfgs", 10));

    auto rejected = [&](const std::function<void(FittedState<double>&)>& spoil) {
        FittedState<double> bad = good;
        spoil(bad);
        const std::string message = error_of([&] { target.restore(bad); });
        EXPECT_FALSE(target.is_fitted());
        return message;
    };
    EXPECT_THAT(rejected([](auto& s) { s.coefs[1] = xt::zeros<double>({5, 4}); }),
                HasSubstr("MLPClassifier.restore: coefs[1] has shape (5, 4); expected (6, units)"));
    EXPECT_THAT(rejected([](auto& s) { s.intercepts[0] = xt::zeros<double>({7}); }),
                HasSubstr("intercepts[0] has shape (7,) for coefs[0] of shape (3, 6)"));
    EXPECT_THAT(rejected([](auto& s) { s.coefs[2](0, 0) = std::nan(""); }), HasSubstr("layer 2 has non-finite weights"));
    EXPECT_THAT(rejected([](auto& s) { s.n_features_in = 4; }), HasSubstr("coefs[0] has shape (3, 6)"));
    EXPECT_THAT(rejected([](auto& s) { s.classes = Labels(std::vector<std::string>{"pos", "neg", "mid"}); }),
                HasSubstr("are not sorted and distinct (at pos, neg)"));
    EXPECT_THAT(rejected([](auto& s) { s.classes = Labels(std::vector<std::string>{"a", "a", "b"}); }),
                HasSubstr("not sorted and distinct"));
    EXPECT_THAT(rejected([](auto& s) { s.out_activation = OutputActivation::logistic; }),
                HasSubstr("out_activation must be softmax for these classes, not logistic"));
    EXPECT_THAT(rejected([](auto& s) { s.classes = Labels(std::vector<std::int64_t>{0, 1}); }),
                HasSubstr("2 classes need 1 output(s), the state has 3"));
    EXPECT_THAT(rejected([](auto& s) { s.loss = INFINITY; }), HasSubstr("loss is not finite"));
    EXPECT_THAT(rejected([](auto& s) { s.stop_reason = StopReason::not_fitted; }), HasSubstr("stop_reason is not_fitted"));
    target.params().hidden_layer_sizes = {6};
    EXPECT_THAT(rejected([](auto&) {}), HasSubstr("the weights have hidden layers [6, 4] but params().hidden_layer_sizes is [6]"));

    MLPRegressor<double> regressor(quiet("lbfgs", 10));
    EXPECT_THAT(error_of([&] { regressor.restore(good); }),
                HasSubstr("MLPRegressor.restore: an MLPRegressor has no classes"));
    EXPECT_THAT(error_of([&] { (void)regressor.fitted_state(); }), HasSubstr("not fitted yet"));
}

// ---- epoch callback --------------------------------------------------------------------------

TEST(MLPEpochCallback, CalledAfterEachEpochAndLbfgsIteration) {
    const Array<double> X = features(50, 1.0);
    const Array<double> y = products(X);
    for (const char* solver : {"sgd", "adam", "lbfgs"}) {
        SCOPED_TRACE(solver);
        MLPRegressor<double> reg(quiet(solver, 7));
        std::vector<std::size_t> epochs;
        std::vector<double> losses;
        reg.set_epoch_callback([&](std::size_t epoch, double loss) {
            epochs.push_back(epoch);
            losses.push_back(loss);
        });
        testing::internal::CaptureStderr();
        reg.fit(X, y);
        testing::internal::GetCapturedStderr();
        ASSERT_EQ(epochs.size(), reg.n_iter_());
        for (std::size_t i = 0; i < epochs.size(); ++i) EXPECT_EQ(epochs[i], i + 1);
        const auto& curve = std::string(solver) == "lbfgs" ? reg.lbfgs_losses_() : reg.loss_curve_();
        EXPECT_EQ(losses, std::vector<double>(curve.begin(), curve.end()));
    }
}

TEST(MLPEpochCallback, AnExceptionStopsTrainingAtThatEpoch) {
    const Array<double> X = features(50, 1.0);
    MLPRegressor<double> reg(quiet("adam", 50));
    std::vector<Array<double>> coefs_at_epoch_3;
    reg.set_epoch_callback([&](std::size_t epoch, double) {
        if (epoch == 3) {
            coefs_at_epoch_3 = reg.coefs_();
            throw std::runtime_error("stop");
        }
    });
    EXPECT_THROW(reg.fit(X, products(X)), std::runtime_error);
    EXPECT_TRUE(reg.is_fitted());
    EXPECT_EQ(reg.n_iter_(), 3u);
    expect_same_arrays(reg.coefs_(), coefs_at_epoch_3);
}

// ---- divergence ------------------------------------------------------------------------------

TEST(MLPDivergence, KeepsTheLastFiniteEpochsWeights) {
    const Array<double> X = features(40, 10.0);  // unscaled
    MLPParams p = quiet("sgd", 50);
    p.hidden_layer_sizes = {8};
    p.learning_rate_init = 0.003;
    p.momentum = 0.9;
    p.batch_size = 10;
    MLPRegressor<double> reg(p);
    std::vector<Array<double>> last_coefs, last_intercepts;
    reg.set_epoch_callback([&](std::size_t, double) {
        last_coefs = reg.coefs_();
        last_intercepts = reg.intercepts_();
    });
    try {
        reg.fit(X, products(X));
        FAIL() << "no divergence";
    } catch (const DivergenceError& e) {
        EXPECT_STREQ(e.what(),
                     "MLPRegressor: training diverged at epoch 9, batch 2: loss is inf; the weights of the last finite "
                     "epoch (8) were kept");
        EXPECT_EQ(e.epoch(), 9u);
        EXPECT_EQ(e.batch(), 2u);
    }
    ASSERT_TRUE(reg.is_fitted());
    EXPECT_EQ(reg.n_iter_(), 8u);
    EXPECT_EQ(reg.loss_curve_().size(), 8u);
    EXPECT_EQ(reg.stop_reason_(), StopReason::diverged);
    EXPECT_TRUE(std::isfinite(reg.loss_()));
    expect_same_arrays(reg.coefs_(), last_coefs);
    expect_same_arrays(reg.intercepts_(), last_intercepts);
    (void)reg.predict(X);
}

TEST(MLPDivergence, HugeLearningRateInTheFirstEpochLeavesTheEstimatorUnfitted) {
    const Array<double> X = features(40, 100.0);
    MLPParams p = quiet("sgd", 20);
    p.learning_rate_init = 1e6;
    p.momentum = 0.9;
    p.batch_size = 10;
    MLPRegressor<double> reg(p);
    EXPECT_EQ(error_of([&] { reg.fit(X, products(X)); }),
              "MLPRegressor: training diverged at epoch 1, batch 3: loss is inf; no epoch finished, so the estimator "
              "is not fitted");
    EXPECT_FALSE(reg.is_fitted());
    EXPECT_EQ(reg.stop_reason_(), StopReason::not_fitted);
}

TEST(MLPDivergence, ClassifierWithHugeLearningRate) {
    const Array<double> X = features(60, 100.0);
    MLPParams p = quiet("sgd", 20);
    p.learning_rate_init = 1e6;
    p.momentum = 0.9;
    MLPClassifier<double> clf(p);
    const std::string message = error_of([&] { clf.fit(X, three_classes(X)); });
    EXPECT_THAT(message, testing::StartsWith("MLPClassifier: training diverged at epoch "));
    if (clf.is_fitted()) {
        EXPECT_EQ(clf.classes_().size(), 3u);
        for (const auto& coef : clf.coefs_())
            for (double v : coef) EXPECT_TRUE(std::isfinite(v));
    }
}

TEST(MLPDivergence, EarlyStoppingKeepsTheBestWeights) {
    const Array<double> X = features(60, 10.0);
    MLPParams p = quiet("sgd", 50);
    p.hidden_layer_sizes = {8};
    p.learning_rate_init = 0.003;
    p.momentum = 0.9;
    p.batch_size = 10;
    p.early_stopping = true;
    p.n_iter_no_change = 1000;
    MLPRegressor<double> reg(p);
    double best = -INFINITY;
    std::vector<Array<double>> best_coefs;
    reg.set_epoch_callback([&](std::size_t, double) {
        if (reg.validation_scores_().back() > best) {
            best = reg.validation_scores_().back();
            best_coefs = reg.coefs_();
        }
    });
    const std::string message = error_of([&] { reg.fit(X, products(X)); });
    EXPECT_THAT(message, HasSubstr("MLPRegressor: training diverged at epoch "));
    EXPECT_THAT(message, HasSubstr("; the best weights (validation score "));
    ASSERT_TRUE(reg.is_fitted());
    expect_same_arrays(reg.coefs_(), best_coefs);
    EXPECT_EQ(reg.best_validation_score_(), best);
}

TEST(MLPDivergence, PartialFitKeepsThePreviousEpoch) {
    const Array<double> X = features(40, 10.0);
    MLPParams p = quiet("sgd", 50);
    p.hidden_layer_sizes = {8};
    p.learning_rate_init = 0.003;
    p.momentum = 0.9;
    p.batch_size = 10;
    MLPRegressor<double> reg(p);
    std::size_t calls = 0;
    std::vector<Array<double>> before;
    try {
        for (; calls < 50; ++calls) {
            before = reg.is_fitted() ? reg.coefs_() : std::vector<Array<double>>{};
            reg.partial_fit(X, products(X));
        }
        FAIL() << "no divergence";
    } catch (const DivergenceError& e) {
        EXPECT_EQ(e.epoch(), calls + 1);
    }
    ASSERT_TRUE(reg.is_fitted());
    EXPECT_EQ(reg.n_iter_(), calls);
    expect_same_arrays(reg.coefs_(), before);
    EXPECT_EQ(reg.sgd_optimizer(), nullptr);  // its velocities went non-finite: the next call makes a new one
}

}  // namespace
