// Arrays with a zero-length axis (an empty batch, a layer of width 0) flow through forward and
// backward with the right shapes and without touching memory they do not have. GEMMs with a
// zero-sized dimension are skipped: their operands have leading dimension 0, which BLAS may
// reject (OpenBLAS prints "** On entry to DGEMM parameter number 10 had an illegal value" when
// the summed dimension is not 0 too; the reference CBLAS complains on stderr).

#include <gtest/gtest.h>
#include <gmock/gmock.h>

#include <tapegrad/autograd/autograd.hpp>

namespace {

using namespace tapegrad;
using ::testing::ElementsAre;

Array<double> filled(const Shape& shape, double value) {
    Array<double> a(shape);
    std::fill(a.begin(), a.end(), value);
    return a;
}

std::vector<std::size_t> dims(Var<double> v) { return {v.shape().begin(), v.shape().end()}; }

TEST(EmptyShapes, ElementwiseAndActivations) {
    Tape<double> tape;
    auto x = tape.variable(filled({0, 3}, 1.0));
    auto b = tape.variable(filled({3}, 1.0));
    auto y = softmax(relu(x * b + 1.0), 0);  // softmax along the empty axis
    auto z = log_softmax(exp(y), 1);
    EXPECT_THAT(dims(z), ElementsAre(0u, 3u));
    auto loss = sum(z);
    EXPECT_DOUBLE_EQ(loss.item(), 0.0);
    tape.backward(loss);
    EXPECT_THAT(dims(x), ElementsAre(0u, 3u));
    EXPECT_THAT(std::vector<double>(b.grad().begin(), b.grad().end()), ElementsAre(0.0, 0.0, 0.0));
}

TEST(EmptyShapes, Reductions) {
    Tape<double> tape;
    auto x = tape.variable(filled({0, 3}, 1.0));
    EXPECT_THAT(dims(sum(x, {0})), ElementsAre(3u));     // sum over no rows: zeros
    EXPECT_THAT(dims(mean(x, {1})), ElementsAre(0u));    // mean of each of no rows: empty
    EXPECT_THAT(dims(max(x, 1, true)), ElementsAre(0u, 1u));
    auto total = sum(sum(x, {0}));
    EXPECT_DOUBLE_EQ(total.item(), 0.0);
    tape.backward(total);
}

// Zero-sized dimensions of a GEMM: m = 0 (no rows), k = 0 (nothing to sum), n = 0 (no columns).
TEST(EmptyShapes, MatmulAndLinearInEveryDimension) {
    const std::pair<Shape, Shape> shapes[] = {{{0, 3}, {3, 2}}, {{4, 0}, {0, 2}}, {{4, 3}, {3, 0}}};
    for (const auto& [a_shape, b_shape] : shapes) {
        SCOPED_TRACE(shape_str(a_shape) + " @ " + shape_str(b_shape));
        Tape<double> tape;
        auto a = tape.variable(filled(a_shape, 1.0));
        auto w = tape.variable(filled(b_shape, 1.0));
        auto bias = tape.variable(filled({b_shape[1]}, 0.5));
        auto product = matmul(a, w);
        auto affine = linear(a, w, bias);
        EXPECT_THAT(dims(product), ElementsAre(a_shape[0], b_shape[1]));
        for (double v : product.value()) EXPECT_EQ(v, 0.0);  // k = 0: an empty sum is 0
        for (double v : affine.value()) EXPECT_EQ(v, 0.5);   // ... plus the bias

        ::testing::internal::CaptureStdout();  // where BLAS libraries report bad arguments
        ::testing::internal::CaptureStderr();
        tape.backward(sum(product) + sum(affine));
        EXPECT_EQ(::testing::internal::GetCapturedStdout(), "");
        EXPECT_EQ(::testing::internal::GetCapturedStderr(), "");
        for (double v : a.grad()) EXPECT_EQ(v, 2.0 * static_cast<double>(b_shape[1]));  // row sums of W = n ones
        for (double v : w.grad()) EXPECT_EQ(v, 2.0 * static_cast<double>(a_shape[0]));  // column sums of A = m ones
        for (double v : bias.grad()) EXPECT_EQ(v, static_cast<double>(a_shape[0]));
    }
}

TEST(EmptyShapes, ShapeOps) {
    Tape<double> tape;
    auto x = tape.variable(filled({0, 4}, 1.0));
    EXPECT_THAT(dims(transpose(x)), ElementsAre(4u, 0u));
    EXPECT_THAT(dims(reshape(x, {2, -1, 2})), ElementsAre(2u, 0u, 2u));
    auto y = reshape(transpose(x), {-1});
    EXPECT_THAT(dims(y), ElementsAre(0u));
    tape.backward(y, Array<double>(Shape{0}));
}

}  // namespace
