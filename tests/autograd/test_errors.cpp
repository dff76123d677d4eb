// Bad input throws tapegrad::Error with a message naming the op and the shapes, and the tape is
// left as it was: no half-recorded node.

#include <algorithm>
#include <functional>
#include <string>

#include <gtest/gtest.h>

#include <tapegrad/autograd/autograd.hpp>

namespace {

using namespace tapegrad;

/// Success when `op` throws tapegrad::Error with exactly `message` and records nothing on `tape`.
::testing::AssertionResult throws_error(Tape<double>& tape, const std::function<void()>& op, const std::string& message) {
    const std::size_t size_before = tape.size();
    try {
        op();
        return ::testing::AssertionFailure() << "no exception; expected \"" << message << "\"";
    } catch (const Error& e) {
        if (e.what() != message)
            return ::testing::AssertionFailure() << "message \"" << e.what() << "\"\n    expected \"" << message << "\"";
    }
    if (tape.size() != size_before)
        return ::testing::AssertionFailure() << "the throwing op left " << tape.size() - size_before << " node(s) on the tape";
    return ::testing::AssertionSuccess();
}

class Errors : public ::testing::Test {
protected:
    static Array<double> ones(const Shape& shape) {
        Array<double> a(shape);
        std::fill(a.begin(), a.end(), 1.0);
        return a;
    }
    Var<double> var(const Shape& shape) { return tape.variable(ones(shape)); }
    Var<double> constant(const Shape& shape) { return tape.constant(ones(shape)); }
    Tape<double> tape;
};

TEST_F(Errors, Matmul) {
    auto a = var({60, 2}), b = var({3, 100}), v = var({3});
    EXPECT_TRUE(throws_error(tape, [&] { matmul(a, b); }, "matmul: shapes (60, 2) and (3, 100) do not align"));
    EXPECT_TRUE(throws_error(tape, [&] { matmul(v, b); }, "matmul: shapes (3,) and (3, 100) are not both of rank 2"));
}

TEST_F(Errors, Linear) {
    auto x = var({4, 3}), w = var({2, 5}), w_ok = var({3, 5}), b = var({4});
    EXPECT_TRUE(throws_error(tape, [&] { linear(x, w, b); }, "linear: shapes (4, 3) and (2, 5) do not align"));
    EXPECT_TRUE(throws_error(tape, [&] { linear(x, w_ok, b); }, "linear: bias of shape (4,) for weight of shape (3, 5)"));
    EXPECT_TRUE(throws_error(tape, [&] { linear(x, w_ok, w_ok); },
                             "linear: shapes (4, 3), (3, 5) and (3, 5) are not (m, k), (k, n) and (n,)"));
}

TEST_F(Errors, Broadcast) {
    auto a = var({2, 3}), b = var({4}), c = var({3, 2});
    EXPECT_TRUE(throws_error(tape, [&] { add(a, b); }, "add: shapes (2, 3) and (4,) cannot be broadcast"));
    EXPECT_TRUE(throws_error(tape, [&] { mul(a, c); }, "mul: shapes (2, 3) and (3, 2) cannot be broadcast"));
    EXPECT_TRUE(throws_error(tape, [&] { div(c, a); }, "div: shapes (3, 2) and (2, 3) cannot be broadcast"));
}

TEST_F(Errors, Axes) {
    auto a = var({2, 3});
    EXPECT_TRUE(throws_error(tape, [&] { sum(a, {2}); }, "sum: axis 2 is out of range for shape (2, 3)"));
    EXPECT_TRUE(throws_error(tape, [&] { mean(a, {-3}); }, "mean: axis -3 is out of range for shape (2, 3)"));
    EXPECT_TRUE(throws_error(tape, [&] { sum(a, {1, -1}); }, "sum: axis -1 repeated for shape (2, 3)"));
    EXPECT_TRUE(throws_error(tape, [&] { max(a, 5); }, "max: axis 5 is out of range for shape (2, 3)"));
    EXPECT_TRUE(throws_error(tape, [&] { softmax(a, 2); }, "softmax: axis 2 is out of range for shape (2, 3)"));
    EXPECT_TRUE(throws_error(tape, [&] { log_softmax(a, -3); }, "log_softmax: axis -3 is out of range for shape (2, 3)"));
}

TEST_F(Errors, EmptyReductions) {
    auto empty = var({0, 3});
    EXPECT_TRUE(throws_error(tape, [&] { mean(empty); }, "mean: averaging over an empty axis of shape (0, 3)"));
    EXPECT_TRUE(throws_error(tape, [&] { mean(empty, {0}); }, "mean: averaging over an empty axis of shape (0, 3)"));
    EXPECT_TRUE(throws_error(tape, [&] { max(empty, 0); }, "max: empty axis 0 of shape (0, 3)"));
}

TEST_F(Errors, ReshapeAndTranspose) {
    auto a = var({2, 3});
    EXPECT_TRUE(throws_error(tape, [&] { reshape(a, {4, -1}); }, "reshape: cannot reshape (2, 3) to (4, -1)"));
    EXPECT_TRUE(throws_error(tape, [&] { reshape(a, {7}); }, "reshape: cannot reshape (2, 3) to (7,)"));
    EXPECT_TRUE(throws_error(tape, [&] { reshape(a, {-1, -1}); }, "reshape: cannot reshape (2, 3) to (-1, -1): more than one -1"));
    EXPECT_TRUE(throws_error(tape, [&] { reshape(a, {-2, -3}); },
                             "reshape: cannot reshape (2, 3) to (-2, -3): negative dimension -2"));
    EXPECT_TRUE(throws_error(tape, [&] { transpose(a, {0, 0}); },
                             "transpose: (0, 0) is not a permutation of the axes of shape (2, 3)"));
    EXPECT_TRUE(throws_error(tape, [&] { transpose(a, {1, 0, 2}); },
                             "transpose: (1, 0, 2) is not a permutation of the axes of shape (2, 3)"));
}

TEST_F(Errors, Domains) {
    auto x = tape.variable(Array<double>{2.0, -1.0, 3.0});
    auto y = tape.variable(Array<double>{1.0, 1.0, 1.0});
    EXPECT_TRUE(throws_error(tape, [&] { log(x); }, "log: input of shape (3,) has -1 at element 1, outside the domain [0, inf)"));
    EXPECT_TRUE(throws_error(tape, [&] { sqrt(x); }, "sqrt: input of shape (3,) has -1 at element 1, outside the domain [0, inf)"));
    EXPECT_TRUE(throws_error(tape, [&] { pow(x, y); }, "pow: base of shape (3,) has -1 at element 1, outside the domain (0, inf)"));
    EXPECT_TRUE(throws_error(tape, [&] { x / 0.0; }, "div_scalar: division of shape (3,) by zero"));
    EXPECT_TRUE(throws_error(tape, [&] { clip(x, 1.0, 0.5); }, "clip: bounds lo = 1, hi = 0.5 do not satisfy lo <= hi"));
}

TEST_F(Errors, Losses) {
    auto p = var({4, 1}), y = constant({4, 2}), v = var({4}), v_target = constant({4});
    auto no_rows = var({0, 1}), no_rows_target = constant({0, 1});
    auto no_columns = var({4, 0}), no_columns_target = constant({4, 0});
    auto scalar = var({}), scalar_target = constant({});
    EXPECT_TRUE(throws_error(tape, [&] { squared_loss(p, y); },
                             "squared_loss: prediction of shape (4, 1) and target of shape (4, 2) differ"));
    EXPECT_TRUE(throws_error(tape, [&] { logistic_log_loss(p, p); }, "logistic_log_loss: target of shape (4, 1) must be a constant"));
    EXPECT_TRUE(throws_error(tape, [&] { softmax_log_loss(v, v_target); },
                             "softmax_log_loss: logits of shape (4,) are not (n, classes)"));
    EXPECT_TRUE(throws_error(tape, [&] { squared_loss(no_rows, no_rows_target); }, "squared_loss: empty batch of shape (0, 1)"));
    EXPECT_TRUE(throws_error(tape, [&] { softmax_log_loss(no_columns, no_columns_target); },
                             "softmax_log_loss: empty batch of shape (4, 0)"));
    EXPECT_TRUE(throws_error(tape, [&] { squared_loss(scalar, scalar_target); },
                             "squared_loss: prediction of shape () has no batch axis (rows)"));
}

TEST_F(Errors, Item) {
    auto a = var({2});
    EXPECT_TRUE(throws_error(tape, [&] { a.item(); }, "item: value of shape (2,) is not a single element"));
}

}  // namespace
