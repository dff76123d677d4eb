#include <gtest/gtest.h>

#include <tapegrad/tapegrad.hpp>

using namespace tapegrad;

TEST(Tape, SmokeBackward) {
    Tape<double> tape;
    auto x = tape.variable(Array<double>{1.0, 2.0, 3.0});
    auto y = sum(x * x);
    tape.backward(y);
    EXPECT_DOUBLE_EQ(y.item(), 14.0);
    EXPECT_DOUBLE_EQ(x.grad()(1), 4.0);
}
