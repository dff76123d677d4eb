// nn losses: the sklearn-named wrappers and l2_penalty.
#include <gtest/gtest.h>

#include <cmath>

#include <tapegrad/autograd/autograd.hpp>
#include <tapegrad/autograd/gradcheck_gtest.hpp>
#include <tapegrad/nn/nn.hpp>

using namespace tapegrad;

TEST(NnLoss, WrappersAreTheFusedOps) {
    Tape<double> tape;
    auto z = tape.variable(Array<double>{{0.5, -1.0}, {2.0, 0.25}});
    auto y = tape.constant(Array<double>{{1.0, 0.0}, {0.0, 1.0}});
    EXPECT_EQ(nn::squared_loss(z, y).item(), squared_loss(z, y).item());
    EXPECT_EQ(nn::log_loss(z, y).item(), softmax_log_loss(z, y).item());
    EXPECT_EQ(nn::binary_log_loss(z, y).item(), logistic_log_loss(z, y).item());
    // squared loss by hand: ((0.5-1)^2 + 1 + 4 + 0.75^2) / 4 / 2
    EXPECT_DOUBLE_EQ(nn::squared_loss(z, y).item(), (0.25 + 1.0 + 4.0 + 0.5625) / 4 / 2);
    // binary log loss of one logit 0 with target 1: log 2
    auto z0 = tape.variable(Array<double>(xt::zeros<double>(Shape{1, 1})));
    auto y1 = tape.constant(Array<double>(xt::ones<double>(Shape{1, 1})));
    EXPECT_DOUBLE_EQ(nn::binary_log_loss(z0, y1).item(), std::log(2.0));
}

TEST(NnLoss, L2PenaltyValue) {
    Tape<double> tape;
    auto w1 = tape.variable(Array<double>{{1.0, -2.0}, {3.0, 0.5}});  // sum of squares 14.25
    auto w2 = tape.variable(Array<double>{4.0, -1.0});                  // 17
    auto penalty = nn::l2_penalty<double>({w1, w2}, 0.1, 5);
    EXPECT_EQ(penalty.shape(), Shape{});
    EXPECT_NEAR(penalty.item(), 0.5 * 0.1 * (14.25 + 17.0) / 5, 1e-15);
}

TEST(NnLoss, L2PenaltyGradientIsAlphaWOverN) {
    Tape<double> tape;
    auto w1 = tape.variable(Array<double>{{1.0, -2.0}, {3.0, 0.5}});
    auto w2 = tape.variable(Array<double>{4.0, -1.0});
    tape.backward(nn::l2_penalty<double>({w1, w2}, 0.1, 5));
    EXPECT_NEAR(w1.grad()(1, 0), 0.1 * 3.0 / 5, 1e-15);
    EXPECT_NEAR(w2.grad()(0), 0.1 * 4.0 / 5, 1e-15);
    EXPECT_GRADCHECK(([](Tape<double>&, const std::vector<Var<double>>& in) {
                         return nn::l2_penalty<double>({in[0], in[1]}, 0.3, 7);
                     }),
                     (std::vector<Array<double>>{Array<double>{{1.0, -2.0}, {3.0, 0.5}}, Array<double>{4.0, -1.0}}));
}

TEST(NnLoss, L2PenaltyRejectsBadArguments) {
    Tape<double> tape;
    auto w = tape.variable(Array<double>{1.0});
    EXPECT_THROW(nn::l2_penalty<double>({}, 0.1, 5), Error);
    EXPECT_THROW(nn::l2_penalty<double>({w}, 0.1, 0), Error);
    EXPECT_THROW(nn::l2_penalty<double>({w}, -1.0, 5), Error);
    try {
        nn::l2_penalty<double>({w}, std::nan(""), 5);
        FAIL() << "no exception";
    } catch (const Error& e) {
        EXPECT_NE(std::string(e.what()).find("alpha"), std::string::npos) << e.what();
    }
}
