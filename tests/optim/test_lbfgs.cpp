// L-BFGS: convergence on Rosenbrock and a quadratic, stop reasons, agreement with scipy's
// L-BFGS-B iteration counts, errors.
#include <gtest/gtest.h>

#include <cmath>

#include <tapegrad/optim/optim.hpp>

using namespace tapegrad;
using namespace tapegrad::optim;

namespace {

/// Rosenbrock f(a, b) = 100 (b - a^2)^2 + (1 - a)^2 on one parameter of shape (2,).
template <class T>
T rosenbrock(Parameter<T>& p) {
    const T a = p.value(0), b = p.value(1);
    p.grad = Array<T>{-400 * a * (b - a * a) - 2 * (1 - a), 200 * (b - a * a)};
    return 100 * (b - a * a) * (b - a * a) + (1 - a) * (1 - a);
}

/// 0.5 x'Ax - b'x with A = diag(1, 10, 100), b = (1, -2, 3), split over a (2,) and a (1, 1) parameter.
double quadratic(Parameter<double>& first, Parameter<double>& second) {
    const double x[3] = {first.value(0), first.value(1), second.value(0, 0)};
    const double a[3] = {1, 10, 100}, b[3] = {1, -2, 3};
    double f = 0, g[3];
    for (int i = 0; i < 3; ++i) {
        f += 0.5 * a[i] * x[i] * x[i] - b[i] * x[i];
        g[i] = a[i] * x[i] - b[i];
    }
    first.grad = Array<double>{g[0], g[1]};
    second.grad = Array<double>{g[2]};
    second.grad.reshape({1, 1});
    return f;
}

void expect_non_increasing(const std::vector<double>& losses) {
    for (std::size_t i = 1; i < losses.size(); ++i) EXPECT_LE(losses[i], losses[i - 1]) << "iteration " << i;
}

LBFGSOptions with_tol(double tol) {
    LBFGSOptions options;
    options.tol = tol;
    return options;
}

}  // namespace

// scipy.optimize.minimize(rosen, [-1.2, 1.0], jac=True, method="L-BFGS-B", options=opts) with
// scipy 1.10.1 (/usr/bin/python3) gives, for each opts:
//   {gtol: 1e-6}              nit 36, nfev 44, fun 2.8076498762688724e-12, REL_REDUCTION
//   {gtol: 1e-6, maxiter: 5}  nit 5,  nfev 7,  fun 4.087545016268825,      ITERATIONS REACHED LIMIT
//   {gtol: 1e-6, maxfun: 10}  nit 9,  nfev 11, fun 3.471262006047007,      EVALUATIONS EXCEEDS LIMIT
//   {gtol: 1e-10, ftol: 0}    nit 39, nfev 47, fun 2.18e-29,               PROJECTED_GRADIENT

TEST(LBFGS, RosenbrockConvergesLikeScipy) {
    Parameter<double> p(Array<double>{-1.2, 1.0});
    LBFGS<double> lbfgs({&p}, with_tol(1e-6));
    auto result = lbfgs.minimize([&] { return rosenbrock(p); });
    EXPECT_EQ(result.stop, LBFGSStop::converged_loss) << result.message;
    EXPECT_EQ(result.message, "CONVERGENCE: REL_REDUCTION_OF_F_<=_FACTR*EPSMCH");
    EXPECT_EQ(result.n_iter, 36u);
    EXPECT_EQ(result.n_fun, 44u);
    EXPECT_NEAR(result.loss, 2.8076498762688724e-12, 1e-14);
    EXPECT_NEAR(p.value(0), 1.0, 1e-5);
    EXPECT_NEAR(p.value(1), 1.0, 1e-5);
    ASSERT_EQ(result.loss_per_iteration.size(), result.n_iter);
    EXPECT_EQ(result.loss_per_iteration.back(), result.loss);
    expect_non_increasing(result.loss_per_iteration);
}

TEST(LBFGS, RosenbrockToOneMillionthOnTheGradientTest) {
    Parameter<double> p(Array<double>{-1.2, 1.0});
    LBFGSOptions options = with_tol(1e-10);
    options.ftol = 0;
    LBFGS<double> lbfgs({&p}, options);
    auto result = lbfgs.minimize([&] { return rosenbrock(p); });
    EXPECT_EQ(result.stop, LBFGSStop::converged_gradient) << result.message;
    EXPECT_EQ(result.n_iter, 39u);
    EXPECT_EQ(result.n_fun, 47u);
    EXPECT_NEAR(p.value(0), 1.0, 1e-6);
    EXPECT_NEAR(p.value(1), 1.0, 1e-6);
    EXPECT_LT(result.loss, 1e-20);
    // on return the grads are the gradient at the final point
    EXPECT_LE(std::abs(p.grad(0)), 1e-10);
    EXPECT_LE(std::abs(p.grad(1)), 1e-10);
    expect_non_increasing(result.loss_per_iteration);
}

