// SGD: plain, momentum and Nesterov steps by hand; schedules; errors.
#include <gtest/gtest.h>

#include <cmath>

#include <tapegrad/optim/optim.hpp>

using namespace tapegrad;
using namespace tapegrad::optim;

namespace {
SGDOptions sgd_options(double lr, double momentum, bool nesterov) {
    SGDOptions options;
    options.learning_rate_init = lr;
    options.momentum = momentum;
    options.nesterov = nesterov;
    return options;
}
}  // namespace

TEST(SGD, PlainStepIsMinusLrTimesGrad) {
    Parameter<double> w(Array<double>{1.0, -2.0});
    w.grad = Array<double>{0.5, -4.0};
    SGD<double> sgd({&w}, sgd_options(0.1, 0.0, false));
    sgd.step();
    EXPECT_DOUBLE_EQ(w.value(0), 1.0 - 0.05);
    EXPECT_DOUBLE_EQ(w.value(1), -2.0 + 0.4);
    sgd.step();  // no momentum: the same step again
    EXPECT_DOUBLE_EQ(w.value(0), 0.9);
    EXPECT_DOUBLE_EQ(sgd.velocities()[0](1), 0.4);
}

TEST(SGD, MomentumAccumulatesVelocity) {
    Parameter<double> w(Array<double>{1.0});
    w.grad = Array<double>{2.0};
    SGD<double> sgd({&w}, sgd_options(0.1, 0.5, false));
    sgd.step();  // v = -0.2, w = 0.8
    EXPECT_DOUBLE_EQ(sgd.velocities()[0](0), -0.2);
    EXPECT_DOUBLE_EQ(w.value(0), 0.8);
    w.grad = Array<double>{-1.0};
    sgd.step();  // v = 0.5 * -0.2 + 0.1 = 0.0, w = 0.8
    EXPECT_NEAR(sgd.velocities()[0](0), 0.0, 1e-17);
    EXPECT_NEAR(w.value(0), 0.8, 1e-16);
}

TEST(SGD, NesterovLooksAhead) {
    Parameter<double> w(Array<double>{1.0});
    w.grad = Array<double>{2.0};
    SGD<double> sgd({&w}, sgd_options(0.1, 0.9, true));
    sgd.step();  // v = -0.2; step = 0.9 * -0.2 - 0.2 = -0.38
    EXPECT_DOUBLE_EQ(sgd.velocities()[0](0), -0.2);
    EXPECT_DOUBLE_EQ(w.value(0), 1.0 - 0.38);
    sgd.step();  // v = 0.9 * -0.2 - 0.2 = -0.38; step = 0.9 * -0.38 - 0.2 = -0.542
    EXPECT_DOUBLE_EQ(sgd.velocities()[0](0), -0.38);
    EXPECT_DOUBLE_EQ(w.value(0), 1.0 - 0.38 - 0.542);
}

TEST(SGD, TwoParametersOfDifferentShapes) {
    Parameter<double> coef(Array<double>{{1.0, 2.0, 3.0}, {4.0, 5.0, 6.0}});
    Parameter<double> intercept(Array<double>{0.5, -0.5, 0.0});
    coef.grad = Array<double>{{1.0, 0.0, -1.0}, {2.0, 0.0, -2.0}};
    intercept.grad = Array<double>{10.0, 20.0, 30.0};
    SGD<double> sgd({&coef, &intercept}, sgd_options(0.01, 0.0, false));
    ASSERT_EQ(sgd.velocities().size(), 2u);
    EXPECT_EQ(sgd.velocities()[0].shape(), (Shape{2, 3}));
    EXPECT_EQ(sgd.velocities()[1].shape(), (Shape{3}));
    sgd.step();
    EXPECT_DOUBLE_EQ(coef.value(1, 0), 4.0 - 0.02);
    EXPECT_DOUBLE_EQ(coef.value(0, 1), 2.0);
    EXPECT_DOUBLE_EQ(intercept.value(2), -0.3);
}

TEST(SGD, FloatStep) {
    Parameter<float> w(Array<float>{1.0f});
    w.grad = Array<float>{2.0f};
    SGD<float> sgd({&w}, sgd_options(0.1, 0.9, true));
    sgd.step();
    EXPECT_FLOAT_EQ(w.value(0), 0.62f);
}

TEST(SGD, InvscalingUsesSamplesSeen) {
    SGDOptions options;
    options.learning_rate_init = 0.3;
    options.learning_rate = LearningRateSchedule::invscaling;
    options.power_t = 0.5;
    Parameter<double> w(Array<double>{1.0});
    SGD<double> sgd({&w}, options);
    EXPECT_EQ(sgd.learning_rate(), 0.3);
    sgd.iteration_ends(99);  // 100 samples -> 0.3 / sqrt(100)
    EXPECT_DOUBLE_EQ(sgd.learning_rate(), 0.03);
    options.power_t = 0.25;
    SGD<double> quarter({&w}, options);
    quarter.iteration_ends(15);  // 0.3 / 16^0.25 = 0.15
    EXPECT_DOUBLE_EQ(quarter.learning_rate(), 0.15);
    w.grad = Array<double>{1.0};
    quarter.step();  // Nesterov, momentum 0.9: -(0.9 * 0.15 + 0.15)
    EXPECT_DOUBLE_EQ(w.value(0), 1.0 - 0.285);
}

