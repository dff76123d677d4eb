// The engine: what backward computes, what it leaves alone, and what clear() keeps.

#include <gtest/gtest.h>
#include <gmock/gmock.h>

#include <tapegrad/autograd/autograd.hpp>

namespace {

using namespace tapegrad;
using ::testing::ElementsAre;
using ::testing::StrEq;
using ::testing::ThrowsMessage;

std::vector<double> values(const Array<double>& a) { return {a.begin(), a.end()}; }

// counted_square(x) = x^2 whose vjp counts its runs: shows how often backward visits a node.
int counted_square_vjp_runs = 0;
void counted_square_vjp(Tape<double>& tape, Node<double>& node) {
    ++counted_square_vjp_runs;
    accumulate_unary_vjp(tape, node, [](double g, double x, double) { return 2 * g * x; });
}
const Op<double> kCountedSquare{"counted_square", counted_square_vjp};
Var<double> counted_square(Var<double> x) { return map_unary(kCountedSquare, x, [](double v) { return v * v; }); }

// ---- what backward computes ------------------------------------------------------------------

TEST(Backward, SumOfSquares) {
    Tape<double> tape;
    auto x = tape.variable(Array<double>{1.0, 2.0, 3.0});
    auto loss = sum(x * x);
    tape.backward(loss);
    EXPECT_DOUBLE_EQ(loss.item(), 14.0);
    EXPECT_THAT(values(x.grad()), ElementsAre(2.0, 4.0, 6.0));
}

TEST(Backward, SharedSubexpressionGetsEveryUseAndRunsItsVjpOnce) {
    Tape<double> tape;
    auto x = tape.variable(Array<double>{1.0, 2.0});
    auto y = counted_square(x);   // y = x^2, used twice below
    auto z = sum(y * y + y);      // dz/dy = 2y + 1
    counted_square_vjp_runs = 0;
    tape.backward(z);
    EXPECT_EQ(counted_square_vjp_runs, 1);
    EXPECT_THAT(values(tape.node(y).grad()), ElementsAre(3.0, 9.0));  // 2y + 1 at y = 1, 4
    EXPECT_THAT(values(x.grad()), ElementsAre(6.0, 36.0));             // (2y + 1) 2x
}

TEST(Backward, VariableUsedTwiceGetsBothContributions) {
    Tape<double> tape;
    auto x = tape.variable(Array<double>{3.0});
    tape.backward(sum(x * x + x));  // 2x + 1
    EXPECT_DOUBLE_EQ(x.grad()(0), 7.0);
}

TEST(Backward, SeedWeightsTheOutputs) {
    Tape<double> tape;
    auto x = tape.variable(Array<double>{1.0, 2.0});
    auto y = x * 3.0;
    tape.backward(y, Array<double>{10.0, 100.0});
    EXPECT_THAT(values(x.grad()), ElementsAre(30.0, 300.0));
}

TEST(Backward, NonScalarOutputWithoutSeedThrows) {
    Tape<double> tape;
    auto y = exp(tape.variable(Array<double>{{1.0, 2.0, 3.0}, {4.0, 5.0, 6.0}}));
    EXPECT_THAT([&] { tape.backward(y); },
                ThrowsMessage<Error>(StrEq("backward: output of shape (2, 3) is not a scalar; pass a seed gradient of that shape")));
}

TEST(Backward, SeedOfTheWrongShapeThrows) {
    Tape<double> tape;
    auto y = exp(tape.variable(Array<double>{{1.0, 2.0, 3.0}, {4.0, 5.0, 6.0}}));
    EXPECT_THAT([&] { tape.backward(y, Array<double>{1.0, 1.0, 1.0}); },
                ThrowsMessage<Error>(StrEq("backward: seed of shape (3,) for output of shape (2, 3)")));
}

TEST(Backward, LeafGradientsAccumulateUntilZeroed) {
    Tape<double> tape;
    Parameter<double> w(Array<double>{2.0});
    auto x = tape.variable(Array<double>{3.0});
    auto loss = sum(x * tape.param(w));
    tape.backward(loss);
    tape.backward(loss);  // += again: leaves accumulate, like PyTorch's .grad
    EXPECT_DOUBLE_EQ(x.grad()(0), 4.0);
    EXPECT_DOUBLE_EQ(w.grad(0), 6.0);

    tape.zero_grad();  // variables' gradients
    EXPECT_DOUBLE_EQ(x.grad()(0), 0.0);
    EXPECT_DOUBLE_EQ(w.grad(0), 6.0);  // parameters are zeroed by their owner
    w.zero_grad();
    EXPECT_DOUBLE_EQ(w.grad(0), 0.0);

    tape.backward(loss);
    EXPECT_DOUBLE_EQ(x.grad()(0), 2.0);
    EXPECT_DOUBLE_EQ(w.grad(0), 3.0);
}

TEST(Backward, IntermediateGradientsStartFromZeroEachTime) {
    Tape<double> tape;
    auto x = tape.variable(Array<double>{1.0});
    auto y = x * 5.0;
    auto loss = sum(y);
    tape.backward(loss);
    tape.backward(loss);
    EXPECT_DOUBLE_EQ(tape.node(y).grad()(0), 1.0);  // not 2: recomputed, not accumulated
    EXPECT_DOUBLE_EQ(x.grad()(0), 10.0);
}

// The first vjp to write an intermediate gradient in a backward assigns it (GEMM beta 0, `=`):
// what the buffer held before must never be read. Poison every intermediate gradient with NaN
// between two backwards through linear, matmul, tanh and the fused loss: the leaves' gradients
// are exactly twice the first ones (leaves accumulate), with no NaN.
void expect_stale_intermediate_gradients_unread(bool anomaly_mode) {
    Tape<double> tape;
    std::unique_ptr<AnomalyMode<double>> guard;
    if (anomaly_mode) guard = std::make_unique<AnomalyMode<double>>(tape);
    auto x = tape.variable(Array<double>{{0.5, -1.0, 2.0}, {1.5, 0.25, -0.5}});      // (2, 3)
    auto w = tape.variable(Array<double>{{0.1, -0.2}, {0.3, 0.4}, {-0.5, 0.6}});      // (3, 2)
    auto b = tape.variable(Array<double>{0.05, -0.05});                               // (2,)
    auto v = tape.variable(Array<double>{{1.0, -1.0, 0.5}, {-0.5, 2.0, 1.0}});        // (2, 3)
    auto y = tape.constant(Array<double>{{1.0, 0.0, 0.0}, {0.0, 0.0, 1.0}});
    auto loss = softmax_log_loss(matmul(tanh(linear(x, w, b)), v), y);
    tape.backward(loss);
    const std::vector<Var<double>> leaves{x, w, b, v};
    std::vector<std::vector<double>> first;
    for (const auto& leaf : leaves) first.push_back(values(leaf.grad()));
    for (std::int32_t i = 0; i < static_cast<std::int32_t>(tape.size()); ++i) {
        Node<double>& n = tape.node_at(i);
        if (n.op) std::fill(n.own_grad.begin(), n.own_grad.end(), std::nan(""));
    }
    tape.backward(loss);
    for (std::size_t k = 0; k < leaves.size(); ++k) {
        const std::vector<double> second = values(leaves[k].grad());
        ASSERT_EQ(second.size(), first[k].size());
        for (std::size_t i = 0; i < second.size(); ++i)
            EXPECT_DOUBLE_EQ(second[i], 2 * first[k][i]) << "leaf " << k << " element " << i;
    }
}

TEST(Backward, StaleIntermediateGradientsAreOverwrittenNotRead) { expect_stale_intermediate_gradients_unread(false); }
TEST(Backward, StaleIntermediateGradientsAreOverwrittenNotReadInAnomalyMode) {
    expect_stale_intermediate_gradients_unread(true);
}

// An intermediate recorded before the output that the output does not depend on gets a zero
// gradient, not what an earlier backward left in it.
TEST(Backward, UnreachedIntermediateGetsAZeroGradient) {
    for (bool anomaly_mode : {false, true}) {
        Tape<double> tape;
        std::unique_ptr<AnomalyMode<double>> guard;
        if (anomaly_mode) guard = std::make_unique<AnomalyMode<double>>(tape);
        auto x = tape.variable(Array<double>{1.0, 2.0});
        auto a = tanh(x);                    // recorded first
        tape.backward(sum(a * x));           // a.grad = x
        EXPECT_THAT(values(tape.node(a).grad()), ElementsAre(1.0, 2.0));
        auto unrelated = sum(x * 3.0);       // recorded after a, does not use it
        tape.backward(unrelated);
        EXPECT_THAT(values(tape.node(a).grad()), ElementsAre(0.0, 0.0)) << "anomaly mode " << anomaly_mode;
    }
}

TEST(Backward, NodesAfterTheOutputAreUntouched) {
    Tape<double> tape;
    auto x = tape.variable(Array<double>{0.0});
    auto early = sum(exp(x));    // e^x
    auto late = early * 2.0;     // recorded after `early`
    tape.backward(late);         // x.grad = 2 e^0 = 2, late.grad = 1
    tape.backward(early);        // x.grad += e^0; must not run late's vjp nor reset its gradient
    EXPECT_DOUBLE_EQ(x.grad()(0), 3.0);
    EXPECT_DOUBLE_EQ(tape.node(late).grad()(0), 1.0);
}

TEST(Backward, ParameterOnTwoSuccessiveTapes) {
    Parameter<double> w(Array<double>{1.0, 2.0});
    {
        Tape<double> tape;
        tape.backward(sum(square(tape.param(w))));  // 2w
    }
    w.value = Array<double>{10.0, 20.0};  // an optimizer step between the tapes
    {
        Tape<double> tape;
        auto loss = sum(square(tape.param(w)));
        EXPECT_DOUBLE_EQ(loss.item(), 500.0);  // the new value is read
        tape.backward(loss);
    }
    EXPECT_THAT(values(w.grad), ElementsAre(2.0 + 20.0, 4.0 + 40.0));
}

TEST(Backward, OutputWithoutGradientThrows) {
    Tape<double> tape;
    auto c = tape.constant(Array<double>{1.0});
    EXPECT_THAT([&] { tape.backward(sum(exp(c))); },
                ThrowsMessage<Error>(StrEq("backward: output does not depend on any variable or parameter")));
}

// ---- gradients nobody needs are not computed -------------------------------------------------

TEST(NeedlessGradients, ConstantsGetNoGraph) {
    Tape<double> tape;
    auto c = tape.constant(Array<double>{1.0, 2.0});
    auto y = counted_square(c);  // only constants in: a constant out, no vjp recorded
    EXPECT_FALSE(y.requires_grad());
    EXPECT_EQ(tape.node(y).op, nullptr);
    auto x = tape.variable(Array<double>{3.0, 4.0});
    counted_square_vjp_runs = 0;
    tape.backward(sum(y * x));
    EXPECT_EQ(counted_square_vjp_runs, 0);
    EXPECT_THAT(values(x.grad()), ElementsAre(1.0, 4.0));
}

TEST(NeedlessGradients, MatmulSkipsTheGemmOfAConstantOperand) {
    Tape<double> tape;
    auto a = tape.constant(Array<double>{{1.0, 2.0}, {3.0, 4.0}, {5.0, 6.0}});  // (3, 2): data
    Array<double> w_value{1.0, -1.0};
    w_value.reshape({2, 1});
    auto w = tape.variable(w_value);                                             // (2, 1)
    // A sentinel where a's gradient would go: matmul's vjp must not write dA = g W^T there.
    Array<double>& a_grad = tape.node(a).own_grad;
    a_grad = Array<double>{{7.0, 7.0}, {7.0, 7.0}, {7.0, 7.0}};
    tape.backward(sum(matmul(a, w)));
    EXPECT_THAT(values(a_grad), ElementsAre(7.0, 7.0, 7.0, 7.0, 7.0, 7.0));
    EXPECT_THAT(values(w.grad()), ElementsAre(9.0, 12.0));  // A^T 1
}

// ---- no-grad scope and detach -----------------------------------------------------------------

TEST(NoGrad, OpsInTheScopeRecordNoGraph) {
    Tape<double> tape;
    auto x = tape.variable(Array<double>{1.0, 2.0});
    Var<double> y;
    {
        NoGrad<double> no_grad(tape);
        EXPECT_FALSE(tape.grad_enabled());
        y = counted_square(x);
        EXPECT_DOUBLE_EQ(y.value()(1), 4.0);  // values are computed
        const Node<double>& node = tape.node(y);
        EXPECT_EQ(node.op, nullptr);          // ... but the result is a leaf
        EXPECT_EQ(node.n_inputs, 0);
        EXPECT_FALSE(node.requires_grad);
    }
    EXPECT_TRUE(tape.grad_enabled());
    counted_square_vjp_runs = 0;
    EXPECT_THROW(tape.backward(sum(y)), Error);  // nothing to differentiate
    tape.backward(sum(y * x));                   // y is a constant here: d/dx = y
    EXPECT_EQ(counted_square_vjp_runs, 0);
    EXPECT_THAT(values(x.grad()), ElementsAre(1.0, 4.0));
}

TEST(NoGrad, ScopesNest) {
    Tape<double> tape;
    auto x = tape.variable(Array<double>{1.0});
    {
        NoGrad<double> outer(tape);
        {
            NoGrad<double> inner(tape);
        }
        EXPECT_FALSE(tape.grad_enabled());
        EXPECT_FALSE(exp(x).requires_grad());
    }
    EXPECT_TRUE(exp(x).requires_grad());
}

TEST(Detach, CutsTheGraph) {
    Tape<double> tape;
    auto x = tape.variable(Array<double>{3.0});
    auto stopped = tape.detach(x * x);  // a constant holding 9
    EXPECT_FALSE(stopped.requires_grad());
    tape.backward(sum(stopped * x));    // d/dx (9 x) = 9, not 3 x^2 = 27
    EXPECT_DOUBLE_EQ(x.grad()(0), 9.0);
}

// ---- clear() ------------------------------------------------------------------------------------

TEST(Clear, KeepsParametersAndMemory) {
    Parameter<double> w(Array<double>{{1.0, 2.0}, {3.0, 4.0}});
    Tape<double> tape;
    auto record = [&] {
        auto x = tape.constant(Array<double>{{1.0, 1.0}});
        return sum(relu(matmul(x, tape.param(w))));
    };
    auto loss = record();
    tape.backward(loss);
    const std::size_t capacity = tape.capacity();
    const double* hidden_buffer = tape.node_at(loss.index() - 1).value().data();

    tape.clear();
    EXPECT_EQ(tape.size(), 0u);
    EXPECT_EQ(tape.capacity(), capacity);
    EXPECT_THAT(values(w.value), ElementsAre(1.0, 2.0, 3.0, 4.0));
    EXPECT_THAT(values(w.grad), ElementsAre(1.0, 1.0, 1.0, 1.0));

    auto again = record();  // the same ops land in the same buffers
    EXPECT_EQ(again.index(), loss.index());
    EXPECT_EQ(tape.node_at(again.index() - 1).value().data(), hidden_buffer);
    EXPECT_EQ(tape.capacity(), capacity);
}

TEST(Clear, MakesOldVarsStale) {
    Tape<double> tape;
    auto x = tape.variable(Array<double>{1.0});
    tape.clear();
    tape.variable(Array<double>{2.0});  // index 0 again, but a new generation
    EXPECT_THAT([&] { x.value(); },
                ThrowsMessage<Error>(StrEq("value: variable is stale (its tape was cleared since it was made)")));
    EXPECT_THAT([&] { exp(x); },
                ThrowsMessage<Error>(StrEq("exp: variable is stale (its tape was cleared since it was made)")));
    EXPECT_EQ(tape.size(), 1u);
}

TEST(Clear, VarsOfAnotherTapeAndEmptyVarsAreRejected) {
    Tape<double> one, two;
    auto x = one.variable(Array<double>{1.0});
    auto y = two.variable(Array<double>{1.0});
    EXPECT_THAT([&] { add(x, y); }, ThrowsMessage<Error>(StrEq("add: variable belongs to another tape")));
    EXPECT_THAT([] { Var<double>().value(); }, ThrowsMessage<Error>(StrEq("tapegrad: use of an empty Var")));
}

}  // namespace
