// Anomaly mode: off by default; on, the first NaN or infinity in a value or a gradient throws an
// AnomalyError naming the op, its shapes, the node's position on the tape and the element.

#include <cmath>
#include <optional>
#include <thread>

#include <gtest/gtest.h>
#include <gmock/gmock.h>

#include <tapegrad/autograd/autograd.hpp>

namespace {

using namespace tapegrad;
using ::testing::ThrowsMessage;
using ::testing::StrEq;

constexpr double kInf = INFINITY;

TEST(Anomaly, OffByDefaultNonFiniteValuesPassThrough) {
    Tape<double> tape;
    EXPECT_FALSE(tape.detects_anomalies());
    auto x = tape.variable(Array<double>{1.0, 0.0});
    auto y = sum(log(x));  // log 0 = -inf, and its gradient 1/0 = inf
    tape.backward(y);
    EXPECT_EQ(y.item(), -kInf);
    EXPECT_EQ(x.grad()(1), kInf);
}

TEST(Anomaly, ForwardNamesTheOpItsShapesAndTheElement) {
    Tape<double> tape;
    AnomalyMode<double> anomaly(tape);
    auto x = tape.variable(Array<double>{{1.0, 2.0, 3.0}, {4.0, 0.0, 6.0}});
    auto y = log(x);  // -inf at (1, 1); found when the next node is recorded
    EXPECT_THAT([&] { sum(y); }, ThrowsMessage<AnomalyError>(StrEq(
        "anomaly in forward: op 'log' (node 1 on the tape; input shapes (2, 3); output shape (2, 3)) "
        "produced -inf at index (1, 1) in its output")));
}

TEST(Anomaly, ForwardLastNodeIsCheckedWhenBackwardStarts) {
    Tape<double> tape;
    AnomalyMode<double> anomaly(tape);
    auto x = tape.variable(Array<double>{1e300, 1e10});
    auto y = x * x;  // overflows; the last node: nothing recorded after it
    EXPECT_THAT([&] { tape.backward(y, Array<double>{1.0, 1.0}); }, ThrowsMessage<AnomalyError>(StrEq(
        "anomaly in forward: op 'mul' (node 1 on the tape; input shapes (2,), (2,); output shape (2,)) "
        "produced inf at index (0,) in its output")));
}

TEST(Anomaly, ForwardScalarOutput) {
    Tape<double> tape;
    AnomalyMode<double> anomaly(tape);
    auto x = tape.variable(Array<double>{1e308, 1e308});
    auto total = sum(x);  // each element is finite, their sum is not
    EXPECT_THAT([&] { tape.backward(total); }, ThrowsMessage<AnomalyError>(StrEq(
        "anomaly in forward: op 'sum' (node 1 on the tape; input shapes (2,); output shape ()) "
        "produced inf in its output")));
}

TEST(Anomaly, ForwardNamesALeafHoldingNaN) {
    Tape<double> tape;
    AnomalyMode<double> anomaly(tape);
    auto x = tape.variable(Array<double>{1.0, 2.0});
    auto data = tape.constant(Array<double>{1.0, NAN});
    EXPECT_THAT([&] { add(x, data); }, ThrowsMessage<AnomalyError>(StrEq(
        "anomaly in forward: constant (node 1 on the tape; shape (2,)) holds NaN at index (1,)")));
}

TEST(Anomaly, ForwardNamesAParameterHoldingInf) {
    Tape<double> tape;
    AnomalyMode<double> anomaly(tape);
    Parameter<double> weight(Array<double>{{1.0, -kInf}});
    auto w = tape.param(weight);
    EXPECT_THAT([&] { sum(w); }, ThrowsMessage<AnomalyError>(StrEq(
        "anomaly in forward: parameter (node 0 on the tape; shape (1, 2)) holds -inf at index (0, 1)")));
}

TEST(Anomaly, ForwardOpRecordedWithoutGradient) {
    Tape<double> tape;
    AnomalyMode<double> anomaly(tape);
    auto x = tape.constant(Array<double>{1.0, -1.0});
    NoGrad<double> no_grad(tape);
    auto y = sqrt(abs(x) - 1.0);  // sqrt(0) = 0: fine
    auto z = rdiv_scalar(1.0, y);  // 1/0 = inf
    EXPECT_THAT([&] { neg(z); }, ThrowsMessage<AnomalyError>(StrEq(
        "anomaly in forward: op 'rdiv_scalar' (node 4 on the tape, recorded without gradient; output shape (2,)) "
        "produced inf at index (0,) in its output")));
}

TEST(Anomaly, ForwardReportsTheFirstBadNodeNotALaterOne) {
    Tape<double> tape;
    auto x = tape.variable(Array<double>{0.0});
    auto y = log(x);        // node 1: -inf (recorded before the guard)
    auto z = exp(neg(y));   // node 3: inf
    AnomalyMode<double> anomaly(tape);
    EXPECT_THAT([&] { sum(z); }, ThrowsMessage<AnomalyError>(::testing::HasSubstr("op 'log' (node 1 on the tape")));
}

TEST(Anomaly, BackwardNamesTheVjpTheInputAndTheElement) {
    Tape<double> tape;
    AnomalyMode<double> anomaly(tape);
    auto x = tape.variable(Array<double>{4.0, 0.0});  // sqrt is finite at 0, its derivative is not
    auto loss = sum(sqrt(x));
    EXPECT_THAT([&] { tape.backward(loss); }, ThrowsMessage<AnomalyError>(StrEq(
        "anomaly in backward: the vjp of op 'sqrt' (node 1 on the tape; input shapes (2,); output shape (2,)) "
        "produced inf at index (1,) in the gradient of input 0 (node 0, shape (2,))")));
}

TEST(Anomaly, BackwardSecondInput) {
    Tape<double> tape;
    AnomalyMode<double> anomaly(tape);
    auto a = tape.variable(Array<double>{{1.0, 2.0}, {3.0, 4.0}});
    auto b = tape.variable(Array<double>{1e-300, 1.0});
    auto loss = sum(div(a, b));  // db = -g a / b^2 overflows; da = g / b is finite
    EXPECT_THAT([&] { tape.backward(loss); }, ThrowsMessage<AnomalyError>(StrEq(
        "anomaly in backward: the vjp of op 'div' (node 2 on the tape; input shapes (2, 2), (2,); output shape "
        "(2, 2)) produced -inf at index (0,) in the gradient of input 1 (node 1, shape (2,))")));
}

TEST(Anomaly, BackwardSeedIsChecked) {
    Tape<double> tape;
    AnomalyMode<double> anomaly(tape);
    auto x = tape.variable(Array<double>{1.0, 2.0});
    auto y = mul_scalar(x, 3.0);
    EXPECT_THAT([&] { tape.backward(y, Array<double>{1.0, NAN}); }, ThrowsMessage<AnomalyError>(StrEq(
        "anomaly in backward: the seed gradient of op 'mul_scalar' (node 1 on the tape; input shapes (2,); "
        "output shape (2,)) holds NaN at index (1,)")));
}

TEST(Anomaly, FiniteComputationGivesTheSameNumbersAsWithoutIt) {
    auto run = [](bool anomaly_mode) {
        Tape<double> tape;
        std::optional<AnomalyMode<double>> anomaly;
        if (anomaly_mode) anomaly.emplace(tape);
        Parameter<double> w(Array<double>{{0.5, -1.0, 2.0}, {1.5, 0.25, -0.75}});
        Parameter<double> b(Array<double>{0.1, -0.2, 0.3});
        auto x = tape.constant(Array<double>{{1.0, 2.0}, {-3.0, 0.5}});
        auto target = tape.constant(Array<double>{{1.0, 0.0, 0.0}, {0.0, 0.0, 1.0}});
        auto loss = softmax_log_loss(linear(tanh(x), tape.param(w), tape.param(b)), target);
        tape.backward(loss);
        std::vector<double> out{loss.item()};
        out.insert(out.end(), w.grad.begin(), w.grad.end());
        out.insert(out.end(), b.grad.begin(), b.grad.end());
        return out;
    };
    EXPECT_EQ(run(true), run(false));
}

TEST(Anomaly, GuardScopeAndNesting) {
    Tape<double> tape;
    {
        AnomalyMode<double> outer(tape);
        {
            AnomalyMode<double> inner(tape);
            EXPECT_TRUE(tape.detects_anomalies());
        }
        EXPECT_TRUE(tape.detects_anomalies());
    }
    EXPECT_FALSE(tape.detects_anomalies());
    auto x = tape.variable(Array<double>{0.0});
    EXPECT_NO_THROW(sum(log(x)));  // off again: -inf passes
}

TEST(Anomaly, ClearStartsAFreshTapeStillChecking) {
    Tape<double> tape;
    AnomalyMode<double> anomaly(tape);
    auto x = tape.variable(Array<double>{0.0});
    auto y = log(x);
    EXPECT_THROW(sum(y), AnomalyError);
    EXPECT_THROW(sum(y), AnomalyError);  // the bad node stays bad until the tape is cleared
    tape.clear();
    EXPECT_TRUE(tape.detects_anomalies());
    auto z = tape.variable(Array<double>{2.0});
    EXPECT_NO_THROW(tape.backward(sum(log(z))));
}

TEST(DetectAnomaly, TapesOfThisThreadConstructedOrClearedWhileItLives) {
    Tape<double> before;
    Tape<float> before_float;
    {
        DetectAnomaly detect;
        EXPECT_TRUE(thread_detects_anomalies());
        Tape<double> inside;
        EXPECT_TRUE(inside.detects_anomalies());
        EXPECT_FALSE(before.detects_anomalies());  // until its next clear()
        before.clear();
        before_float.clear();
        EXPECT_TRUE(before.detects_anomalies());
        EXPECT_TRUE(before_float.detects_anomalies());
        auto x = before_float.variable(Array<float>{0.0f});
        auto y = log(x);
        EXPECT_THAT([&] { sum(y); }, ThrowsMessage<AnomalyError>(::testing::HasSubstr("op 'log' (node 1")));

        bool other_thread_detects = true;
        std::thread other([&] { other_thread_detects = Tape<double>().detects_anomalies(); });
        other.join();
        EXPECT_FALSE(other_thread_detects);
    }
    EXPECT_FALSE(thread_detects_anomalies());
    EXPECT_TRUE(before.detects_anomalies());  // on until its next clear()
    before.clear();
    EXPECT_FALSE(before.detects_anomalies());
}

TEST(DetectAnomaly, WithATapeGuardTheTapeStaysOnUntilBothAreGone) {
    Tape<double> tape;
    AnomalyMode<double> anomaly(tape);
    {
        DetectAnomaly detect;
        tape.clear();
    }
    tape.clear();
    EXPECT_TRUE(tape.detects_anomalies());  // its own guard still lives
}

TEST(Anomaly, FloatOverflowIsFoundWhereDoubleWouldNotOverflow) {
    Tape<float> tape;
    AnomalyMode<float> anomaly(tape);
    auto x = tape.variable(Array<float>{100.0f});
    auto y = exp(x);  // e^100 > FLT_MAX
    EXPECT_THAT([&] { sum(y); }, ThrowsMessage<AnomalyError>(StrEq(
        "anomaly in forward: op 'exp' (node 1 on the tape; input shapes (1,); output shape (1,)) "
        "produced inf at index (0,) in its output")));
}

TEST(Anomaly, IsATapegradError) {
    Tape<double> tape;
    AnomalyMode<double> anomaly(tape);
    auto y = log(tape.variable(Array<double>{0.0}));
    EXPECT_THROW(sum(y), Error);
}

}  // namespace
