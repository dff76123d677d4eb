// Numerical safety: logistic, tanh, softmax, log_softmax and the log losses give finite values and
// finite gradients - the exact limits - for inputs of +-1e4 (float and double) and +-1e30 (double),
// by overflow-safe formulas (e^-|x|, subtracting the lane's maximum), not by clamping inputs.
// Every case runs in anomaly mode too: no intermediate value or gradient may be NaN or inf.

#include <algorithm>
#include <cmath>
#include <initializer_list>
#include <limits>
#include <vector>

#include <gtest/gtest.h>

#include <tapegrad/autograd/autograd.hpp>

namespace {

using namespace tapegrad;

template <class T>
class ExtremeValues : public ::testing::Test {
protected:
    /// +-1e4 for both types; +-1e30 too for double (beyond float's exp range either way).
    static std::vector<T> magnitudes() {
        if constexpr (std::is_same_v<T, double>) return {T(1e4), T(1e30)};
        return {T(1e4)};
    }
    static std::vector<T> values(const Array<T>& a) { return {a.begin(), a.end()}; }
    /// An (n, 1) array ({{a}, {b}} would be ambiguous for xtensor).
    static Array<T> column(std::initializer_list<T> values) {
        Array<T> a = Array<T>::from_shape({values.size(), std::size_t(1)});
        std::copy(values.begin(), values.end(), a.begin());
        return a;
    }
    static void expect_all_finite(const Array<T>& a, const std::string& what) {
        for (std::size_t i = 0; i < a.size(); ++i)
            EXPECT_TRUE(std::isfinite(a.data()[i])) << what << " element " << i << " is " << a.data()[i];
    }
    Tape<T> tape;
    AnomalyMode<T> anomaly{tape};
};
using Types = ::testing::Types<float, double>;
TYPED_TEST_SUITE(ExtremeValues, Types);

TYPED_TEST(ExtremeValues, Logistic) {
    using T = TypeParam;
    for (T m : this->magnitudes()) {
        this->tape.clear();
        auto x = this->tape.variable(Array<T>{-m, m, T(0)});
        auto y = logistic(x);
        this->tape.backward(sum(y));
        EXPECT_EQ(this->values(y.value()), (std::vector<T>{0, 1, T(0.5)})) << "at " << m;
        EXPECT_EQ(this->values(x.grad()), (std::vector<T>{0, 0, T(0.25)})) << "at " << m;  // y (1 - y)
    }
}

TYPED_TEST(ExtremeValues, LogisticValueOfTheScalarFunction) {
    using T = TypeParam;
    for (T m : this->magnitudes()) {
        EXPECT_EQ(logistic_value(-m), T(0));
        EXPECT_EQ(logistic_value(m), T(1));
    }
    EXPECT_EQ(logistic_value(-std::numeric_limits<T>::max()), T(0));
    EXPECT_EQ(logistic_value(std::numeric_limits<T>::max()), T(1));
}

TYPED_TEST(ExtremeValues, Tanh) {
    using T = TypeParam;
    for (T m : this->magnitudes()) {
        this->tape.clear();
        auto x = this->tape.variable(Array<T>{-m, m});
        auto y = tapegrad::tanh(x);
        this->tape.backward(sum(y));
        EXPECT_EQ(this->values(y.value()), (std::vector<T>{-1, 1})) << "at " << m;
        EXPECT_EQ(this->values(x.grad()), (std::vector<T>{0, 0})) << "at " << m;  // 1 - y^2
    }
}

TYPED_TEST(ExtremeValues, Softmax) {
    using T = TypeParam;
    for (T m : this->magnitudes()) {
        this->tape.clear();
        // Rows: one huge logit; all huge and equal; a spread along axis 0 (columns).
        auto x = this->tape.variable(Array<T>{{m, -m, 0}, {m, m, m}, {-m, -m, -m}});
        auto y = softmax(x, 1);
        auto seed = this->tape.constant(Array<T>{{1, 2, 3}, {4, 5, 6}, {7, 8, 9}});
        this->tape.backward(sum(y * seed));
        const T third = T(1) / T(3);
        EXPECT_EQ(this->values(y.value()), (std::vector<T>{1, 0, 0, third, third, third, third, third, third}))
            << "at " << m;
        this->expect_all_finite(x.grad(), "softmax gradient");
        EXPECT_EQ(x.grad()(0, 0), T(0)) << "y (g - sum(g y)) with y = (1, 0, 0)";
        EXPECT_EQ(x.grad()(0, 1), T(0));

        auto z = softmax(x, 0);
        this->expect_all_finite(z.value(), "softmax along axis 0");
    }
}

TYPED_TEST(ExtremeValues, LogSoftmax) {
    using T = TypeParam;
    for (T m : this->magnitudes()) {
        this->tape.clear();
        auto x = this->tape.variable(Array<T>{{m, -m, 0}, {-m, -m, -m}});
        auto y = log_softmax(x, 1);
        auto seed = this->tape.constant(Array<T>{{1, 2, 3}, {4, 5, 6}});
        this->tape.backward(sum(y * seed));
        EXPECT_EQ(y.value()(0, 0), T(0)) << "at " << m;
        EXPECT_EQ(y.value()(0, 1), -2 * m);
        EXPECT_EQ(y.value()(0, 2), -m);
        EXPECT_FLOAT_EQ(y.value()(1, 0), -std::log(T(3)));
        // da = g - softmax(a) sum(g): (1 - 6, 2, 3) for the first row.
        EXPECT_EQ(x.grad()(0, 0), T(-5));
        EXPECT_EQ(x.grad()(0, 1), T(2));
        EXPECT_EQ(x.grad()(0, 2), T(3));
        this->expect_all_finite(x.grad(), "log_softmax gradient");
    }
}

TYPED_TEST(ExtremeValues, LogisticLogLoss) {
    using T = TypeParam;
    const T eps = std::numeric_limits<T>::epsilon();
    for (T m : this->magnitudes()) {
        this->tape.clear();
        // Two confidently wrong rows and two confidently right ones.
        auto z = this->tape.variable(this->column({m, -m, m, -m}));
        auto y = this->tape.constant(this->column({0, 1, 1, 0}));
        auto loss = logistic_log_loss(z, y);
        this->tape.backward(loss);
        // Wrong rows cost -log(eps) each (sklearn clips p to [eps, 1 - eps]); right rows -log(1 - eps).
        EXPECT_FLOAT_EQ(loss.item(), (-2 * std::log(eps) - 2 * std::log1p(-eps)) / 4) << "at " << m;
        EXPECT_EQ(this->values(z.grad()), (std::vector<T>{T(0.25), T(-0.25), 0, 0}));  // (p - y) / n
    }
}

TYPED_TEST(ExtremeValues, SoftmaxLogLoss) {
    using T = TypeParam;
    const T eps = std::numeric_limits<T>::epsilon();
    for (T m : this->magnitudes()) {
        this->tape.clear();
        auto z = this->tape.variable(Array<T>{{m, -m, 0}, {-m, m, -m}});
        auto y = this->tape.constant(Array<T>{{0, 1, 0}, {0, 1, 0}});
        auto loss = softmax_log_loss(z, y);
        this->tape.backward(loss);
        EXPECT_FLOAT_EQ(loss.item(), (-std::log(eps) - std::log1p(-eps)) / 2) << "at " << m;
        EXPECT_EQ(this->values(z.grad()), (std::vector<T>{T(0.5), T(-0.5), 0, 0, 0, 0}));
    }
}

TYPED_TEST(ExtremeValues, LogSoftmaxIntoANegativeLogLikelihood) {
    using T = TypeParam;
    for (T m : this->magnitudes()) {
        this->tape.clear();
        auto z = this->tape.variable(Array<T>{{m, -m}});
        auto one_hot = this->tape.constant(Array<T>{{0, 1}});
        auto nll = -sum(log_softmax(z, 1) * one_hot);  // the log-probability of a wrong answer: 2m
        this->tape.backward(nll);
        EXPECT_EQ(nll.item(), 2 * m);
        EXPECT_EQ(this->values(z.grad()), (std::vector<T>{1, -1}));
    }
}

TYPED_TEST(ExtremeValues, LogisticThroughADenseLayerWithAnL2Term) {
    using T = TypeParam;
    for (T m : this->magnitudes()) {
        this->tape.clear();
        Parameter<T> w(this->column({1, -1}));
        Parameter<T> b(Array<T>{0});
        auto x = this->tape.constant(Array<T>{{m, 0}, {0, m}});
        auto target = this->tape.constant(this->column({1, 1}));
        auto wv = this->tape.param(w);
        auto loss = logistic_log_loss(linear(x, wv, this->tape.param(b)), target) + l2_penalty(wv, 1e-12);
        this->tape.backward(loss);
        EXPECT_TRUE(std::isfinite(loss.item()));
        this->expect_all_finite(w.grad, "dense layer weight gradient");
        this->expect_all_finite(b.grad, "dense layer bias gradient");
    }
}

}  // namespace
