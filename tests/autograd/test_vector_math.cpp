// vector_math: dot_n exact on exact data; tanh_n and exp_n against the scalar std::tanh / std::exp (within 4 ulp), at every
// length (the padded tail), in place, the same result for an element at any position, and the
// scalar functions' answers at zero, the extremes, the infinities and NaN.

#include <gtest/gtest.h>

#include <cmath>
#include <limits>
#include <random>
#include <vector>

#include <tapegrad/autograd/vector_math.hpp>

namespace tapegrad {
namespace {

/// |a - b| in units in the last place of b.
template <class T>
double ulps(T a, T b) {
    if (a == b) return 0;
    const T step = std::nextafter(std::fabs(b), std::numeric_limits<T>::infinity()) - std::fabs(b);
    return static_cast<double>(std::fabs(a - b) / step);
}

template <class T>
class VectorMath : public ::testing::Test {};
using Types = ::testing::Types<float, double>;
TYPED_TEST_SUITE(VectorMath, Types);

TYPED_TEST(VectorMath, WithinFourUlpOfTheScalarFunctionsAtEveryLength) {
    using T = TypeParam;
    std::mt19937 gen(7);
    std::normal_distribution<T> normal(T(0), T(3));
    for (std::size_t n = 0; n <= 37; ++n) {
        std::vector<T> x(n), y_tanh(n), y_exp(n);
        for (T& v : x) v = normal(gen);
        tanh_n(x.data(), y_tanh.data(), n);
        exp_n(x.data(), y_exp.data(), n);
        for (std::size_t i = 0; i < n; ++i) {
            EXPECT_LE(ulps(y_tanh[i], std::tanh(x[i])), 4.0) << "tanh(" << x[i] << "), n = " << n << ", i = " << i;
            EXPECT_LE(ulps(y_exp[i], std::exp(x[i])), 4.0) << "exp(" << x[i] << "), n = " << n << ", i = " << i;
        }
    }
}

TYPED_TEST(VectorMath, InPlaceAndTheSameResultAtAnyPosition) {
    using T = TypeParam;
    const T value = T(0.3731);
    std::vector<T> reference(1);
    tanh_n(&value, reference.data(), 1);
    for (std::size_t n : {1u, 2u, 3u, 5u, 8u, 9u, 17u}) {
        std::vector<T> x(n, value);
        tanh_n(x.data(), x.data(), n);  // in place
        for (std::size_t i = 0; i < n; ++i) EXPECT_EQ(x[i], reference[0]) << "n = " << n << ", i = " << i;
    }
}

TYPED_TEST(VectorMath, SpecialValuesAsTheScalarFunctions) {
    using T = TypeParam;
    const T inf = std::numeric_limits<T>::infinity();
    const std::vector<T> x = {T(0), -T(0), std::numeric_limits<T>::denorm_min(), std::numeric_limits<T>::min(),
                              T(30), T(-30), T(800), T(-800), inf, -inf, std::numeric_limits<T>::quiet_NaN()};
    std::vector<T> y_tanh(x.size()), y_exp(x.size());
    tanh_n(x.data(), y_tanh.data(), x.size());
    exp_n(x.data(), y_exp.data(), x.size());
    for (std::size_t i = 0; i < x.size(); ++i) {
        const T want_tanh = std::tanh(x[i]), want_exp = std::exp(x[i]);
        if (std::isnan(want_tanh)) EXPECT_TRUE(std::isnan(y_tanh[i])) << "tanh(" << x[i] << ")";
        else EXPECT_LE(ulps(y_tanh[i], want_tanh), 4.0) << "tanh(" << x[i] << ") = " << y_tanh[i];
        if (std::isnan(want_exp)) EXPECT_TRUE(std::isnan(y_exp[i])) << "exp(" << x[i] << ")";
        else if (std::isinf(want_exp) || want_exp == 0) EXPECT_EQ(y_exp[i], want_exp) << "exp(" << x[i] << ")";
        else EXPECT_LE(ulps(y_exp[i], want_exp), 4.0) << "exp(" << x[i] << ") = " << y_exp[i];
    }
    EXPECT_TRUE(std::signbit(y_tanh[1])) << "tanh(-0) is -0";
}

TYPED_TEST(VectorMath, DotIsTheSumOfProductsAtEveryLength) {
    using T = TypeParam;
    for (std::size_t n = 0; n <= 37; ++n) {
        std::vector<T> x(n), y(n);
        long double exact = 0;
        for (std::size_t i = 0; i < n; ++i) {
            x[i] = T(0.5) + static_cast<T>(i);  // products and their sums are exact in float too
            y[i] = static_cast<T>(i % 3) - T(1);
            exact += static_cast<long double>(x[i]) * y[i];
        }
        EXPECT_EQ(dot_n(x.data(), y.data(), n), static_cast<T>(exact)) << "n = " << n;
    }
}

TEST(VectorMath, NamesItsBackend) {
    const std::string backend = vector_math_backend();
    EXPECT_TRUE(backend == "libmvec avx2" || backend == "libmvec sse" || backend == "scalar") << backend;
#if defined(__x86_64__) && defined(__GLIBC__)
    // On Debian 12 x86-64 (glibc 2.36, libmvec in libc6-dev) the vector library must be in use.
    EXPECT_NE(backend, "scalar");
#endif
}

}  // namespace
}  // namespace tapegrad
