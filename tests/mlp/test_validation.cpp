// Validation, the cases test_estimators.cpp and test_params.cpp leave out: one sample, no
// features, non-finite targets of every kind, float32 data, partial_fit's feature count, early
// stopping on too few samples. Each is an error naming what is wrong (sklearn's words where sklearn
// has some), and a refused fit leaves a fitted estimator as it was.

#include <cmath>
#include <string>
#include <vector>

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <tapegrad/mlp/mlp.hpp>

namespace {

using tapegrad::Array;
using tapegrad::Error;
using tapegrad::Shape;
using tapegrad::mlp::Labels;
using tapegrad::mlp::MLPClassifier;
using tapegrad::mlp::MLPParams;
using tapegrad::mlp::MLPRegressor;
using testing::HasSubstr;

MLPParams small(const std::string& solver = "adam") {
    MLPParams p;
    p.hidden_layer_sizes = {4};
    p.max_iter = 5;
    p.random_state = 0;
    p.solver = solver;
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

Array<double> grid(std::size_t n) {
    Array<double> X = Array<double>::from_shape(Shape{n, std::size_t(2)});
    for (std::size_t i = 0; i < n; ++i) {
        X(i, 0) = static_cast<double>(i % 5) - 2;
        X(i, 1) = static_cast<double>(i % 3) - 1;
    }
    return X;
}

Labels alternating(std::size_t n) {
    std::vector<std::int64_t> y(n);
    for (std::size_t i = 0; i < n; ++i) y[i] = static_cast<std::int64_t>(i % 2);
    return Labels(y);
}

// ---- one sample ------------------------------------------------------------------------------

TEST(OneSample, RegressorFitsWithEverySolver) {  // as sklearn does
    for (const char* solver : {"adam", "sgd", "lbfgs"}) {
        MLPRegressor<double> regressor(small(solver));
        regressor.fit(Array<double>{{1.0, 2.0}}, Array<double>{3.0});
        const Array<double> predicted = regressor.predict(Array<double>{{1.0, 2.0}});
        ASSERT_EQ(predicted.size(), 1u);
        EXPECT_TRUE(std::isfinite(predicted(0))) << solver;
    }
}

TEST(OneSample, ClassifierHasASingleClass) {
    MLPClassifier<double> classifier(small());
    EXPECT_EQ(error_of([&] { classifier.fit(Array<double>{{1.0, 2.0}}, Labels(std::vector<std::int64_t>{3})); }),
              "MLPClassifier: y has a single class [3]; a classifier needs at least 2 classes");
}

TEST(OneSample, EarlyStoppingHasNoTrainingSet) {
    MLPParams p = small();
    p.early_stopping = true;
    MLPRegressor<double> regressor(p);
    EXPECT_EQ(error_of([&] { regressor.fit(Array<double>{{1.0, 2.0}}, Array<double>{3.0}); }),
              "early_stopping: with n_samples=1 and validation_fraction=0.1, the resulting train set will be empty. "
              "Adjust validation_fraction or pass more samples.");
    EXPECT_FALSE(regressor.is_fitted());
}

TEST(OneSample, PartialFitWithOneSample) {
    MLPClassifier<double> classifier(small());
    classifier.partial_fit(Array<double>{{1.0, 2.0}}, Labels(std::vector<std::int64_t>{1}),
                           Labels(std::vector<std::int64_t>{0, 1}));
    EXPECT_EQ(classifier.predict(Array<double>{{1.0, 2.0}}).size(), 1u);
}

TEST(FewSamples, EarlyStoppingStratifiedSplitNeedsTwoOfEachClass) {
    MLPParams p = small();
    p.early_stopping = true;
    MLPClassifier<double> classifier(p);
    EXPECT_EQ(error_of([&] { classifier.fit(grid(3), Labels(std::vector<std::int64_t>{0, 1, 1})); }),
              "early_stopping: the least populated class in y has only 1 member, which is too few to stratify the "
              "validation split; the minimum is 2.");
}

// ---- empty data ------------------------------------------------------------------------------

TEST(EmptyData, NoFeatures) {
    MLPRegressor<double> regressor(small());
    EXPECT_EQ(error_of([&] { regressor.fit(Array<double>::from_shape(Shape{3, 0}), Array<double>{1.0, 2.0, 3.0}); }),
              "Found array with 0 feature(s) (shape=(3, 0)) while a minimum of 1 is required by MLPRegressor.");
}

TEST(EmptyData, NoSamplesForTheClassifier) {
    MLPClassifier<double> classifier(small());
    EXPECT_EQ(error_of([&] { classifier.fit(Array<double>::from_shape(Shape{0, 2}), Labels(std::vector<std::int64_t>{})); }),
              "Found array with 0 sample(s) (shape=(0, 2)) while a minimum of 1 is required by MLPClassifier.");
}

TEST(EmptyData, NoSamplesAtPredict) {
    MLPRegressor<double> regressor(small());
    regressor.fit(grid(10), Array<double>(xt::ones<double>({10})));
    EXPECT_EQ(error_of([&] { regressor.predict(Array<double>::from_shape(Shape{0, 2})); }),
              "Found array with 0 sample(s) (shape=(0, 2)) while a minimum of 1 is required by MLPRegressor.");
}

TEST(EmptyData, RegressionTargetWithoutOutputs) {
    MLPRegressor<double> regressor(small());
    EXPECT_THAT(error_of([&] { regressor.fit(grid(4), Array<double>::from_shape(Shape{4, 0})); }),
                HasSubstr("has no output column"));
}

// ---- non-finite values -----------------------------------------------------------------------

TEST(NonFinite, InfinityInRegressionTarget) {
    MLPRegressor<double> regressor(small());
    Array<double> y = {1.0, 2.0, INFINITY, 4.0};
    EXPECT_EQ(error_of([&] { regressor.fit(grid(4), y); }), "MLPRegressor: Input y contains infinity at row 2, column 0.");
}

TEST(NonFinite, NaNInMultilabelTargets) {
    MLPClassifier<double> classifier(small());
    Array<double> Y = {{0, 1}, {1, NAN}, {1, 1}};
    EXPECT_EQ(error_of([&] { classifier.fit(grid(3), Y); }),
              "MLPClassifier: multilabel Y must hold only 0 and 1; found nan at row 1, column 1.");
}

TEST(NonFinite, NaNInFloat32X) {
    MLPClassifier<float> classifier(small());
    Array<float> X = Array<float>(xt::cast<float>(grid(6)));
    X(5, 1) = NAN;
    EXPECT_EQ(error_of([&] { classifier.fit(X, alternating(6)); }), "MLPClassifier: Input X contains NaN at row 5, column 1.");
}

TEST(NonFinite, InfinityInXAtPartialFit) {
    MLPRegressor<double> regressor(small());
    Array<double> X = grid(4);
    X(1, 1) = -INFINITY;
    EXPECT_EQ(error_of([&] { regressor.partial_fit(X, Array<double>{1.0, 2.0, 3.0, 4.0}); }),
              "MLPRegressor: Input X contains infinity at row 1, column 1.");
}

// ---- a refused fit changes nothing -----------------------------------------------------------

TEST(RefusedFit, LeavesTheFittedModelAsItWas) {
    MLPParams p = small();
    p.warm_start = true;
    MLPClassifier<double> classifier(p);
    classifier.fit(grid(12), alternating(12));
    const auto coefs = classifier.coefs_();
    const auto curve = classifier.loss_curve_();

    Array<double> bad = grid(12);
    bad(7, 0) = NAN;
    EXPECT_THROW(classifier.fit(bad, alternating(12)), Error);
    EXPECT_THROW(classifier.fit(grid(12), Labels(std::vector<std::int64_t>(12, 1))), Error);
    EXPECT_THROW(classifier.partial_fit(xt::zeros<double>({3, 5}), Labels(std::vector<std::int64_t>{0, 1, 0})), Error);
    classifier.params().alpha = -1;
    EXPECT_THROW(classifier.fit(grid(12), alternating(12)), tapegrad::mlp::InvalidParameter);

    ASSERT_TRUE(classifier.is_fitted());
    EXPECT_EQ(classifier.loss_curve_(), curve);
    const auto after = classifier.coefs_();
    ASSERT_EQ(after.size(), coefs.size());
    for (std::size_t i = 0; i < coefs.size(); ++i) EXPECT_EQ(after[i], coefs[i]) << "layer " << i;
}

// ---- feature count ---------------------------------------------------------------------------

TEST(FeatureCount, PartialFitAfterFit) {
    MLPRegressor<double> regressor(small());
    regressor.fit(grid(6), Array<double>(xt::ones<double>({6})));
    EXPECT_EQ(error_of([&] { regressor.partial_fit(xt::zeros<double>({2, 3}), Array<double>{1.0, 2.0}); }),
              "X has 3 features, but MLPRegressor is expecting 2 features as input.");
}

TEST(FeatureCount, PredictProbaAndLogProba) {
    MLPClassifier<double> classifier(small());
    classifier.fit(grid(8), alternating(8));
    const std::string expected = "X has 1 features, but MLPClassifier is expecting 2 features as input.";
    EXPECT_EQ(error_of([&] { classifier.predict_proba(xt::zeros<double>({2, 1})); }), expected);
    EXPECT_EQ(error_of([&] { classifier.predict_log_proba(xt::zeros<double>({2, 1})); }), expected);
}

// ---- hyperparameters: every out-of-range value is named at fit, also for partial_fit ----------

TEST(Hyperparameters, CheckedByPartialFitToo) {
    MLPParams p = small();
    p.learning_rate_init = 0;
    MLPRegressor<double> regressor(p);
    EXPECT_EQ(error_of([&] { regressor.partial_fit(grid(4), Array<double>{1.0, 2.0, 3.0, 4.0}); }),
              "The 'learning_rate_init' parameter of MLPRegressor must be a float in the range (0, inf). Got 0.0 "
              "instead.");
}

TEST(Hyperparameters, HiddenLayerSizeZeroAtFit) {
    MLPParams p = small();
    p.hidden_layer_sizes = {4, 0};
    MLPClassifier<double> classifier(p);
    EXPECT_EQ(error_of([&] { classifier.fit(grid(6), alternating(6)); }), "hidden_layer_sizes must be > 0, got [4, 0].");
    EXPECT_FALSE(classifier.is_fitted());
}

}  // namespace
