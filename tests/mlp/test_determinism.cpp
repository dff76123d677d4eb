// Determinism: the same random_state and data give a bitwise identical model (every weight) and
// loss curve, fit after fit, and with OpenBLAS running on 1 or 2 threads where OpenBLAS's own
// kernels allow it.
//
// Where they do not: OpenBLAS 0.3.21 (Debian 12) splits a matrix product between threads in blocks
// whose edges go through other micro-kernels than on one thread, and those sum in another order. On
// this machine (Zen kernels) sgemm changes bits between 1 and 2 threads for most shapes, dgemm for
// some (e.g. (201 x 65)(65 x 129), (100 x 100)(100 x 1000)). tapegrad itself adds no thread-dependent
// step: the BlasThreads tests check first that OpenBLAS gives the same bits on 1 and 2 threads for
// every product of the fit, and then that the whole fit does; they skip (saying so) where OpenBLAS
// does not. With a fixed thread count every fit is reproducible. Across processes, through the
// command line: tests/cli/test_cli_reliability.cpp.

#include <cstdint>
#include <cstring>
#include <vector>

#include <gtest/gtest.h>

#include <tapegrad/mlp/mlp.hpp>
#include <tapegrad/nn/random.hpp>
#include <xtensor-blas/xblas.hpp>

extern "C" {  // OpenBLAS's own functions (declared in its cblas.h)
void openblas_set_num_threads(int num_threads);
int openblas_get_num_threads(void);
}