TEST(LBFGS, StopsAtMaxIter) {
    Parameter<double> p(Array<double>{-1.2, 1.0});
    LBFGSOptions options = with_tol(1e-6);
    options.max_iter = 5;
    auto result = LBFGS<double>({&p}, options).minimize([&] { return rosenbrock(p); });
    EXPECT_EQ(result.stop, LBFGSStop::max_iter);
    EXPECT_EQ(result.message, "STOP: TOTAL NO. of ITERATIONS REACHED LIMIT");
    EXPECT_EQ(result.n_iter, 5u);
    EXPECT_EQ(result.n_fun, 7u);
    EXPECT_NEAR(result.loss, 4.087545016268825, 1e-12);
    // scipy's x: [-1.021385160033696, 1.0392943881350645]; the parameters hold the final point
    EXPECT_NEAR(p.value(0), -1.021385160033696, 1e-12);
    EXPECT_NEAR(p.value(1), 1.0392943881350645, 1e-12);
    EXPECT_EQ(rosenbrock(p), result.loss);
}

TEST(LBFGS, StopsAtMaxFunAfterTheIteration) {
    Parameter<double> p(Array<double>{-1.2, 1.0});
    LBFGSOptions options = with_tol(1e-6);
    options.max_fun = 10;
    auto result = LBFGS<double>({&p}, options).minimize([&] { return rosenbrock(p); });
    EXPECT_EQ(result.stop, LBFGSStop::max_fun);
    EXPECT_EQ(result.message, "STOP: TOTAL NO. of f AND g EVALUATIONS EXCEEDS LIMIT");
    EXPECT_EQ(result.n_iter, 9u);
    EXPECT_EQ(result.n_fun, 11u);  // checked only when an iteration ends, as scipy does
    EXPECT_NEAR(result.loss, 3.471262006047007, 1e-12);
}

TEST(LBFGS, ConvexQuadraticInAFewIterations) {
    // scipy: minimize(quad, zeros(3), jac=True, method="L-BFGS-B", options=dict(gtol=1e-8))
    //   nit 9, nfev 11, fun -0.7449999999999305, REL_REDUCTION
    Parameter<double> first(Array<double>{0.0, 0.0});
    Parameter<double> second(Array<double>{0.0});
    second.value.reshape({1, 1});
    second.zero_grad();
    auto result = LBFGS<double>({&first, &second}, with_tol(1e-8)).minimize([&] { return quadratic(first, second); });
    EXPECT_EQ(result.stop, LBFGSStop::converged_loss) << result.message;
    EXPECT_EQ(result.n_iter, 9u);
    EXPECT_EQ(result.n_fun, 11u);
    EXPECT_NEAR(result.loss, -0.745, 1e-12);  // minimum: -sum b^2 / (2a) = -(1 + 0.2 + 0.045)/2... = -0.745
    EXPECT_NEAR(first.value(0), 1.0, 1e-6);
    EXPECT_NEAR(first.value(1), -0.2, 1e-6);
    EXPECT_NEAR(second.value(0, 0), 0.03, 1e-6);
    EXPECT_EQ(second.value.shape(), (Shape{1, 1}));
    expect_non_increasing(result.loss_per_iteration);
}

TEST(LBFGS, GradientTestBeforeTheFirstIteration) {
    Parameter<double> p(Array<double>{1.0, 1.0});  // the minimum: gradient 0
    int calls = 0;
    auto result = LBFGS<double>({&p}, LBFGSOptions{}).minimize([&] {
        ++calls;
        return rosenbrock(p);
    });
    EXPECT_EQ(result.stop, LBFGSStop::converged_gradient);
    EXPECT_EQ(result.n_iter, 0u);
    EXPECT_EQ(result.n_fun, 1u);
    EXPECT_EQ(calls, 1);
    EXPECT_TRUE(result.loss_per_iteration.empty());
    EXPECT_EQ(result.loss, 0.0);
}

TEST(LBFGS, FloatParameters) {
    Parameter<float> p(Array<float>{-1.2f, 1.0f});
    auto result = LBFGS<float>({&p}, with_tol(1e-3)).minimize([&] { return rosenbrock(p); });
    EXPECT_TRUE(result.stop == LBFGSStop::converged_gradient || result.stop == LBFGSStop::converged_loss ||
                result.stop == LBFGSStop::line_search_failed)
        << result.message;
    EXPECT_NEAR(p.value(0), 1.0f, 1e-2f);
    EXPECT_NEAR(p.value(1), 1.0f, 2e-2f);
    EXPECT_LT(result.loss, 1e-4f);
}

