// float works as well as double: the same graph in both precisions gives the same values and
// gradients up to float's precision (gradcheck itself runs in double).

#include <algorithm>
#include <cmath>
#include <vector>

#include <gtest/gtest.h>

#include <tapegrad/autograd/autograd.hpp>

#include "random_arrays.hpp"

namespace {

using namespace tapegrad;

/// A small network's loss on a tape of T: most ops, in[0..3] = x (5, 3), W1 (3, 4), W2 (4, 3), b (3,).
template <class T>
Var<T> network(Tape<T>& tape, const std::vector<Var<T>>& in) {
    auto hidden = tanh(matmul(in[0], in[1]));                          // (5, 4)
    auto logits = linear(relu(hidden) + logistic(hidden), in[2], in[3]);  // (5, 3)
    auto target = tape.constant(Shape{5, 3});
    std::fill(tape.node(target).value().begin(), tape.node(target).value().end(), T(0));
    for (std::size_t r = 0; r < 5; ++r) tape.node(target).value()(r, r % 3) = T(1);
    auto spread = mean(square(log_softmax(logits, 1) - softmax(logits, 0)), {0});
    return softmax_log_loss(logits, target) + l2_penalty(in[1], 0.1) + sum(sqrt(spread + 1.0) / 3.0);
}

template <class T>
std::vector<Array<T>> cast(const std::vector<Array<double>>& arrays) {
    std::vector<Array<T>> out;
    for (const auto& a : arrays) {
        Array<T> b(a.shape());
        std::transform(a.begin(), a.end(), b.begin(), [](double v) { return static_cast<T>(v); });
        out.push_back(b);
    }
    return out;
}

/// The loss and every input's gradient in precision T.
template <class T>
std::pair<double, std::vector<Array<T>>> loss_and_gradients(const std::vector<Array<double>>& inputs) {
    Tape<T> tape;
    std::vector<Var<T>> vars;
    for (const auto& a : cast<T>(inputs)) vars.push_back(tape.variable(a));
    auto loss = network(tape, vars);
    tape.backward(loss);
    std::vector<Array<T>> grads;
    for (auto v : vars) grads.push_back(v.grad());
    return {static_cast<double>(loss.item()), grads};
}

TEST(Float, MatchesDouble) {
    tapegrad_test::RandomArrays random(7);
    const std::vector<Array<double>> inputs = {random.uniform({5, 3}, -1, 1), random.uniform({3, 4}, -1, 1),
                                               random.uniform({4, 3}, -1, 1), random.uniform({3}, -1, 1)};
    const auto [loss64, grads64] = loss_and_gradients<double>(inputs);
    const auto [loss32, grads32] = loss_and_gradients<float>(inputs);
    EXPECT_NEAR(loss32, loss64, 1e-5 * std::abs(loss64));
    for (std::size_t i = 0; i < inputs.size(); ++i)
        for (std::size_t e = 0; e < inputs[i].size(); ++e)
            EXPECT_NEAR(grads32[i].data()[e], grads64[i].data()[e], 1e-5) << "input " << i << ", element " << e;
}

TEST(Float, TheDoubleGraphPassesGradcheck) {  // so the float one matching it is right too
    tapegrad_test::RandomArrays random(7);
    const std::vector<Array<double>> inputs = {random.uniform({5, 3}, -1, 1), random.uniform({3, 4}, -1, 1),
                                               random.uniform({4, 3}, -1, 1), random.uniform({3}, -1, 1)};
    const GradcheckResult result = gradcheck(&network<double>, inputs);
    EXPECT_TRUE(result.ok) << result.message;
}

TEST(Float, LogisticStaysFiniteFarOut) {
    Tape<float> tape;
    auto x = tape.variable(Array<float>{-200.0f, -20.0f, 0.0f, 20.0f, 200.0f});
    auto y = logistic(x);
    tape.backward(sum(y));
    for (float v : y.value()) EXPECT_TRUE(std::isfinite(v));
    for (float g : x.grad()) EXPECT_TRUE(std::isfinite(g));
    EXPECT_FLOAT_EQ(y.value()(2), 0.5f);
    EXPECT_FLOAT_EQ(x.grad()(2), 0.25f);
}

}  // namespace
