// tapegrad's MLPClassifier / MLPRegressor against whole scikit-learn 1.2.1 fits (the training
// fixtures of make_sklearn_fixtures.py; see its docstring for how sklearn was made to start
// from given weights):
//   Stochastic   sgd (every schedule, momentum 0 / 0.9, Nesterov on and off) and adam, for
//                binary, multiclass (integer and string labels), multilabel and regression with
//                1 and 2 outputs, shuffle off, from the same initial weights: the loss curve
//                epoch by epoch to 1e-6 relative, n_iter_ and t_ equal, best_loss_, and with
//                early stopping validation_scores_ and best_validation_score_; predict_proba
//                (classifier) or predict (regressor) on held-out rows to 1e-6, predicted labels
//                equal, final weights to 1e-6 of each array's scale.
//   Lbfgs        final loss within 5% of sklearn's (scipy's L-BFGS-B follows another path).
//   RandomState  random_state = k with shuffle on and sklearn's own init: the initial weights
//                equal sklearn's to 1e-15, and the whole fit matches as above (batch order and
//                early-stopping split drawn from the same numpy-compatible stream).

#include <cmath>
#include <functional>

#include <gtest/gtest.h>

#include <tapegrad/mlp/mlp.hpp>
#include <tapegrad/mlp/network.hpp>
#include <tapegrad/nn/random.hpp>

#include "fixtures/sklearn_fixture.hpp"