TEST(LBFGS, WrongGradientEndsInLineSearchFailure) {
    // The gradient points the wrong way: every direction is an ascent direction for f.
    Parameter<double> p(Array<double>{3.0});
    auto result = LBFGS<double>({&p}, LBFGSOptions{}).minimize([&] {
        const double x = p.value(0);
        p.grad = Array<double>{-2 * x};
        return x * x;
    });
    EXPECT_EQ(result.stop, LBFGSStop::line_search_failed);
    EXPECT_EQ(result.message, "ABNORMAL_TERMINATION_IN_LNSRCH");
    EXPECT_EQ(result.n_iter, 0u);  // scipy's nit does not count the failed iteration
    EXPECT_EQ(p.value(0), 3.0);    // back at the last accepted point
    EXPECT_EQ(result.loss, 9.0);
    EXPECT_LE(result.n_fun, 1u + LBFGSOptions{}.max_line_search);
}

TEST(LBFGS, NonFiniteTrialPointShortensTheStep) {
    // f = x^2, undefined (NaN) below x = -0.5. From x = 0.01 the first trial step 1 / |g| = 50
    // lands at x = -0.99: the search must retry shorter instead of returning NaN.
    Parameter<double> p(Array<double>{0.01});
    int nan_evaluations = 0;
    auto result = LBFGS<double>({&p}, with_tol(1e-8)).minimize([&] {
        const double x = p.value(0);
        p.grad = Array<double>{2 * x};
        if (x < -0.5) {
            ++nan_evaluations;
            return std::nan("");
        }
        return x * x;
    });
    EXPECT_GE(nan_evaluations, 1);
    EXPECT_TRUE(result.stop == LBFGSStop::converged_gradient || result.stop == LBFGSStop::converged_loss)
        << result.message;
    EXPECT_TRUE(std::isfinite(result.loss));
    EXPECT_LT(result.loss, 1e-4);
    EXPECT_LT(std::abs(p.value(0)), 0.01);
    expect_non_increasing(result.loss_per_iteration);
}

TEST(LBFGS, ObjectiveThatThrowsLeavesTheLastAcceptedPoint) {
    Parameter<double> p(Array<double>{-1.2, 1.0});
    int calls = 0;
    LBFGS<double> lbfgs({&p}, with_tol(1e-6));
    EXPECT_THROW(lbfgs.minimize([&] {
        if (++calls == 6) throw std::runtime_error("disk full");
        return rosenbrock(p);
    }),
                 std::runtime_error);
    // The point after some iteration, not a half-way trial: its loss is on the accepted path.
    Parameter<double> replay(Array<double>{-1.2, 1.0});
    LBFGSOptions options = with_tol(1e-6);
    bool found = false;
    for (std::size_t iterations = 1; iterations <= 5 && !found; ++iterations) {
        replay.value = Array<double>{-1.2, 1.0};
        options.max_iter = iterations;
        LBFGS<double>({&replay}, options).minimize([&] { return rosenbrock(replay); });
        found = replay.value == p.value;
    }
    EXPECT_TRUE(found) << p.value(0) << ", " << p.value(1);
}

TEST(LBFGS, RejectsBadOptionsAndStartingPoints) {
    Parameter<double> p(Array<double>{1.0});
    auto with = [](auto change) {
        LBFGSOptions options;
        change(options);
        return options;
    };
    EXPECT_THROW(LBFGS<double>({&p}, with([](LBFGSOptions& o) { o.max_iter = 0; })), Error);
    EXPECT_THROW(LBFGS<double>({&p}, with([](LBFGSOptions& o) { o.max_fun = 0; })), Error);
    EXPECT_THROW(LBFGS<double>({&p}, with([](LBFGSOptions& o) { o.history = 0; })), Error);
    EXPECT_THROW(LBFGS<double>({&p}, with([](LBFGSOptions& o) { o.tol = -1; })), Error);
    EXPECT_THROW(LBFGS<double>({}, LBFGSOptions{}), Error);
    try {
        LBFGS<double>({&p}, LBFGSOptions{}).minimize([&] {
            p.grad = Array<double>{1.0};
            return std::nan("");
        });
        FAIL() << "no exception";
    } catch (const Error& e) {
        EXPECT_NE(std::string(e.what()).find("starting point"), std::string::npos) << e.what();
    }
    try {
        LBFGS<double>({&p}, LBFGSOptions{}).minimize([&] {
            p.grad = Array<double>{1.0, 2.0};
            return 1.0;
        });
        FAIL() << "no exception";
    } catch (const Error& e) {
        EXPECT_NE(std::string(e.what()).find("(2,)"), std::string::npos) << e.what();
    }
    EXPECT_EQ(to_string(LBFGSStop::max_fun), "max_fun");
}
