// The gradcheck table: every registered op, checked by central differences in double precision.
//
// One row per case: a test name, the op it checks, its inputs and a function building the op's
// output from them. Binary broadcasting ops get their broadcast variants generated. Each row
// shows up in ctest as Gradcheck/OpCase.Passes/<name>. The coverage tests fail when an op is
// registered that no row checks, or a row names an op that does not exist.

#include <algorithm>
#include <cstddef>
#include <functional>
#include <set>
#include <string>
#include <vector>

#include <gtest/gtest.h>

#include <tapegrad/autograd/autograd.hpp>
#include <tapegrad/autograd/gradcheck_gtest.hpp>

#include "random_arrays.hpp"

namespace {

using namespace tapegrad;
using tapegrad_test::RandomArrays;
using Vars = std::vector<Var<double>>;

struct GradcheckCase {
    std::string name;  ///< test name, e.g. "mul_row_broadcast"
    std::string op;    ///< the registered op it checks: the op that makes f's output
    std::vector<Array<double>> inputs;
    GradcheckFunction f;
};

// gtest prints a failing case's parameter; the name says it all.
void PrintTo(const GradcheckCase& c, std::ostream* os) { *os << c.name; }

// ---- binary broadcasting ops -----------------------------------------------------------------

using Domain = Array<double> (*)(RandomArrays&, const Shape&);
Array<double> any_sign(RandomArrays& r, const Shape& s) { return r.uniform(s, -1.5, 1.5); }
Array<double> positive(RandomArrays& r, const Shape& s) { return r.uniform(s, 0.5, 2.0); }
Array<double> nonzero(RandomArrays& r, const Shape& s) { return r.away_from_zero(s, 0.5, 1.5); }

struct BinaryOp {
    const char* op;
    Var<double> (*f)(Var<double>, Var<double>);
    Domain left, right;  ///< where each operand's values are drawn (pow's base > 0, div's denominator != 0)
};

const BinaryOp kBinaryOps[] = {
    {"add", [](Var<double> a, Var<double> b) { return add(a, b); }, any_sign, any_sign},
    {"sub", [](Var<double> a, Var<double> b) { return sub(a, b); }, any_sign, any_sign},
    {"mul", [](Var<double> a, Var<double> b) { return mul(a, b); }, any_sign, any_sign},
    {"div", [](Var<double> a, Var<double> b) { return div(a, b); }, any_sign, nonzero},
    {"pow", [](Var<double> a, Var<double> b) { return pow(a, b); }, positive, any_sign},
};

struct BroadcastVariant {
    const char* name;
    Shape left, right;
};

// Each variant but the first is also generated with the operands' shapes swapped.
const BroadcastVariant kBroadcastVariants[] = {
    {"same_shape", {3, 4}, {3, 4}},
    {"row_broadcast", {3, 4}, {4}},
    {"column_broadcast", {3, 4}, {3, 1}},
    {"scalar_broadcast", {3, 4}, {}},
    {"rank_expanding", {2, 3, 4}, {3, 4}},
    {"outer_broadcast", {3, 1}, {1, 4}},  // (3,1) x (1,4) -> (3,4): both operands stretched
};

void add_binary_cases(std::vector<GradcheckCase>& table, RandomArrays& random) {
    for (const BinaryOp& op : kBinaryOps) {
        auto f = op.f;
        GradcheckFunction call = [f](Tape<double>&, const Vars& x) { return f(x[0], x[1]); };
        for (const BroadcastVariant& v : kBroadcastVariants) {
            const std::string name = std::string(op.op) + "_" + v.name;
            table.push_back({name, op.op, {op.left(random, v.left), op.right(random, v.right)}, call});
            if (v.left != v.right)
                table.push_back({name + "_swapped", op.op, {op.left(random, v.right), op.right(random, v.left)}, call});
        }
    }
}

// ---- reductions ----------------------------------------------------------------------------

struct Reduction {
    const char* name;
    std::vector<std::ptrdiff_t> axes;  ///< empty: every axis
    bool keepdims;
};

const Reduction kReductions[] = {
    {"all", {}, false},          {"all_keepdims", {}, true},
    {"axis0", {0}, false},       {"axis0_keepdims", {0}, true},
    {"axis1", {1}, false},       {"axis1_keepdims", {1}, true},
    {"axis2", {2}, false},       {"axis2_keepdims", {2}, true},
    {"axes0_2", {0, 2}, false},  {"axes0_2_keepdims", {0, 2}, true},
    {"axis_minus1", {-1}, false}, {"axes_minus3_minus1_keepdims", {-3, -1}, true},
};

void add_reduction_cases(std::vector<GradcheckCase>& table, RandomArrays& random) {
    const Shape shape{2, 3, 4};
    for (const Reduction& r : kReductions) {
        const auto axes = r.axes;
        const bool keepdims = r.keepdims;
        table.push_back({std::string("sum_") + r.name, "sum", {random.uniform(shape, -1, 1)},
                         [axes, keepdims](Tape<double>&, const Vars& x) { return sum(x[0], axes, keepdims); }});
        table.push_back({std::string("mean_") + r.name, "mean", {random.uniform(shape, -1, 1)},
                         [axes, keepdims](Tape<double>&, const Vars& x) { return mean(x[0], axes, keepdims); }});
    }
    // max: values spaced 0.1 apart, so no tie is within eps of flipping
    const std::pair<std::ptrdiff_t, bool> max_axes[] = {{0, false}, {1, false}, {2, false}, {1, true}, {-1, true}};
    for (const auto& [axis, keepdims] : max_axes) {
        const std::string name = "max_axis" + (axis < 0 ? "_minus" + std::to_string(-axis) : std::to_string(axis)) +
                                 (keepdims ? "_keepdims" : "");
        table.push_back({name, "max", {random.distinct(shape, 0.1)},
                         [axis = axis, keepdims = keepdims](Tape<double>&, const Vars& x) { return max(x[0], axis, keepdims); }});
    }
}

// ---- the table -------------------------------------------------------------------------------

std::vector<GradcheckCase> make_table() {
    RandomArrays random(20240601);
    std::vector<GradcheckCase> table;
    add_binary_cases(table, random);
    add_reduction_cases(table, random);
    auto row = [&table](std::string name, std::string op, std::vector<Array<double>> inputs, GradcheckFunction f) {
        table.push_back({std::move(name), std::move(op), std::move(inputs), std::move(f)});
    };
    const Shape s{3, 4};

    // unary
    row("neg", "neg", {random.uniform(s, -1, 1)}, [](Tape<double>&, const Vars& x) { return neg(x[0]); });
    row("square", "square", {random.uniform(s, -1, 1)}, [](Tape<double>&, const Vars& x) { return square(x[0]); });
    row("sqrt", "sqrt", {random.uniform(s, 0.5, 2)}, [](Tape<double>&, const Vars& x) { return sqrt(x[0]); });
    row("exp", "exp", {random.uniform(s, -1, 1)}, [](Tape<double>&, const Vars& x) { return exp(x[0]); });
    row("log", "log", {random.uniform(s, 0.5, 2)}, [](Tape<double>&, const Vars& x) { return log(x[0]); });
    row("abs", "abs", {random.away_from_zero(s, 0.1, 1)}, [](Tape<double>&, const Vars& x) { return abs(x[0]); });
    row("relu", "relu", {random.away_from_zero(s, 0.1, 1)}, [](Tape<double>&, const Vars& x) { return relu(x[0]); });
    row("logistic", "logistic", {random.uniform(s, -3, 3)}, [](Tape<double>&, const Vars& x) { return logistic(x[0]); });
    row("logistic_saturating", "logistic", {random.away_from_zero(s, 8, 12)},
        [](Tape<double>&, const Vars& x) { return logistic(x[0]); });
    row("tanh", "tanh", {random.uniform(s, -2, 2)}, [](Tape<double>&, const Vars& x) { return tanh(x[0]); });
    row("clip", "clip", {random.avoiding(s, -1, 1, {-0.5, 0.5}, 0.05)},
        [](Tape<double>&, const Vars& x) { return clip(x[0], -0.5, 0.5); });

    // scalar forms
    row("add_scalar", "add_scalar", {random.uniform(s, -1, 1)}, [](Tape<double>&, const Vars& x) { return x[0] + 0.7; });
    row("mul_scalar", "mul_scalar", {random.uniform(s, -1, 1)}, [](Tape<double>&, const Vars& x) { return x[0] * -1.3; });
    row("rsub_scalar", "rsub_scalar", {random.uniform(s, -1, 1)}, [](Tape<double>&, const Vars& x) { return 2.0 - x[0]; });
    row("div_scalar", "div_scalar", {random.uniform(s, -1, 1)}, [](Tape<double>&, const Vars& x) { return x[0] / 1.7; });
    row("rdiv_scalar", "rdiv_scalar", {random.away_from_zero(s, 0.5, 1.5)},
        [](Tape<double>&, const Vars& x) { return 1.5 / x[0]; });
    row("pow_scalar", "pow_scalar", {random.uniform(s, 0.5, 2)}, [](Tape<double>&, const Vars& x) { return pow(x[0], 2.5); });
    row("pow_scalar_negative_exponent", "pow_scalar", {random.uniform(s, 0.5, 2)},
        [](Tape<double>&, const Vars& x) { return pow(x[0], -1.5); });
    row("pow_scalar_integer_exponent_negative_base", "pow_scalar", {random.uniform(s, -1.5, -0.5)},
        [](Tape<double>&, const Vars& x) { return pow(x[0], 3.0); });

    // softmax and log_softmax along each axis
    for (const auto& [op, f] : {std::pair{"softmax", &softmax<double>}, std::pair{"log_softmax", &log_softmax<double>}}) {
        for (std::ptrdiff_t axis : {0, 1, 2}) {
            row(std::string(op) + "_axis" + std::to_string(axis), op, {random.uniform({2, 3, 4}, -2, 2)},
                [f = f, axis](Tape<double>&, const Vars& x) { return f(x[0], axis); });
        }
        row(std::string(op) + "_default_axis", op, {random.uniform({3, 4}, -2, 2)},
            [f = f](Tape<double>&, const Vars& x) { return f(x[0], -1); });
    }

    // linear algebra; single rows and columns have stride-0 axes, which BLAS must not see
    const std::pair<Shape, Shape> matmul_shapes[] = {{{3, 4}, {4, 2}}, {{1, 4}, {4, 3}}, {{3, 4}, {4, 1}}, {{3, 1}, {1, 4}}};
    const char* matmul_names[] = {"matmul", "matmul_single_row", "matmul_single_column", "matmul_inner_one"};
    for (std::size_t i = 0; i < 4; ++i)
        row(matmul_names[i], "matmul",
            {random.uniform(matmul_shapes[i].first, -1, 1), random.uniform(matmul_shapes[i].second, -1, 1)},
            [](Tape<double>&, const Vars& x) { return matmul(x[0], x[1]); });
    row("linear", "linear", {random.uniform({5, 3}, -1, 1), random.uniform({3, 2}, -1, 1), random.uniform({2}, -1, 1)},
        [](Tape<double>&, const Vars& x) { return linear(x[0], x[1], x[2]); });
    row("linear_single_row", "linear", {random.uniform({1, 3}, -1, 1), random.uniform({3, 4}, -1, 1), random.uniform({4}, -1, 1)},
        [](Tape<double>&, const Vars& x) { return linear(x[0], x[1], x[2]); });
    row("transpose_2d", "transpose", {random.uniform({3, 4}, -1, 1)}, [](Tape<double>&, const Vars& x) { return transpose(x[0]); });
    row("transpose_3d_default", "transpose", {random.uniform({2, 3, 4}, -1, 1)},
        [](Tape<double>&, const Vars& x) { return transpose(x[0]); });
    row("transpose_3d_permutation", "transpose", {random.uniform({2, 3, 4}, -1, 1)},
        [](Tape<double>&, const Vars& x) { return transpose(x[0], {1, 2, 0}); });
    row("reshape_free_axis", "reshape", {random.uniform({3, 4}, -1, 1)},
        [](Tape<double>&, const Vars& x) { return reshape(x[0], {2, -1, 3}); });
    row("reshape_flatten", "reshape", {random.uniform({2, 3, 4}, -1, 1)},
        [](Tape<double>&, const Vars& x) { return reshape(x[0], {-1}); });

    // losses: the targets are constants made inside f
    const Array<double> regression_target = random.uniform({5, 1}, -1, 1);
    row("squared_loss", "squared_loss", {random.uniform({5, 1}, -1, 1)},
        [regression_target](Tape<double>& tape, const Vars& x) { return squared_loss(x[0], tape.constant(regression_target)); });
    const Array<double> binary_target = random.binary({5, 1});
    row("logistic_log_loss", "logistic_log_loss", {random.uniform({5, 1}, -2, 2)},
        [binary_target](Tape<double>& tape, const Vars& x) { return logistic_log_loss(x[0], tape.constant(binary_target)); });
    const Array<double> multilabel_target = random.binary({5, 3});
    row("logistic_log_loss_multilabel", "logistic_log_loss", {random.uniform({5, 3}, -2, 2)},
        [multilabel_target](Tape<double>& tape, const Vars& x) {
            return logistic_log_loss(x[0], tape.constant(multilabel_target));
        });
    const Array<double> one_hot_target = random.one_hot(5, 3);
    row("softmax_log_loss", "softmax_log_loss", {random.uniform({5, 3}, -2, 2)},
        [one_hot_target](Tape<double>& tape, const Vars& x) { return softmax_log_loss(x[0], tape.constant(one_hot_target)); });
    row("l2_penalty", "l2_penalty", {random.uniform({3, 4}, -1, 1)},
        [](Tape<double>&, const Vars& x) { return l2_penalty(x[0], 0.25); });
    return table;
}

const std::vector<GradcheckCase>& gradcheck_table() {
    static const std::vector<GradcheckCase> table = make_table();
    return table;
}

class OpCase : public ::testing::TestWithParam<GradcheckCase> {};

TEST_P(OpCase, Passes) {
    const GradcheckCase& c = GetParam();
    // The row checks the op it names: that op made f's output.
    Tape<double> tape;
    Vars vars;
    for (const auto& x : c.inputs) vars.push_back(tape.variable(x));
    EXPECT_EQ(tape.node(c.f(tape, vars)).name(), c.op);

    EXPECT_GRADCHECK(c.f, c.inputs);
}

INSTANTIATE_TEST_SUITE_P(Gradcheck, OpCase, ::testing::ValuesIn(gradcheck_table()),
                         [](const ::testing::TestParamInfo<GradcheckCase>& info) { return info.param.name; });

// ---- coverage: the table and the registry name the same ops --------------------------------

std::set<std::string> table_ops() {
    std::set<std::string> ops;
    for (const auto& c : gradcheck_table()) ops.insert(c.op);
    return ops;
}

std::string join(const std::vector<std::string>& names) {
    std::string text;
    for (const auto& name : names) text += (text.empty() ? "" : ", ") + name;
    return text;
}

TEST(GradcheckTable, EveryRegisteredOpHasARow) {
    const std::set<std::string> covered = table_ops();
    std::vector<std::string> missing;
    for (const auto& op : registered_ops())
        if (!covered.count(op)) missing.push_back(op);
    EXPECT_TRUE(missing.empty()) << "registered ops with no gradcheck row: " << join(missing);
}

TEST(GradcheckTable, EveryRowNamesARegisteredOp) {
    std::vector<std::string> unknown;
    for (const auto& op : table_ops())
        if (!registered_ops().count(op)) unknown.push_back(op);
    EXPECT_TRUE(unknown.empty()) << "gradcheck rows naming no registered op: " << join(unknown);
}

}  // namespace