namespace {

using tapegrad::Array;
using tapegrad::Shape;
using tapegrad::mlp::Labels;
using tapegrad::mlp::MLPClassifier;
using tapegrad::mlp::MLPParams;
using tapegrad::mlp::MLPRegressor;

constexpr std::size_t kSamples = 600, kFeatures = 64, kClasses = 3;

template <class T>
Array<T> features() {
    tapegrad::nn::Random rng(11);
    Array<T> X = Array<T>::from_shape(Shape{kSamples, kFeatures});
    for (std::size_t i = 0; i < kSamples; ++i)
        for (std::size_t j = 0; j < kFeatures; ++j)
            X(i, j) = static_cast<T>(rng.uniform(-1, 1) + (j % kClasses == i % kClasses ? 1.0 : 0.0));
    return X;
}

Labels labels() {
    std::vector<std::int64_t> y(kSamples);
    for (std::size_t i = 0; i < kSamples; ++i) y[i] = static_cast<std::int64_t>(i % kClasses);
    return Labels(y);
}

MLPParams params(const std::string& solver) {
    MLPParams p;
    p.hidden_layer_sizes = {128};
    p.solver = solver;
    p.max_iter = 4;
    p.random_state = 3;
    p.alpha = 1e-3;
    return p;
}

/// Every bit of a fitted estimator that training decides: weights, losses, iteration count.
struct Outcome {
    std::vector<unsigned char> bytes;
    template <class V>
    void add(const V& values) {
        for (const auto& v : values) {
            const auto* p = reinterpret_cast<const unsigned char*>(&v);
            bytes.insert(bytes.end(), p, p + sizeof v);
        }
    }
    bool operator==(const Outcome& other) const { return bytes == other.bytes; }
};

template <class Estimator>
Outcome outcome_of(const Estimator& estimator) {
    Outcome o;
    for (const auto& coef : estimator.coefs_()) o.add(coef);
    for (const auto& intercept : estimator.intercepts_()) o.add(intercept);
    o.add(estimator.loss_curve_());
    o.add(estimator.lbfgs_losses_());
    o.add(std::vector<double>{static_cast<double>(estimator.loss_()), static_cast<double>(estimator.n_iter_())});
    return o;
}

template <class T>
Outcome fit_classifier(const std::string& solver) {
    MLPClassifier<T> classifier(params(solver));
    classifier.fit(features<T>(), labels());
    return outcome_of(classifier);
}

template <class T>
Outcome fit_regressor(const std::string& solver) {
    const Array<T> X = features<T>();
    Array<T> y = Array<T>::from_shape(Shape{kSamples});
    for (std::size_t i = 0; i < kSamples; ++i) y(i) = X(i, 0) - 2 * X(i, 1) + X(i, 2) * X(i, 3);
    MLPRegressor<T> regressor(params(solver));
    regressor.fit(X, y);
    return outcome_of(regressor);
}

/// True if OpenBLAS gives the same bits on 1 and 2 threads for every matrix product of a fit with
/// batches of `batch` rows, kFeatures -> 128 hidden -> `outputs`: forward X W1 and H W2, backward
/// dZ W2^T, H^T dZ and X^T dZ1, with the flags of autograd/ops/linalg.cpp.
template <class T>
bool blas_thread_count_independent(std::size_t batch, std::size_t outputs) {
    tapegrad::nn::Random rng(5);
    auto random = [&](std::size_t rows, std::size_t columns) {
        Array<T> a = Array<T>::from_shape(Shape{rows, columns});
        for (T& x : a) x = static_cast<T>(rng.uniform(-1, 1));
        return a;
    };
    const std::size_t hidden = 128;
    const Array<T> X = random(batch, kFeatures), W1 = random(kFeatures, hidden), H = random(batch, hidden),
                   W2 = random(hidden, outputs), dZ2 = random(batch, outputs), dZ1 = random(batch, hidden);
    auto products = [&] {
        std::vector<Array<T>> out = {Array<T>::from_shape(Shape{batch, hidden}), Array<T>::from_shape(Shape{batch, outputs}),
                                     Array<T>::from_shape(Shape{batch, hidden}), Array<T>::from_shape(Shape{hidden, outputs}),
                                     Array<T>::from_shape(Shape{kFeatures, hidden})};
        xt::blas::gemm(X, W1, out[0], false, false, T(1), T(0));
        xt::blas::gemm(H, W2, out[1], false, false, T(1), T(0));
        xt::blas::gemm(dZ2, W2, out[2], false, true, T(1), T(0));
        xt::blas::gemm(H, dZ2, out[3], true, false, T(1), T(0));
        xt::blas::gemm(X, dZ1, out[4], true, false, T(1), T(0));
        return out;
    };
    openblas_set_num_threads(1);
    const auto one = products();
    openblas_set_num_threads(2);
    const auto two = products();
    for (std::size_t i = 0; i < one.size(); ++i)
        if (std::memcmp(one[i].data(), two[i].data(), one[i].size() * sizeof(T)) != 0) return false;
    return true;
}

/// Restores OpenBLAS's thread count at the end of a test.
class BlasThreads : public ::testing::Test {
protected:
    void SetUp() override { initial_ = openblas_get_num_threads(); }
    void TearDown() override { openblas_set_num_threads(initial_); }
    /// Runs `fit` twice with OpenBLAS on 1 thread and twice on 2: the same bits each time for one
    /// thread count, and for both if OpenBLAS's products (batches of `batch` rows, `outputs` outputs)
    /// do not depend on the thread count.
    template <class T, class Fit>
    void expect_same_bits(Fit fit, std::size_t batch, std::size_t outputs) {
        openblas_set_num_threads(1);
        ASSERT_EQ(openblas_get_num_threads(), 1);
        const Outcome one = fit();
        EXPECT_TRUE(one == fit()) << "two fits on 1 BLAS thread give different bits";
        openblas_set_num_threads(2);
        if (openblas_get_num_threads() != 2) GTEST_SKIP() << "OpenBLAS cannot use 2 threads on this machine";
        const Outcome two = fit();
        EXPECT_TRUE(two == fit()) << "two fits on 2 BLAS threads give different bits";
        if (!blas_thread_count_independent<T>(batch, outputs))
            GTEST_SKIP() << "OpenBLAS's own products give other bits on 2 threads than on 1 here; the fit cannot be "
                            "thread-count independent (checked: reproducible for each thread count)";
        EXPECT_TRUE(one == two) << "OpenBLAS's products agree on 1 and 2 threads, the fits do not";
    }

private:
    int initial_ = 1;
};

TEST(Determinism, SameSeedSameBitsFitAfterFit) {
    for (const char* solver : {"adam", "sgd", "lbfgs"}) {
        EXPECT_TRUE(fit_classifier<double>(solver) == fit_classifier<double>(solver)) << solver;
        EXPECT_TRUE(fit_regressor<double>(solver) == fit_regressor<double>(solver)) << solver;
    }
    EXPECT_TRUE(fit_classifier<float>("adam") == fit_classifier<float>("adam"));
}

TEST(Determinism, AnotherSeedAnotherModel) {  // the comparison above can fail
    MLPParams other = params("adam");
    other.random_state = 4;
    MLPClassifier<double> classifier(other);
    classifier.fit(features<double>(), labels());
    EXPECT_FALSE(outcome_of(classifier) == fit_classifier<double>("adam"));
}

// batch_size auto = 200 rows for adam and sgd; lbfgs takes all 600 at once. 3 classes: 3 outputs.
TEST_F(BlasThreads, AdamClassifierDouble) { expect_same_bits<double>([] { return fit_classifier<double>("adam"); }, 200, 3); }
TEST_F(BlasThreads, SgdClassifierFloat) { expect_same_bits<float>([] { return fit_classifier<float>("sgd"); }, 200, 3); }
TEST_F(BlasThreads, LbfgsClassifierDouble) { expect_same_bits<double>([] { return fit_classifier<double>("lbfgs"); }, 600, 3); }
TEST_F(BlasThreads, AdamRegressorDouble) { expect_same_bits<double>([] { return fit_regressor<double>("adam"); }, 200, 1); }
TEST_F(BlasThreads, LbfgsRegressorFloat) { expect_same_bits<float>([] { return fit_regressor<float>("lbfgs"); }, 600, 1); }

}  // namespace
