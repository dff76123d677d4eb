// Adam: steps by hand, lr_t, state, errors.
#include <gtest/gtest.h>

#include <cmath>

#include <tapegrad/optim/optim.hpp>

using namespace tapegrad;
using namespace tapegrad::optim;

TEST(Adam, FirstStepMovesEachElementByAboutLr) {
    // t = 1: m = 0.1 g, v = 0.001 g^2, lr_t = lr sqrt(0.001) / 0.1, step = -lr_t m / (|g| sqrt(0.001) + eps)
    Parameter<double> w(Array<double>{1.0, -1.0, 0.0});
    w.grad = Array<double>{2.0, -0.5, 0.0};
    Adam<double> adam({&w}, AdamOptions{});
    adam.step();
    EXPECT_EQ(adam.t(), 1u);
    const double lr_t = 0.001 * std::sqrt(1 - 0.999) / (1 - 0.9);
    EXPECT_DOUBLE_EQ(adam.learning_rate(), lr_t);
    EXPECT_DOUBLE_EQ(adam.first_moments()[0](0), 0.2);
    EXPECT_EQ(adam.second_moments()[0](0), (1 - 0.999) * 4.0);
    const double v0 = (1 - 0.999) * 4.0, v1 = (1 - 0.999) * 0.25;
    EXPECT_DOUBLE_EQ(w.value(0), 1.0 - lr_t * 0.2 / (std::sqrt(v0) + 1e-8));
    EXPECT_DOUBLE_EQ(w.value(1), -1.0 + lr_t * 0.05 / (std::sqrt(v1) + 1e-8));
    EXPECT_NEAR(w.value(0), 1.0 - 0.001, 1e-9);  // about lr * sign(g) on the first step
    EXPECT_NEAR(w.value(1), -1.0 + 0.001, 1e-9);
    EXPECT_EQ(w.value(2), 0.0);  // zero gradient: no move
}

TEST(Adam, LearningRateFollowsBiasCorrection) {
    AdamOptions options;
    options.learning_rate_init = 0.01;
    options.beta_1 = 0.8;
    options.beta_2 = 0.99;
    Parameter<double> w(Array<double>{0.0});
    Adam<double> adam({&w}, options);
    EXPECT_EQ(adam.learning_rate(), 0.01);  // before any step: learning_rate_init
    for (int t = 1; t <= 5; ++t) {
        adam.step();
        EXPECT_DOUBLE_EQ(adam.learning_rate(), 0.01 * std::sqrt(1 - std::pow(0.99, t)) / (1 - std::pow(0.8, t)));
    }
}

TEST(Adam, TwoStepsByHand) {
    AdamOptions options;
    options.learning_rate_init = 0.1;
    options.beta_1 = 0.5;
    options.beta_2 = 0.75;
    options.epsilon = 0.0625;
    Parameter<double> w(Array<double>{1.0});
    Adam<double> adam({&w}, options);
    w.grad = Array<double>{2.0};
    adam.step();  // m = 1, v = 1, lr_t = 0.1 * 0.5 / 0.5 = 0.1, w -= 0.1 * 1 / 1.0625
    EXPECT_DOUBLE_EQ(w.value(0), 1.0 - 0.1 / 1.0625);
    w.grad = Array<double>{-2.0};
    adam.step();  // m = 0.5 - 1 = -0.5, v = 0.75 + 1 = 1.75, lr_t = 0.1 sqrt(1 - 0.5625) / 0.75
    const double lr_t = 0.1 * std::sqrt(0.4375) / 0.75;
    EXPECT_DOUBLE_EQ(adam.first_moments()[0](0), -0.5);
    EXPECT_DOUBLE_EQ(adam.second_moments()[0](0), 1.75);
    EXPECT_DOUBLE_EQ(w.value(0), 1.0 - 0.1 / 1.0625 + lr_t * 0.5 / (std::sqrt(1.75) + 0.0625));
}

TEST(Adam, TwoParametersOfDifferentShapesAndFloat) {
    Parameter<float> coef(Array<float>{{1.0f, 2.0f}, {3.0f, 4.0f}});
    Parameter<float> intercept(Array<float>{0.0f});
    coef.grad = Array<float>{{1.0f, -1.0f}, {0.0f, 3.0f}};
    intercept.grad = Array<float>{-5.0f};
    Adam<float> adam({&coef, &intercept}, AdamOptions{});
    adam.step();
    EXPECT_EQ(adam.first_moments()[0].shape(), (Shape{2, 2}));
    EXPECT_EQ(adam.second_moments()[1].shape(), (Shape{1}));
    EXPECT_NEAR(coef.value(0, 0), 0.999f, 1e-6f);
    EXPECT_NEAR(coef.value(0, 1), 2.001f, 1e-6f);
    EXPECT_EQ(coef.value(1, 0), 3.0f);
    EXPECT_NEAR(intercept.value(0), 0.001f, 1e-6f);
}

TEST(Adam, TriggerStoppingAlwaysStops) {
    Parameter<double> w(Array<double>{0.0});
    Adam<double> adam({&w}, AdamOptions{});
    EXPECT_TRUE(adam.trigger_stopping("x", false));
    testing::internal::CaptureStdout();
    EXPECT_TRUE(adam.trigger_stopping("Validation score did not improve.", true));
    EXPECT_EQ(testing::internal::GetCapturedStdout(), "Validation score did not improve. Stopping.\n");
}

TEST(Adam, RejectsBadHyperparameters) {
    Parameter<double> w(Array<double>{0.0});
    auto with = [](auto change) {
        AdamOptions options;
        change(options);
        return options;
    };
    EXPECT_THROW(Adam<double>({&w}, with([](AdamOptions& o) { o.learning_rate_init = -1; })), Error);
    EXPECT_THROW(Adam<double>({&w}, with([](AdamOptions& o) { o.beta_1 = 1.0; })), Error);
    EXPECT_THROW(Adam<double>({&w}, with([](AdamOptions& o) { o.beta_2 = -0.1; })), Error);
    EXPECT_THROW(Adam<double>({&w}, with([](AdamOptions& o) { o.epsilon = 0; })), Error);
    try {
        Adam<double>({&w}, with([](AdamOptions& o) { o.beta_2 = 1.5; }));
        FAIL() << "no exception";
    } catch (const Error& e) {
        const std::string what = e.what();
        EXPECT_NE(what.find("beta_2 = 1.5"), std::string::npos) << what;
        EXPECT_NE(what.find("[0, 1)"), std::string::npos) << what;
    }
    EXPECT_NO_THROW(Adam<double>({&w}, with([](AdamOptions& o) { o.beta_1 = 0; })));
}
