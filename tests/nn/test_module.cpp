// Module, Linear, Sequential: parameter names and order, forward values, gradients.
#include <gtest/gtest.h>

#include <tapegrad/autograd/autograd.hpp>
#include <tapegrad/autograd/gradcheck_gtest.hpp>
#include <tapegrad/nn/nn.hpp>

using namespace tapegrad;
using namespace tapegrad::nn;

namespace {

std::vector<std::string> names_of(Module<double>& m) {
    std::vector<std::string> names;
    for (auto& named : m.named_parameters()) names.push_back(named.first);
    return names;
}

/// A module with an own parameter and a submodule: y = inner(x) * scale.
class Scaled : public Module<double> {
public:
    Scaled() : scale(Array<double>{2.0}) {
        inner.emplace<Linear<double>>(2, 3);
        register_module("inner", inner);
        register_parameter("scale", scale);  // registered after the submodule, listed before it
    }
    Var<double> forward(Var<double> x) override { return inner(x) * x.tape().param(scale); }
    Sequential<double> inner;
    Parameter<double> scale;
};

/// Central differences of `loss()` with respect to every element of p.value, compared with p.grad.
template <class Loss>
void expect_parameter_gradient(Parameter<double>& p, Loss loss, const std::string& name) {
    const double eps = 1e-6;
    for (std::size_t i = 0; i < p.value.size(); ++i) {
        const double saved = p.value.data()[i];
        p.value.data()[i] = saved + eps;
        const double up = loss();
        p.value.data()[i] = saved - eps;
        const double down = loss();
        p.value.data()[i] = saved;
        const double numerical = (up - down) / (2 * eps);
        EXPECT_NEAR(p.grad.data()[i], numerical, 1e-5 + 1e-3 * std::abs(numerical)) << name << " element " << i;
    }
}

}  // namespace

TEST(Module, NamedParametersOfNestedSequential) {
    Sequential<double> net;
    net.emplace<Linear<double>>(4, 3);
    net.add(make_activation<double>(Activation::relu));
    auto& inner = net.emplace<Sequential<double>>();
    inner.emplace<Linear<double>>(3, 2);
    inner.emplace<Tanh<double>>();
    inner.emplace<Linear<double>>(2, 1);
    EXPECT_EQ(names_of(net), (std::vector<std::string>{"0.coef", "0.intercept", "2.0.coef", "2.0.intercept",
                                                       "2.2.coef", "2.2.intercept"}));
    auto params = net.parameters();
    ASSERT_EQ(params.size(), 6u);
    auto& first = static_cast<Linear<double>&>(net[0]);
    auto& last = static_cast<Linear<double>&>(inner[2]);
    EXPECT_EQ(params[0], &first.coef);
    EXPECT_EQ(params[1], &first.intercept);
    EXPECT_EQ(params[5], &last.intercept);
    EXPECT_EQ(params[4]->value.shape(), (Shape{2, 1}));
}

TEST(Module, OwnParametersComeBeforeSubmodules) {
    Scaled m;
    EXPECT_EQ(names_of(m), (std::vector<std::string>{"scale", "inner.0.coef", "inner.0.intercept"}));
}

TEST(Module, ZeroGradClearsEveryParameter) {
    Sequential<double> net;
    net.emplace<Linear<double>>(2, 2);
    net.emplace<Linear<double>>(2, 1);
    for (auto* p : net.parameters()) std::fill(p->grad.begin(), p->grad.end(), 3.0);
    net.zero_grad();
    for (auto* p : net.parameters()) {
        EXPECT_EQ(p->grad.shape(), p->value.shape());
        for (double g : p->grad) EXPECT_EQ(g, 0.0);
    }
}

TEST(Module, RegisterRejectsBadNames) {
    struct Bad : Module<double> {
        Var<double> forward(Var<double> x) override { return x; }
        Parameter<double> a{Array<double>{1.0}};
        Parameter<double> b{Array<double>{1.0}};
        void add(const std::string& name, Parameter<double>& p) { register_parameter(name, p); }
    } bad;
    bad.add("w", bad.a);
    EXPECT_THROW(bad.add("w", bad.b), Error);
    EXPECT_THROW(bad.add("", bad.b), Error);
    try {
        bad.add("x.y", bad.b);
        FAIL() << "no exception";
    } catch (const Error& e) {
        EXPECT_NE(std::string(e.what()).find("'x.y'"), std::string::npos) << e.what();
    }
}

TEST(Linear, ShapesAndZeroInit) {
    Linear<double> layer(4, 3);
    EXPECT_EQ(layer.fan_in(), 4u);
    EXPECT_EQ(layer.fan_out(), 3u);
    EXPECT_EQ(layer.coef.value.shape(), (Shape{4, 3}));
    EXPECT_EQ(layer.intercept.value.shape(), (Shape{3}));
    EXPECT_EQ(layer.coef.grad.shape(), (Shape{4, 3}));
    for (double w : layer.coef.value) EXPECT_EQ(w, 0.0);
    for (double b : layer.intercept.value) EXPECT_EQ(b, 0.0);
}

