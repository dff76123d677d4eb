// A user-defined op, written outside the engine with its public API only, and its gradcheck.
// (A binary of its own: "softplus" is registered wherever this file is linked, and the gradcheck
// table's coverage test must see only the built-in ops.)

// [readme-custom-op]
#include <algorithm>
#include <cmath>

#include <tapegrad/autograd/op_helpers.hpp>     // Op, Tape::record, accumulate_unary_vjp
#include <tapegrad/autograd/ops/activation.hpp>  // logistic_value

using namespace tapegrad;

/// softplus(x) = log(1 + e^x), computed as max(x, 0) + log(1 + e^-|x|): no overflow.
/// vjp: dx = g * logistic(x).
template <class T>
void softplus_vjp(Tape<T>& tape, Node<T>& node) {
    accumulate_unary_vjp(tape, node, [](T g, T x, T /*y*/) { return g * logistic_value(x); });
}

template <class T>
const Op<T> kSoftplus{"softplus", softplus_vjp<T>};  // the name shows in errors and DOT graphs

template <class T>
Var<T> softplus(Var<T> x) {
    Tape<T>& tape = x.tape();
    Var<T> y = tape.record(&kSoftplus<T>, {x}, x.shape());  // a new node of x's shape
    const T* in = x.value().data();
    T* out = tape.node(y).value().data();
    for (std::size_t i = 0; i < x.size(); ++i)
        out[i] = std::max(in[i], T(0)) + std::log1p(std::exp(-std::abs(in[i])));
    return y;
}
// [readme-custom-op-end]

#include <gtest/gtest.h>

#include <tapegrad/autograd/autograd.hpp>
#include <tapegrad/autograd/gradcheck_gtest.hpp>

namespace {

using Vars = std::vector<Var<double>>;

TEST(CustomOp, Gradcheck) {
    const Array<double> points{{-30.0, -3.0, -0.5, 0.0}, {0.5, 2.0, 3.0, 30.0}};
    EXPECT_GRADCHECK([](Tape<double>&, const Vars& x) { return softplus(x[0]); }, {points});
}

TEST(CustomOp, GradcheckInsideAGraph) {
    const Array<double> x{{0.3, -1.2, 2.0}, {1.1, 0.0, -0.4}};
    const Array<double> w{{0.5, 1.0}, {-2.0, 0.1}, {1.5, -0.3}};
    EXPECT_GRADCHECK([](Tape<double>&, const Vars& v) { return sum(softplus(matmul(v[0], v[1])) * 2.0); }, (std::vector{x, w}));
}

TEST(CustomOp, ValuesAreFiniteFarOut) {
    Tape<float> tape;
    auto x = tape.variable(Array<float>{-1000.0f, 0.0f, 1000.0f});
    auto y = softplus(x);
    EXPECT_FLOAT_EQ(y.value()(0), 0.0f);
    EXPECT_FLOAT_EQ(y.value()(1), std::log(2.0f));
    EXPECT_FLOAT_EQ(y.value()(2), 1000.0f);
    tape.backward(sum(y));
    EXPECT_FLOAT_EQ(x.grad()(0), 0.0f);
    EXPECT_FLOAT_EQ(x.grad()(1), 0.5f);
    EXPECT_FLOAT_EQ(x.grad()(2), 1.0f);
}

TEST(CustomOp, IsRegisteredAndNamedLikeBuiltIns) {
    EXPECT_EQ(registered_ops().count("softplus"), 1u);
    Tape<double> tape;
    auto y = softplus(tape.variable(Array<double>{1.0}));
    EXPECT_STREQ(tape.node(y).name(), "softplus");
    NoGrad<double> no_grad(tape);
    EXPECT_FALSE(softplus(y).requires_grad());  // no-grad scopes apply to user ops too
}

}  // namespace
