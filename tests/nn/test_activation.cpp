// Activations by name and as modules.
#include <gtest/gtest.h>

#include <cmath>

#include <tapegrad/autograd/autograd.hpp>
#include <tapegrad/nn/nn.hpp>

using namespace tapegrad;
using namespace tapegrad::nn;

TEST(Activation, ParseAndToStringRoundTrip) {
    for (auto a : {Activation::identity, Activation::logistic, Activation::tanh, Activation::relu, Activation::softmax})
        EXPECT_EQ(parse_activation(to_string(a)), a);
    EXPECT_EQ(parse_activation("relu"), Activation::relu);
    EXPECT_EQ(to_string(Activation::logistic), "logistic");
}

TEST(Activation, ParseErrorNamesTheValueAndTheChoices) {
    try {
        parse_activation("sigmoid");
        FAIL() << "no exception";
    } catch (const Error& e) {
        const std::string what = e.what();
        EXPECT_NE(what.find("'sigmoid'"), std::string::npos) << what;
        for (const char* choice : {"identity", "logistic", "tanh", "relu", "softmax"})
            EXPECT_NE(what.find(choice), std::string::npos) << what;
    }
    EXPECT_THROW(parse_activation("Relu"), Error);
    EXPECT_THROW(parse_activation(""), Error);
}

TEST(Activation, ActivateAppliesTheOp) {
    Tape<double> tape;
    auto x = tape.variable(Array<double>{{-1.0, 0.5, 2.0}});
    EXPECT_EQ(activate(Activation::identity, x).index(), x.index());
    EXPECT_DOUBLE_EQ(activate(Activation::relu, x).value()(0, 0), 0.0);
    EXPECT_DOUBLE_EQ(activate(Activation::relu, x).value()(0, 2), 2.0);
    EXPECT_DOUBLE_EQ(activate(Activation::tanh, x).value()(0, 1), std::tanh(0.5));
    EXPECT_DOUBLE_EQ(activate(Activation::logistic, x).value()(0, 0), 1.0 / (1.0 + std::exp(1.0)));
    auto p = activate(Activation::softmax, x).value();
    const double total = std::exp(-1.0) + std::exp(0.5) + std::exp(2.0);
    EXPECT_NEAR(p(0, 2), std::exp(2.0) / total, 1e-15);
    EXPECT_NEAR(p(0, 0) + p(0, 1) + p(0, 2), 1.0, 1e-15);
}

TEST(Activation, ModulesMatchActivate) {
    Tape<float> tape;
    auto x = tape.constant(Array<float>{{-1.0f, 0.5f}, {3.0f, -0.25f}});
    for (auto a : {Activation::identity, Activation::logistic, Activation::tanh, Activation::relu, Activation::softmax}) {
        auto module = make_activation<float>(a);
        ASSERT_TRUE(module);
        EXPECT_TRUE(module->parameters().empty());
        auto by_module = (*module)(x).value();
        auto by_function = activate(a, x).value();
        EXPECT_EQ(by_module, by_function) << to_string(a);
    }
    Logistic<double> logistic_module;
    Tape<double> dtape;
    EXPECT_DOUBLE_EQ(logistic_module(dtape.constant(Array<double>{0.0})).value()(0), 0.5);
}
