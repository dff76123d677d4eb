// Every rule of scikit-learn 1.2's MLP _parameter_constraints, one test each, with sklearn's
// message (obtained from sklearn 1.2.1: `MLPClassifier(alpha=-1.0).fit(X, y)` etc.).

#include <cmath>
#include <string>

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <tapegrad/mlp/mlp.hpp>
#include <tapegrad/mlp/params.hpp>

namespace {

using tapegrad::mlp::InvalidParameter;
using tapegrad::mlp::MLPParams;
using tapegrad::mlp::validate;

/// The message of the InvalidParameter that validate() throws for `params` (fails if none).
std::string message_for(const MLPParams& params, const std::string& estimator = "MLPClassifier") {
    try {
        validate(params, estimator);
    } catch (const InvalidParameter& e) {
        return e.what();
    }
    ADD_FAILURE() << "validate accepted the parameters";
    return "";
}

TEST(MLPParams, DefaultsAreSklearns) {
    const MLPParams p;
    EXPECT_EQ(p.hidden_layer_sizes, std::vector<std::size_t>{100});
    EXPECT_EQ(p.activation, "relu");
    EXPECT_EQ(p.solver, "adam");
    EXPECT_DOUBLE_EQ(p.alpha, 0.0001);
    EXPECT_FALSE(p.batch_size.has_value());
    EXPECT_EQ(p.learning_rate, "constant");
    EXPECT_DOUBLE_EQ(p.learning_rate_init, 0.001);
    EXPECT_DOUBLE_EQ(p.power_t, 0.5);
    EXPECT_EQ(p.max_iter, 200u);
    EXPECT_TRUE(p.shuffle);
    EXPECT_FALSE(p.random_state.has_value());
    EXPECT_DOUBLE_EQ(p.tol, 1e-4);
    EXPECT_FALSE(p.verbose);
    EXPECT_FALSE(p.warm_start);
    EXPECT_DOUBLE_EQ(p.momentum, 0.9);
    EXPECT_TRUE(p.nesterovs_momentum);
    EXPECT_FALSE(p.early_stopping);
    EXPECT_DOUBLE_EQ(p.validation_fraction, 0.1);
    EXPECT_DOUBLE_EQ(p.beta_1, 0.9);
    EXPECT_DOUBLE_EQ(p.beta_2, 0.999);
    EXPECT_DOUBLE_EQ(p.epsilon, 1e-8);
    EXPECT_EQ(p.n_iter_no_change, 10u);
    EXPECT_EQ(p.max_fun, 15000u);
    EXPECT_NO_THROW(validate(p, "MLPClassifier"));
}

TEST(MLPParams, BoundaryValuesAreValid) {
    MLPParams p;
    p.hidden_layer_sizes = {};  // no hidden layer: sklearn accepts an empty tuple
    p.alpha = 0;
    p.batch_size = 1;
    p.power_t = 0;
    p.tol = 0;
    p.momentum = 1;
    p.validation_fraction = 0;
    p.beta_1 = 0;
    p.beta_2 = 0;
    p.n_iter_no_change = tapegrad::mlp::kNeverStop;
    p.max_fun = 1;
    p.max_iter = 1;
    EXPECT_NO_THROW(validate(p, "MLPRegressor"));
}

TEST(MLPParams, HiddenLayerSizeZero) {
    MLPParams p;
    p.hidden_layer_sizes = {3, 0};
    EXPECT_EQ(message_for(p), "hidden_layer_sizes must be > 0, got [3, 0].");
}

TEST(MLPParams, Activation) {
    MLPParams p;
    p.activation = "softmax";
    EXPECT_EQ(message_for(p), "The 'activation' parameter of MLPClassifier must be a str among {'identity', "
                              "'logistic', 'tanh', 'relu'}. Got 'softmax' instead.");
}

TEST(MLPParams, Solver) {
    MLPParams p;
    p.solver = "foo";
    EXPECT_EQ(message_for(p),
              "The 'solver' parameter of MLPClassifier must be a str among {'lbfgs', 'sgd', 'adam'}. Got 'foo' instead.");
}

TEST(MLPParams, AlphaNegative) {
    MLPParams p;
    p.alpha = -1.0;
    EXPECT_EQ(message_for(p), "The 'alpha' parameter of MLPClassifier must be a float in the range [0, inf). Got -1.0 "
                              "instead.");
}

TEST(MLPParams, AlphaNaN) {
    MLPParams p;
    p.alpha = NAN;
    EXPECT_EQ(message_for(p),
              "The 'alpha' parameter of MLPClassifier must be a float in the range [0, inf). Got nan instead.");
}

TEST(MLPParams, BatchSizeZero) {
    MLPParams p;
    p.batch_size = 0;
    EXPECT_EQ(message_for(p), "The 'batch_size' parameter of MLPClassifier must be a str among {'auto'} or an int in "
                              "the range [1, inf). Got 0 instead.");
}

TEST(MLPParams, LearningRate) {
    MLPParams p;
    p.learning_rate = "x";
    EXPECT_EQ(message_for(p), "The 'learning_rate' parameter of MLPClassifier must be a str among {'constant', "
                              "'invscaling', 'adaptive'}. Got 'x' instead.");
}

TEST(MLPParams, LearningRateInitZero) {
    MLPParams p;
    p.learning_rate_init = 0.0;
    EXPECT_EQ(message_for(p), "The 'learning_rate_init' parameter of MLPClassifier must be a float in the range (0, "
                              "inf). Got 0.0 instead.");
}

TEST(MLPParams, LearningRateInitInfinite) {
    MLPParams p;
    p.learning_rate_init = INFINITY;
    EXPECT_EQ(message_for(p), "The 'learning_rate_init' parameter of MLPClassifier must be a float in the range (0, "
                              "inf). Got inf instead.");
}

TEST(MLPParams, PowerTNegative) {
    MLPParams p;
    p.power_t = -0.5;
    EXPECT_EQ(message_for(p), "The 'power_t' parameter of MLPClassifier must be a float in the range [0, inf). Got "
                              "-0.5 instead.");
}

TEST(MLPParams, MaxIterZero) {
    MLPParams p;
    p.max_iter = 0;
    EXPECT_EQ(message_for(p),
              "The 'max_iter' parameter of MLPClassifier must be an int in the range [1, inf). Got 0 instead.");
}

TEST(MLPParams, TolNegative) {
    MLPParams p;
    p.tol = -1.0;
    EXPECT_EQ(message_for(p),
              "The 'tol' parameter of MLPClassifier must be a float in the range [0, inf). Got -1.0 instead.");
}

TEST(MLPParams, MomentumAboveOne) {
    MLPParams p;
    p.momentum = 1.5;
    EXPECT_EQ(message_for(p),
              "The 'momentum' parameter of MLPClassifier must be a float in the range [0, 1]. Got 1.5 instead.");
}

TEST(MLPParams, MomentumBelowZero) {
    MLPParams p;
    p.momentum = -0.0001;
    EXPECT_EQ(message_for(p),
              "The 'momentum' parameter of MLPClassifier must be a float in the range [0, 1]. Got -0.0001 instead.");
}

TEST(MLPParams, ValidationFractionOne) {
    MLPParams p;
    p.validation_fraction = 1.0;
    EXPECT_EQ(message_for(p), "The 'validation_fraction' parameter of MLPClassifier must be a float in the range [0, "
                              "1). Got 1.0 instead.");
}

TEST(MLPParams, Beta1One) {
    MLPParams p;
    p.beta_1 = 1.0;
    EXPECT_EQ(message_for(p),
              "The 'beta_1' parameter of MLPClassifier must be a float in the range [0, 1). Got 1.0 instead.");
}

TEST(MLPParams, Beta2Negative) {
    MLPParams p;
    p.beta_2 = -0.1;
    EXPECT_EQ(message_for(p),
              "The 'beta_2' parameter of MLPClassifier must be a float in the range [0, 1). Got -0.1 instead.");
}

TEST(MLPParams, EpsilonZero) {
    MLPParams p;
    p.epsilon = 0.0;
    EXPECT_EQ(message_for(p),
              "The 'epsilon' parameter of MLPClassifier must be a float in the range (0, inf). Got 0.0 instead.");
}

TEST(MLPParams, NIterNoChangeZero) {
    MLPParams p;
    p.n_iter_no_change = 0;
    EXPECT_EQ(message_for(p), "The 'n_iter_no_change' parameter of MLPClassifier must be an int in the range [1, inf) "
                              "or a float among {inf}. Got 0 instead.");
}

TEST(MLPParams, MaxFunZero) {
    MLPParams p;
    p.max_fun = 0;
    EXPECT_EQ(message_for(p),
              "The 'max_fun' parameter of MLPClassifier must be an int in the range [1, inf). Got 0 instead.");
}

TEST(MLPParams, MessageNamesTheEstimator) {
    MLPParams p;
    p.alpha = -1.0;
    EXPECT_EQ(message_for(p, "MLPRegressor"),
              "The 'alpha' parameter of MLPRegressor must be a float in the range [0, inf). Got -1.0 instead.");
}

TEST(MLPParams, FirstViolatedRuleInSklearnsOrder) {
    MLPParams p;
    p.hidden_layer_sizes = {0};  // checked by sklearn's _fit, after the constraints
    p.tol = -1.0;
    p.max_fun = 0;
    EXPECT_THAT(message_for(p), testing::StartsWith("The 'tol' parameter"));
}

TEST(MLPParams, ValidatedAtFitNotAtConstruction) {
    MLPParams p;
    p.alpha = -1.0;
    tapegrad::mlp::MLPRegressor<double> reg(p);  // no throw here
    const tapegrad::Array<double> X = {{0.0, 1.0}, {1.0, 0.0}};
    const tapegrad::Array<double> y = {0.0, 1.0};
    EXPECT_THROW(reg.fit(X, y), InvalidParameter);
    EXPECT_FALSE(reg.is_fitted());
    reg.params().alpha = 0.0;  // fixed through params()
    reg.params().max_iter = 1;
    EXPECT_NO_THROW(reg.fit(X, y));
    EXPECT_TRUE(reg.is_fitted());
}

TEST(MLPParams, InvalidParameterIsATapegradError) {
    MLPParams p;
    p.solver = "newton";
    EXPECT_THROW(validate(p, "MLPClassifier"), tapegrad::Error);
}

TEST(MLPParams, PythonRepr) {
    using tapegrad::mlp::python_repr;
    EXPECT_EQ(python_repr(-1.0), "-1.0");
    EXPECT_EQ(python_repr(0.1 + 0.2), "0.30000000000000004");
    EXPECT_EQ(python_repr(1e-05), "1e-05");
    EXPECT_EQ(python_repr(0.0001), "0.0001");
    EXPECT_EQ(python_repr(1e16), "1e+16");
    EXPECT_EQ(python_repr(INFINITY), "inf");
    EXPECT_EQ(python_repr(-INFINITY), "-inf");
    EXPECT_EQ(python_repr(NAN), "nan");
}

}  // namespace
