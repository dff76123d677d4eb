#pragma once
/// The line search of L-BFGS-B: Moré & Thuente, "Line search algorithms with guaranteed
/// sufficient decrease", ACM TOMS 20(3), 1994 (MINPACK-2's dcsrch / dcstep).
///
/// Along a direction d from x, phi(stp) = f(x + stp d). The search looks for a step with
///
///     phi(stp)  <= phi(0) + ftol * stp * phi'(0)        (sufficient decrease)
///     |phi'(stp)| <= gtol * |phi'(0)|                    (strong Wolfe curvature)
///
/// keeping an interval [stx, sty] known to contain such a step and choosing each trial by
/// cubic / quadratic interpolation (dcstep), with bisection when the interval shrinks too slowly.
/// It is driven by reverse communication:
///
///     MoreThuente search;
///     auto status = search.start(f0, g0, first_step, options);
///     while (status == LineSearchStatus::evaluate) {
///         (f, g) = phi and phi' at search.step();
///         status = search.next(f, g);
///     }
///     // converged: search.step() satisfies both conditions; warning: the best step found

#include <string>

namespace tapegrad::optim {

struct LineSearchOptions {
    double ftol = 1e-3;   ///< sufficient decrease
    double gtol = 0.9;    ///< curvature
    double xtol = 0.1;    ///< relative width of the interval below which the search gives up
    double stpmin = 0.0;
    double stpmax = 1e10;
};

enum class LineSearchStatus {
    evaluate,   ///< evaluate phi, phi' at step() and call next()
    converged,  ///< step() satisfies both conditions
    warning,    ///< no further progress possible; step() is the best found (message() says why)
    error,      ///< bad arguments (message() says which)
};

class MoreThuente {
public:
    /// Begins a search from phi(0) = f0 and phi'(0) = g0 (< 0) with the first trial `step`.
    LineSearchStatus start(double f0, double g0, double step, const LineSearchOptions& options);
    /// Takes phi(step()) and phi'(step()); returns the next action.
    LineSearchStatus next(double f, double g);

    double step() const { return stp_; }
    /// "CONVERGENCE", "WARNING: ROUNDING ERRORS PREVENT PROGRESS", "ERROR: INITIAL G >= 0", ...
    const std::string& message() const { return message_; }

private:
    LineSearchOptions options_;
    std::string message_;
    bool bracketed_ = false;
    int stage_ = 1;
    double stp_ = 0, finit_ = 0, ginit_ = 0, gtest_ = 0;
    double stx_ = 0, fx_ = 0, gx_ = 0;  ///< best step so far
    double sty_ = 0, fy_ = 0, gy_ = 0;  ///< other end of the interval
    double stmin_ = 0, stmax_ = 0, width_ = 0, width1_ = 0;
};

/// One safeguarded interpolation step of Moré & Thuente (dcstep): updates the interval
/// [stx, sty] with the trial (stp, fp, dp) and sets stp to the next trial in [stpmin, stpmax].
void more_thuente_step(double& stx, double& fx, double& dx, double& sty, double& fy, double& dy, double& stp,
                       double fp, double dp, bool& bracketed, double stpmin, double stpmax);

}  // namespace tapegrad::optim
