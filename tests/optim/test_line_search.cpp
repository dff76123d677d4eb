// The Moré-Thuente line search on its own.
#include <gtest/gtest.h>

#include <cmath>

#include <tapegrad/optim/line_search.hpp>

using namespace tapegrad::optim;

namespace {
/// Runs the search on phi; returns the final status and counts evaluations.
template <class Phi>
LineSearchStatus run(MoreThuente& search, Phi phi, double first_step, int& evaluations,
                     const LineSearchOptions& options = {}) {
    double f0, g0;
    phi(0.0, f0, g0);
    LineSearchStatus status = search.start(f0, g0, first_step, options);
    evaluations = 0;
    while (status == LineSearchStatus::evaluate && evaluations < 50) {
        double f, g;
        phi(search.step(), f, g);
        ++evaluations;
        status = search.next(f, g);
    }
    return status;
}
}  // namespace

TEST(LineSearch, AcceptsAGoodFirstStep) {
    // phi(a) = (a - 1)^2: step 1 is the exact minimizer
    MoreThuente search;
    int evaluations;
    auto status = run(search, [](double a, double& f, double& g) { f = (a - 1) * (a - 1); g = 2 * (a - 1); }, 1.0,
                      evaluations);
    EXPECT_EQ(status, LineSearchStatus::converged);
    EXPECT_EQ(search.step(), 1.0);
    EXPECT_EQ(evaluations, 1);
    EXPECT_EQ(search.message(), "CONVERGENCE");
}

TEST(LineSearch, SatisfiesStrongWolfeFromATooLongAndATooShortStep) {
    // phi(a) = (a - 1)^2 - but start 100x too long and 1000x too short
    auto phi = [](double a, double& f, double& g) { f = (a - 1) * (a - 1); g = 2 * (a - 1); };
    for (double first : {100.0, 0.001}) {
        MoreThuente search;
        int evaluations;
        EXPECT_EQ(run(search, phi, first, evaluations), LineSearchStatus::converged) << first;
        const double a = search.step();
        double f, g;
        phi(a, f, g);
        EXPECT_LE(f, 1.0 + 1e-3 * a * -2.0) << first;  // sufficient decrease
        EXPECT_LE(std::abs(g), 0.9 * 2.0) << first;    // curvature
        EXPECT_LT(evaluations, 10) << first;
    }
}

TEST(LineSearch, NonConvexFunction) {
    // phi(a) = -a / (a^2 + 2) (Moré & Thuente's first test function), minimum at sqrt(2)
    auto phi = [](double a, double& f, double& g) {
        f = -a / (a * a + 2);
        g = (a * a - 2) / ((a * a + 2) * (a * a + 2));
    };
    LineSearchOptions options;
    options.ftol = 1e-3;
    options.gtol = 0.1;
    for (double first : {1e-3, 1e-1, 10.0, 1e3}) {
        MoreThuente search;
        int evaluations;
        EXPECT_EQ(run(search, phi, first, evaluations, options), LineSearchStatus::converged) << first;
        double f, g;
        phi(search.step(), f, g);
        EXPECT_LE(std::abs(g), 0.1 * 0.5) << first;
    }
}

TEST(LineSearch, RejectsAnAscentDirection) {
    MoreThuente search;
    EXPECT_EQ(search.start(1.0, 0.5, 1.0, {}), LineSearchStatus::error);
    EXPECT_EQ(search.message(), "ERROR: INITIAL G >= 0");
    EXPECT_EQ(search.start(1.0, -0.5, -1.0, {}), LineSearchStatus::error);
}
