// Glorot-uniform initialisation as scikit-learn's _init_coef draws it.
#include <gtest/gtest.h>

#include <cmath>

#include <tapegrad/nn/nn.hpp>

using namespace tapegrad;
using namespace tapegrad::nn;

namespace {
// m = MLPClassifier(activation=act); m._random_state = np.random.RandomState(seed)
// c, b = m._init_coef(4, 3, np.float64); c2, b2 = m._init_coef(3, 2, np.float64)
struct SklearnInit {
    Activation activation;
    std::uint32_t seed;
    std::vector<double> coef_first4, intercept, second_intercept;
};
const std::vector<SklearnInit> kSklearn{
    {Activation::relu, 0,
     {0.09038504615248732, 0.39845328128981095, 0.19028079817522703, 0.08310750592059346},
     {0.12599404468192765, 0.7880518442539479, -0.7942868787961185},
     {0.6554235755694293, -0.08439448889421675}},
    {Activation::logistic, 0,
     {0.052183830726855285, 0.2300471092121621, 0.10985867004808425, 0.047982140914933025},
     {0.07274269561340074, 0.45498194441539785, -0.45858174328672674},
     {0.378408977788237, -0.04872518088119693}},
    {Activation::tanh, 42,
     {-0.23230655937237465, 0.8345607282586898, 0.4295693087089252, 0.18268001536541822},
     {0.6155641577489939, -0.5326444665049985, -0.5891456812109139},
     {-0.7898293785599098, -0.45538825878170197}},
};
}  // namespace

TEST(Init, GlorotFactor) {
    EXPECT_EQ(glorot_factor(Activation::logistic), 2.0);
    for (auto a : {Activation::identity, Activation::tanh, Activation::relu, Activation::softmax})
        EXPECT_EQ(glorot_factor(a), 6.0);
}

TEST(Init, GlorotMatchesSklearnDraws) {
    for (const auto& expected : kSklearn) {
        Random rng(expected.seed);
        Linear<double> first(4, 3), second(3, 2);
        const double factor = glorot_factor(expected.activation);
        glorot_uniform(first, factor, rng);
        glorot_uniform(second, factor, rng);
        const std::string label = to_string(expected.activation);
        for (std::size_t i = 0; i < 4; ++i) EXPECT_EQ(first.coef.value.data()[i], expected.coef_first4[i]) << label;
        for (std::size_t i = 0; i < 3; ++i) EXPECT_EQ(first.intercept.value(i), expected.intercept[i]) << label;
        for (std::size_t i = 0; i < 2; ++i) EXPECT_EQ(second.intercept.value(i), expected.second_intercept[i]) << label;
    }
}

TEST(Init, FloatIsTheDoubleDrawRounded) {
    // m._init_coef(4, 3, np.float32) with RandomState(0), relu: 0.09038505, 0.3984533, 0.1902808
    Random rng(0);
    Linear<float> layer(4, 3);
    glorot_uniform(layer, 6.0, rng);
    EXPECT_EQ(layer.coef.value.data()[0], static_cast<float>(0.09038504615248732));
    EXPECT_EQ(layer.coef.value.data()[1], static_cast<float>(0.39845328128981095));
    EXPECT_EQ(layer.coef.value.data()[2], 0.1902808f);
}

TEST(Init, BoundsAndDeterminism) {
    for (double factor : {2.0, 6.0}) {
        Random a(11), b(11);
        Linear<double> la(30, 20), lb(30, 20);
        glorot_uniform(la, factor, a);
        glorot_uniform(lb, factor, b);
        const double bound = std::sqrt(factor / 50.0);
        double largest = 0;
        for (double w : la.coef.value) largest = std::max(largest, std::abs(w));
        for (double w : la.intercept.value) largest = std::max(largest, std::abs(w));
        EXPECT_LT(largest, bound);
        EXPECT_GT(largest, 0.9 * bound);  // 620 draws: the largest comes close to the bound
        EXPECT_EQ(la.coef.value, lb.coef.value);
        EXPECT_EQ(la.intercept.value, lb.intercept.value);
    }
    // factor 2 draws are the factor 6 draws scaled by sqrt(2/6): same stream, another bound
    Random a(5), b(5);
    Linear<double> l2(3, 3), l6(3, 3);
    glorot_uniform(l2, 2.0, a);
    glorot_uniform(l6, 6.0, b);
    for (std::size_t i = 0; i < 9; ++i) EXPECT_NEAR(l2.coef.value.data()[i], l6.coef.value.data()[i] / std::sqrt(3.0), 1e-15);
}

TEST(Init, RejectsBadFactor) {
    Random rng(0);
    Linear<double> layer(2, 2);
    EXPECT_THROW(glorot_uniform(layer, 0.0, rng), Error);
    EXPECT_THROW(glorot_uniform(layer, std::nan(""), rng), Error);
    EXPECT_EQ(rng.next_u32(), Random(0).next_u32());  // nothing was drawn
}