TEST(Linear, ForwardIsXTimesCoefPlusIntercept) {
    Linear<double> layer(3, 2);
    layer.coef.value = Array<double>{{1.0, -2.0}, {0.5, 3.0}, {-1.0, 0.25}};
    layer.intercept.value = Array<double>{0.1, -0.2};
    Tape<double> tape;
    auto x = tape.constant(Array<double>{{1.0, 2.0, 3.0}, {-1.0, 0.0, 4.0}});
    auto y = layer(x);
    ASSERT_EQ(y.shape(), (Shape{2, 2}));
    // row 0: [1 + 1 - 3 + 0.1, -2 + 6 + 0.75 - 0.2]; row 1: [-1 - 4 + 0.1, 2 + 1 - 0.2]
    EXPECT_DOUBLE_EQ(y.value()(0, 0), -0.9);
    EXPECT_DOUBLE_EQ(y.value()(0, 1), 4.55);
    EXPECT_DOUBLE_EQ(y.value()(1, 0), -4.9);
    EXPECT_DOUBLE_EQ(y.value()(1, 1), 2.8);
    EXPECT_EQ(tape.size(), 4u);  // x, coef, intercept, one linear node
}

TEST(Linear, FloatForward) {
    Linear<float> layer(2, 1);
    layer.coef.value = Array<float>{2.0f, 3.0f};
    layer.coef.value.reshape({2, 1});
    layer.intercept.value = Array<float>{1.0f};
    Tape<float> tape;
    auto y = layer(tape.constant(Array<float>{{1.0f, 1.0f}}));
    EXPECT_FLOAT_EQ(y.value()(0, 0), 6.0f);
}

TEST(Linear, GradientWithRespectToInputByGradcheck) {
    Linear<double> layer(3, 2);
    layer.coef.value = Array<double>{{0.3, -0.7}, {1.1, 0.2}, {-0.4, 0.9}};
    layer.intercept.value = Array<double>{0.05, -0.3};
    EXPECT_GRADCHECK(([&](Tape<double>&, const std::vector<Var<double>>& in) { return tanh(layer(in[0])); }),
                     (std::vector<Array<double>>{Array<double>{{0.5, -1.0, 2.0}, {0.1, 0.2, -0.3}}}));
}

TEST(Linear, ParameterGradientsMatchFiniteDifferences) {
    Sequential<double> net;
    auto& first = net.emplace<Linear<double>>(3, 4);
    net.emplace<Tanh<double>>();
    auto& second = net.emplace<Linear<double>>(4, 2);
    Random rng(3);
    glorot_uniform(first, 6.0, rng);
    glorot_uniform(second, 6.0, rng);
    const Array<double> x{{0.5, -1.0, 2.0}, {0.1, 0.2, -0.3}, {1.5, 0.0, -0.7}};
    const Array<double> weights{{1.0, -2.0}, {0.5, 0.25}, {-1.5, 3.0}};
    Tape<double> tape;
    auto loss = [&] {
        tape.clear();
        return sum(net(tape.constant(x)) * tape.constant(weights));
    };
    net.zero_grad();
    tape.backward(loss());
    for (auto& [name, p] : net.named_parameters())
        expect_parameter_gradient(*p, [&] { return loss().item(); }, name);
}

TEST(Linear, RejectsWrongInputShape) {
    Linear<double> layer(3, 2);
    Tape<double> tape;
    try {
        layer(tape.constant(Array<double>{{1.0, 2.0}}));
        FAIL() << "no exception";
    } catch (const Error& e) {
        const std::string what = e.what();
        EXPECT_NE(what.find("Linear(3, 2)"), std::string::npos) << what;
        EXPECT_NE(what.find("(1, 2)"), std::string::npos) << what;
    }
    EXPECT_THROW(layer(tape.constant(Array<double>{1.0, 2.0, 3.0})), Error);
}

TEST(Sequential, ForwardChainsModulesAndEmptyIsIdentity) {
    Sequential<double> net;
    Tape<double> tape;
    auto x = tape.constant(Array<double>{{-1.0, 2.0}});
    EXPECT_EQ(net(x).index(), x.index());
    auto& layer = net.emplace<Linear<double>>(2, 2);
    layer.coef.value = Array<double>{{1.0, 0.0}, {0.0, -1.0}};
    net.emplace<Relu<double>>();
    auto y = net(x);
    EXPECT_DOUBLE_EQ(y.value()(0, 0), 0.0);  // relu(-1)
    EXPECT_DOUBLE_EQ(y.value()(0, 1), 0.0);  // relu(-2)
    EXPECT_EQ(net.size(), 2u);
}

TEST(Sequential, BadIndexAndNullModule) {
    Sequential<double> net;
    net.emplace<Relu<double>>();
    try {
        net[1];
        FAIL() << "no exception";
    } catch (const Error& e) {
        EXPECT_NE(std::string(e.what()).find("index 1 out of range for 1"), std::string::npos) << e.what();
    }
    EXPECT_THROW(net.add(nullptr), Error);
    EXPECT_EQ(net.size(), 1u);
}