namespace tapegrad::test {
namespace {

using mlp::MLPClassifier;
using mlp::MLPParams;
using mlp::MLPRegressor;

constexpr double kCurveTolerance = 1e-6;       // loss curve, validation scores, outputs
constexpr double kWeightTolerance = 1e-6;      // final weights, relative to each array's largest
constexpr double kInitTolerance = 1e-15;       // random_state initial weights
constexpr double kLbfgsLossTolerance = 0.05;   // lbfgs final loss, relative

/// sklearn's constructor parameters as written in the fixture; absent keys keep the defaults
/// (which are sklearn's).
MLPParams params_of(const json& fixture) {
    const json& p = fixture.at("params");
    MLPParams params;
    params.hidden_layer_sizes = p.at("hidden_layer_sizes").get<std::vector<std::size_t>>();
    params.activation = p.at("activation").get<std::string>();
    params.solver = p.at("solver").get<std::string>();
    params.alpha = p.at("alpha").get<double>();
    if (p.contains("batch_size") && p.at("batch_size").is_number())
        params.batch_size = p.at("batch_size").get<std::size_t>();
    if (p.contains("random_state")) params.random_state = p.at("random_state").get<std::uint32_t>();
    auto set = [&](const char* key, auto& field) {
        if (p.contains(key)) field = p.at(key).get<std::decay_t<decltype(field)>>();
    };
    set("learning_rate", params.learning_rate);
    set("learning_rate_init", params.learning_rate_init);
    set("power_t", params.power_t);
    set("max_iter", params.max_iter);
    set("shuffle", params.shuffle);
    set("tol", params.tol);
    set("momentum", params.momentum);
    set("nesterovs_momentum", params.nesterovs_momentum);
    set("early_stopping", params.early_stopping);
    set("validation_fraction", params.validation_fraction);
    set("beta_1", params.beta_1);
    set("beta_2", params.beta_2);
    set("epsilon", params.epsilon);
    set("n_iter_no_change", params.n_iter_no_change);
    set("max_fun", params.max_fun);
    return params;
}

/// Class labels of a binary or multiclass fixture: integers, or strings.
mlp::Labels labels_of(const json& values) {
    if (!values.empty() && values[0].is_string()) return mlp::Labels(values.get<std::vector<std::string>>());
    return mlp::Labels(values.get<std::vector<std::int64_t>>());
}

bool is_multilabel(const json& fixture) { return fixture.at("target").get<std::string>() == "multilabel"; }

/// The fitted attributes every check reads, whichever the estimator.
struct Fitted {
    std::vector<double> loss_curve, validation_scores;
    std::optional<double> best_loss, best_validation_score;
    double loss = 0;
    std::size_t n_iter = 0, t = 0;
    std::vector<Array<double>> coefs, intercepts;
    Array<double> outputs;                // predict_proba (classifier) or predict (regressor) on X_test
    std::vector<std::string> predicted;   // class labels predicted on X_test (binary / multiclass)
    Array<double> indicator;              // predict_indicator(X_test) (multilabel)
    std::vector<std::string> classes;
};

template <class Estimator>
void read_common(const Estimator& estimator, Fitted& fitted) {
    fitted.loss_curve.assign(estimator.loss_curve_().begin(), estimator.loss_curve_().end());
    fitted.validation_scores = estimator.validation_scores_();
    fitted.best_validation_score = estimator.best_validation_score_();
    if (estimator.best_loss_()) fitted.best_loss = *estimator.best_loss_();
    fitted.loss = estimator.loss_();
    fitted.n_iter = estimator.n_iter_();
    fitted.t = estimator.t_();
    fitted.coefs = estimator.coefs_();
    fitted.intercepts = estimator.intercepts_();
}

/// Fits tapegrad's estimator the way the fixture's sklearn fit went.
Fitted fit_like_sklearn(const json& fixture) {
    const MLPParams params = params_of(fixture);
    const Array<double> X = to_array<double>(fixture.at("X"));
    const Array<double> X_test = to_array<double>(fixture.at("X_test"));
    const bool given = fixture.at("given_initial_weights").get<bool>();
    const auto initial_coefs = to_arrays<double>(fixture.at("initial_coefs"));
    const auto initial_intercepts = to_arrays<double>(fixture.at("initial_intercepts"));
    Fitted fitted;
    if (fixture.at("estimator").get<std::string>() == "MLPClassifier") {
        MLPClassifier<double> classifier(params);
        if (given) classifier.set_initial_weights(initial_coefs, initial_intercepts);
        if (is_multilabel(fixture)) {
            classifier.fit(X, to_array<double>(fixture.at("y")));
            fitted.indicator = classifier.predict_indicator(X_test);
        } else {
            classifier.fit(X, labels_of(fixture.at("y")));
            const mlp::Labels predicted = classifier.predict(X_test);
            for (std::size_t i = 0; i < predicted.size(); ++i) fitted.predicted.push_back(predicted.to_string(i));
        }
        for (std::size_t i = 0; i < classifier.classes_().size(); ++i)
            fitted.classes.push_back(classifier.classes_().to_string(i));
        fitted.outputs = classifier.predict_proba(X_test);
        read_common(classifier, fitted);
    } else {
        MLPRegressor<double> regressor(params);
        if (given) regressor.set_initial_weights(initial_coefs, initial_intercepts);
        regressor.fit(X, to_array<double>(fixture.at("y")));
        fitted.outputs = regressor.predict(X_test);
        read_common(regressor, fitted);
    }
    return fitted;
}

std::string label_string(const json& value) {
    return value.is_string() ? value.get<std::string>() : std::to_string(value.get<std::int64_t>());
}

/// Training fixtures whose JSON satisfies `keep`, read once while the tests are registered.
std::vector<std::string> training_fixtures(const std::function<bool(const json&)>& keep) {
    std::vector<std::string> names;
    for (const std::string& name : fixture_names("training")) {
        try {
            if (keep(load_fixture("training", name))) names.push_back(name);
        } catch (const std::exception&) {
            names.push_back(name);  // an unreadable fixture fails in the test itself
        }
    }
    return names;
}

bool stochastic(const json& fixture) { return fixture.at("params").at("solver").get<std::string>() != "lbfgs"; }

// ---- sgd and adam, from given or sklearn-drawn initial weights -----------------------------------

void expect_fit_attributes_match(const json& fixture, const Fitted& fitted) {
    EXPECT_EQ(fitted.n_iter, fixture.at("n_iter").get<std::size_t>()) << "n_iter_";
    EXPECT_EQ(fitted.t, fixture.at("t").get<std::size_t>()) << "t_";
    EXPECT_TRUE(all_close_relative("loss_curve_", fitted.loss_curve, fixture.at("loss_curve").get<std::vector<double>>(),
                                   kCurveTolerance));
    EXPECT_TRUE(relative_error_at_most(fitted.loss, fixture.at("loss").get<double>(), kCurveTolerance))
        << "loss_ " << fitted.loss << " vs sklearn " << fixture.at("loss").get<double>();
    if (fixture.at("best_loss").is_null()) {
        EXPECT_FALSE(fitted.best_loss.has_value()) << "best_loss_ should be None (early stopping)";
    } else {
        ASSERT_TRUE(fitted.best_loss.has_value()) << "best_loss_";
        EXPECT_TRUE(relative_error_at_most(*fitted.best_loss, fixture.at("best_loss").get<double>(), kCurveTolerance))
            << "best_loss_ " << *fitted.best_loss << " vs sklearn " << fixture.at("best_loss").get<double>();
    }
    if (fixture.at("validation_scores").is_null()) {
        EXPECT_TRUE(fitted.validation_scores.empty()) << "validation_scores_ without early stopping";
        EXPECT_FALSE(fitted.best_validation_score.has_value()) << "best_validation_score_ without early stopping";
    } else {
        EXPECT_TRUE(all_close_relative("validation_scores_", fitted.validation_scores,
                                       fixture.at("validation_scores").get<std::vector<double>>(), kCurveTolerance));
        ASSERT_TRUE(fitted.best_validation_score.has_value()) << "best_validation_score_";
        EXPECT_TRUE(relative_error_at_most(*fitted.best_validation_score,
                                           fixture.at("best_validation_score").get<double>(), kCurveTolerance))
            << "best_validation_score_ " << *fitted.best_validation_score;
    }
}

void expect_model_matches(const json& fixture, const Fitted& fitted) {
    if (fixture.at("estimator").get<std::string>() == "MLPClassifier") {
        std::vector<std::string> classes;  // multilabel: sklearn's classes_ are the columns 0 .. k-1
        for (const json& c : fixture.at("classes")) classes.push_back(label_string(c));
        EXPECT_EQ(fitted.classes, classes) << "classes_";
        EXPECT_TRUE(all_close_relative("predict_proba(X_test)", fitted.outputs,
                                       to_array<double>(fixture.at("predict_proba")), kCurveTolerance));
        if (is_multilabel(fixture)) {
            EXPECT_EQ(fitted.indicator, to_array<double>(fixture.at("predict"))) << "predict_indicator(X_test)";
        } else {
            std::vector<std::string> predicted;
            for (const json& label : fixture.at("predict")) predicted.push_back(label_string(label));
            EXPECT_EQ(fitted.predicted, predicted) << "predict(X_test)";
        }
    } else {
        EXPECT_TRUE(all_close_relative("predict(X_test)", fitted.outputs, to_array<double>(fixture.at("predict")),
                                       kCurveTolerance));
    }
    const auto coefs = to_arrays<double>(fixture.at("coefs"));
    const auto intercepts = to_arrays<double>(fixture.at("intercepts"));
    ASSERT_EQ(fitted.coefs.size(), coefs.size());
    for (std::size_t i = 0; i < coefs.size(); ++i) {
        EXPECT_TRUE(all_close_to_scale("coefs_[" + std::to_string(i) + "]", fitted.coefs[i], coefs[i],
                                       kWeightTolerance, 0.0));
        EXPECT_TRUE(all_close_to_scale("intercepts_[" + std::to_string(i) + "]", fitted.intercepts[i], intercepts[i],
                                       kWeightTolerance, 0.0));
    }
}

class Stochastic : public ::testing::TestWithParam<std::string> {};

TEST_P(Stochastic, LossCurveNIterTAndValidationScoresMatchSklearn) {
    const json fixture = load_fixture("training", GetParam());
    expect_fit_attributes_match(fixture, fit_like_sklearn(fixture));
}

TEST_P(Stochastic, PredictionsAndWeightsMatchSklearn) {
    const json fixture = load_fixture("training", GetParam());
    expect_model_matches(fixture, fit_like_sklearn(fixture));
}

INSTANTIATE_TEST_SUITE_P(Fixture, Stochastic, ::testing::ValuesIn(training_fixtures([](const json& f) {
                             return stochastic(f) && f.at("given_initial_weights").get<bool>();
                         })),
                         [](const auto& info) { return test_name(info.param); });

// ---- random_state: sklearn's own initial weights, batch order and split ---------------------------

class RandomState : public ::testing::TestWithParam<std::string> {};

/// The estimators initialise through mlp::Network::initialize(nn::Random(random_state)), which
/// must draw exactly sklearn's `_init_coef` numbers: checked here directly, and through the whole
/// fit below (any other start would change the loss curve).
TEST_P(RandomState, InitialWeightsEqualSklearn) {
    const json fixture = load_fixture("training", GetParam());
    const MLPParams params = params_of(fixture);
    const auto coefs = to_arrays<double>(fixture.at("initial_coefs"));
    const auto intercepts = to_arrays<double>(fixture.at("initial_intercepts"));
    std::vector<std::size_t> layer_units{coefs.front().shape()[0]};
    for (const auto& coef : coefs) layer_units.push_back(coef.shape()[1]);
    const mlp::OutputActivation output = fixture.at("estimator").get<std::string>() == "MLPRegressor"
                                             ? mlp::OutputActivation::identity
                                         : fixture.at("target").get<std::string>() == "multiclass"
                                             ? mlp::OutputActivation::softmax
                                             : mlp::OutputActivation::logistic;
    mlp::Network<double> network(layer_units, nn::parse_activation(params.activation), output);
    nn::Random rng(*params.random_state);
    network.initialize(rng);
    const auto drawn_coefs = network.coefs();
    const auto drawn_intercepts = network.intercepts();
    for (std::size_t i = 0; i < coefs.size(); ++i) {
        EXPECT_TRUE(all_close_relative("initial coefs_[" + std::to_string(i) + "]", drawn_coefs[i], coefs[i],
                                       kInitTolerance));
        EXPECT_TRUE(all_close_relative("initial intercepts_[" + std::to_string(i) + "]", drawn_intercepts[i],
                                       intercepts[i], kInitTolerance));
    }
}

TEST_P(RandomState, LossCurveNIterTAndValidationScoresMatchSklearn) {
    const json fixture = load_fixture("training", GetParam());
    expect_fit_attributes_match(fixture, fit_like_sklearn(fixture));
}

TEST_P(RandomState, PredictionsAndWeightsMatchSklearn) {
    const json fixture = load_fixture("training", GetParam());
    expect_model_matches(fixture, fit_like_sklearn(fixture));
}

INSTANTIATE_TEST_SUITE_P(Fixture, RandomState, ::testing::ValuesIn(training_fixtures([](const json& f) {
                             return stochastic(f) && !f.at("given_initial_weights").get<bool>();
                         })),
                         [](const auto& info) { return test_name(info.param); });

// ---- lbfgs ---------------------------------------------------------------------------------------

class Lbfgs : public ::testing::TestWithParam<std::string> {};

TEST_P(Lbfgs, FinalLossWithinFivePercentOfSklearn) {
    const json fixture = load_fixture("training", GetParam());
    const Fitted fitted = fit_like_sklearn(fixture);
    const double expected = fixture.at("loss").get<double>();
    EXPECT_NEAR(fitted.loss, expected, kLbfgsLossTolerance * expected)
        << "tapegrad's L-BFGS ran " << fitted.n_iter << " iterations, scipy's " << fixture.at("n_iter");
    EXPECT_TRUE(fitted.loss_curve.empty()) << "sklearn 1.2 has no loss_curve_ for lbfgs";
    EXPECT_GT(fitted.n_iter, 0u);
    EXPECT_LE(fitted.n_iter, fixture.at("params").at("max_iter").get<std::size_t>());
}

INSTANTIATE_TEST_SUITE_P(Fixture, Lbfgs, ::testing::ValuesIn(training_fixtures([](const json& f) {
                             return !stochastic(f);
                         })),
                         [](const auto& info) { return test_name(info.param); });

TEST(SklearnParityFixtures, IndexListsEveryTrainingCase) {
    const json index = load_json(fixture_dir() + "/index.json");
    const auto names = index.at("training").get<std::vector<std::string>>();
    EXPECT_EQ(names.size(), 45u);
    for (const std::string& name : names) EXPECT_NO_THROW(load_fixture("training", name)) << name;
}

}  // namespace
}  // namespace tapegrad::test
