// gradcheck can fail: an op whose vjp is deliberately wrong must be caught, and the report must
// say where. (In a binary of its own, so that this op never joins the gradcheck table's registry.)

#include <gtest/gtest-spi.h>
#include <gtest/gtest.h>
#include <gmock/gmock.h>

#include <tapegrad/autograd/gradcheck_gtest.hpp>
#include <tapegrad/autograd/op_helpers.hpp>
#include <tapegrad/autograd/ops/elementwise.hpp>

namespace {

using namespace tapegrad;
using ::testing::HasSubstr;
using Vars = std::vector<Var<double>>;

// wrong_mul(a, b) = a * b, but its vjp for b is g a + g: one too many (a's is right).
template <class T> void wrong_mul_vjp(Tape<T>& tape, Node<T>& node) {
    accumulate_binary_vjp(tape, node, 0, [](T g, T, T b) { return g * b; });
    accumulate_binary_vjp(tape, node, 1, [](T g, T a, T) { return g * a + g; });
}
template <class T> const Op<T> kWrongMul{"wrong_mul", wrong_mul_vjp<T>};
Var<double> wrong_mul(Var<double> a, Var<double> b) {
    return map_binary(kWrongMul<double>, a, b, [](double x, double y) { return x * y; });
}

const GradcheckFunction kWrong = [](Tape<double>&, const Vars& x) { return wrong_mul(x[0], x[1]); };
const GradcheckFunction kRight = [](Tape<double>&, const Vars& x) { return x[0] * x[1]; };
const std::vector<Array<double>> kInputs = {Array<double>{{1.0, 2.0}, {3.0, 4.0}}, Array<double>{{0.5, -1.0}, {2.0, 0.25}}};

TEST(GradcheckFails, WrongVjpIsReported) {
    const GradcheckResult result = gradcheck(kWrong, kInputs);
    EXPECT_FALSE(result.ok);
    // d out[0,0] / d b[0,0] = a[0,0] = 1; the wrong vjp says 2.
    EXPECT_EQ(result.message,
              "gradcheck: input 1 of shape (2, 2), element [0, 0], output element [0, 0]: "
              "numerical 1, analytical 2 (atol 1e-05, rtol 0.001)");
    EXPECT_NEAR(result.max_abs_error, 1.0, 1e-6);  // every entry d out[i] / d b[i] is off by 1
}

TEST(GradcheckFails, RightVjpOfTheSameFunctionPasses) {
    const GradcheckResult result = gradcheck(kRight, kInputs);
    EXPECT_TRUE(result.ok) << result.message;
    EXPECT_EQ(result.checked, 2u * 4u * 4u);  // 2 inputs x 4 elements x 4 outputs
    EXPECT_LT(result.max_abs_error, 1e-8);
}

TEST(GradcheckFails, GtestAssertionReportsTheFailure) {
    EXPECT_NONFATAL_FAILURE(EXPECT_GRADCHECK(kWrong, kInputs), "input 1 of shape (2, 2), element [0, 0]");
}

// An error smaller than atol + rtol |numerical| passes; a larger one does not.
TEST(GradcheckFails, ToleranceDecides) {
    const std::vector<Array<double>> tiny_a = {Array<double>{1e-7}, Array<double>{1.0}};
    // d out / d b = a = 1e-7, the wrong vjp says 1e-7 + 1: far beyond atol 1e-5.
    EXPECT_FALSE(gradcheck(kWrong, tiny_a).ok);
    GradcheckOptions loose;
    loose.atol = 2.0;  // an absolute error of 1 is now tolerated
    EXPECT_TRUE(gradcheck(kWrong, tiny_a, loose).ok);
}

TEST(GradcheckFails, NaNGradientFails) {
    // sqrt at 0: the analytical gradient is inf, the numerical one is NaN (sqrt(-eps)) - must not pass.
    const GradcheckFunction f = [](Tape<double>&, const Vars& x) { return pow(x[0], 0.5); };
    const GradcheckResult result = gradcheck(f, {Array<double>{0.0}});
    EXPECT_FALSE(result.ok);
    EXPECT_THAT(result.message, HasSubstr("input 0 of shape (1,), element [0]"));
}

}  // namespace