TEST(SGD, ConstantScheduleIgnoresIterationEnds) {
    Parameter<double> w(Array<double>{1.0});
    SGD<double> sgd({&w}, sgd_options(0.1, 0.9, true));
    sgd.iteration_ends(1000);
    EXPECT_EQ(sgd.learning_rate(), 0.1);
    EXPECT_TRUE(sgd.trigger_stopping("Training loss did not improve.", false));
    EXPECT_EQ(sgd.learning_rate(), 0.1);
}

TEST(SGD, AdaptiveDividesByFiveUntilOneMillionth) {
    SGDOptions options;
    options.learning_rate_init = 0.1;
    options.learning_rate = LearningRateSchedule::adaptive;
    Parameter<double> w(Array<double>{1.0});
    SGD<double> sgd({&w}, options);
    sgd.iteration_ends(500);
    EXPECT_EQ(sgd.learning_rate(), 0.1);
    double expected = 0.1;
    int divisions = 0;
    while (!sgd.trigger_stopping("no improvement", false)) {
        expected /= 5.0;
        ++divisions;
        EXPECT_EQ(sgd.learning_rate(), expected);
    }
    // 0.1 / 5^7 = 1.28e-6 > 1e-6 is still divided; 0.1 / 5^8 = 2.56e-7 stops
    EXPECT_EQ(divisions, 8);
    EXPECT_LE(sgd.learning_rate(), 1e-6);
    EXPECT_TRUE(sgd.trigger_stopping("no improvement", false));
}

TEST(SGD, VerboseMessagesAreSklearns) {
    SGDOptions options;
    options.learning_rate = LearningRateSchedule::adaptive;
    Parameter<double> w(Array<double>{1.0});
    SGD<double> sgd({&w}, options);
    testing::internal::CaptureStdout();
    sgd.trigger_stopping("Training loss did not improve more than tol=0.000100 for 10 consecutive epochs.", true);
    EXPECT_EQ(testing::internal::GetCapturedStdout(),
              "Training loss did not improve more than tol=0.000100 for 10 consecutive epochs. Setting learning "
              "rate to 0.020000\n");
    SGD<double> constant({&w}, SGDOptions{});
    testing::internal::CaptureStdout();
    constant.trigger_stopping("msg.", true);
    EXPECT_EQ(testing::internal::GetCapturedStdout(), "msg. Stopping.\n");
}

TEST(SGD, ParseSchedule) {
    EXPECT_EQ(parse_learning_rate_schedule("constant"), LearningRateSchedule::constant);
    EXPECT_EQ(parse_learning_rate_schedule("invscaling"), LearningRateSchedule::invscaling);
    EXPECT_EQ(parse_learning_rate_schedule("adaptive"), LearningRateSchedule::adaptive);
    EXPECT_EQ(to_string(LearningRateSchedule::invscaling), "invscaling");
    try {
        parse_learning_rate_schedule("optimal");
        FAIL() << "no exception";
    } catch (const Error& e) {
        const std::string what = e.what();
        EXPECT_NE(what.find("'optimal'"), std::string::npos) << what;
        EXPECT_NE(what.find("'invscaling'"), std::string::npos) << what;
    }
}

TEST(SGD, RejectsBadHyperparametersAndParameters) {
    Parameter<double> w(Array<double>{1.0});
    try {
        SGD<double>({&w}, sgd_options(0.0, 0.9, true));
        FAIL() << "no exception";
    } catch (const Error& e) {
        EXPECT_NE(std::string(e.what()).find("learning_rate_init"), std::string::npos) << e.what();
    }
    EXPECT_THROW(SGD<double>({&w}, sgd_options(std::nan(""), 0.9, true)), Error);
    EXPECT_THROW(SGD<double>({&w}, sgd_options(0.1, 1.5, true)), Error);
    EXPECT_THROW(SGD<double>({&w}, sgd_options(0.1, -0.1, true)), Error);
    SGDOptions negative_power;
    negative_power.power_t = -1;
    EXPECT_THROW(SGD<double>({&w}, negative_power), Error);
    EXPECT_THROW(SGD<double>({}, SGDOptions{}), Error);
    EXPECT_THROW(SGD<double>({&w, nullptr}, SGDOptions{}), Error);
}

TEST(SGD, StepRejectsAParameterThatChangedShape) {
    Parameter<double> w(Array<double>{1.0, 2.0});
    SGD<double> sgd({&w}, SGDOptions{});
    w.grad = Array<double>{1.0, 2.0, 3.0};
    try {
        sgd.step();
        FAIL() << "no exception";
    } catch (const Error& e) {
        EXPECT_NE(std::string(e.what()).find("(3,)"), std::string::npos) << e.what();
    }
    EXPECT_EQ(w.value, (Array<double>{1.0, 2.0}));  // untouched
}
