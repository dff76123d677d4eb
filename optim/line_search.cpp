#include "line_search.hpp"

#include <algorithm>
#include <cmath>

namespace tapegrad::optim {

namespace {
constexpr double kExtrapolateLower = 1.1;  // xtrapl
constexpr double kExtrapolateUpper = 4.0;  // xtrapu
}  // namespace

LineSearchStatus MoreThuente::start(double f0, double g0, double step, const LineSearchOptions& options) {
    options_ = options;
    stp_ = step;
    message_.clear();
    if (stp_ < options.stpmin) message_ = "ERROR: STP < STPMIN";
    if (stp_ > options.stpmax) message_ = "ERROR: STP > STPMAX";
    if (g0 >= 0) message_ = "ERROR: INITIAL G >= 0";
    if (options.ftol < 0) message_ = "ERROR: FTOL < 0";
    if (options.gtol < 0) message_ = "ERROR: GTOL < 0";
    if (options.xtol < 0) message_ = "ERROR: XTOL < 0";
    if (options.stpmin < 0) message_ = "ERROR: STPMIN < 0";
    if (options.stpmax < options.stpmin) message_ = "ERROR: STPMAX < STPMIN";
    if (!message_.empty()) return LineSearchStatus::error;

    bracketed_ = false;
    stage_ = 1;
    finit_ = f0;
    ginit_ = g0;
    gtest_ = options.ftol * ginit_;
    width_ = options.stpmax - options.stpmin;
    width1_ = width_ / 0.5;
    stx_ = 0;
    fx_ = finit_;
    gx_ = ginit_;
    sty_ = 0;
    fy_ = finit_;
    gy_ = ginit_;
    stmin_ = 0;
    stmax_ = stp_ + kExtrapolateUpper * stp_;
    message_ = "FG";
    return LineSearchStatus::evaluate;
}

LineSearchStatus MoreThuente::next(double f, double g) {
    // psi(stp) = phi(stp) - phi(0) - ftol stp phi'(0); stage 2 once psi <= 0 and phi' >= 0.
    const double ftest = finit_ + stp_ * gtest_;
    if (stage_ == 1 && f <= ftest && g >= 0) stage_ = 2;

    // Warnings, then convergence (a later test overrides an earlier one, as in dcsrch).
    LineSearchStatus status = LineSearchStatus::evaluate;
    if (bracketed_ && (stp_ <= stmin_ || stp_ >= stmax_)) {
        message_ = "WARNING: ROUNDING ERRORS PREVENT PROGRESS";
        status = LineSearchStatus::warning;
    }
    if (bracketed_ && stmax_ - stmin_ <= options_.xtol * stmax_) {
        message_ = "WARNING: XTOL TEST SATISFIED";
        status = LineSearchStatus::warning;
    }
    if (stp_ == options_.stpmax && f <= ftest && g <= gtest_) {
        message_ = "WARNING: STP = STPMAX";
        status = LineSearchStatus::warning;
    }
    if (stp_ == options_.stpmin && (f > ftest || g >= gtest_)) {
        message_ = "WARNING: STP = STPMIN";
        status = LineSearchStatus::warning;
    }
    if (f <= ftest && std::abs(g) <= options_.gtol * (-ginit_)) {
        message_ = "CONVERGENCE";
        status = LineSearchStatus::converged;
    }
    if (status != LineSearchStatus::evaluate) return status;

    if (stage_ == 1 && f <= fx_ && f > ftest) {
        // A lower value without sufficient decrease: step on the modified function psi.
        double fm = f - stp_ * gtest_;
        double fxm = fx_ - stx_ * gtest_;
        double fym = fy_ - sty_ * gtest_;
        double gm = g - gtest_;
        double gxm = gx_ - gtest_;
        double gym = gy_ - gtest_;
        more_thuente_step(stx_, fxm, gxm, sty_, fym, gym, stp_, fm, gm, bracketed_, stmin_, stmax_);
        fx_ = fxm + stx_ * gtest_;
        fy_ = fym + sty_ * gtest_;
        gx_ = gxm + gtest_;
        gy_ = gym + gtest_;
    } else {
        more_thuente_step(stx_, fx_, gx_, sty_, fy_, gy_, stp_, f, g, bracketed_, stmin_, stmax_);
    }

    // Bisect when the interval did not shrink enough over the last two steps.
    if (bracketed_) {
        if (std::abs(sty_ - stx_) >= 0.66 * width1_) stp_ = stx_ + 0.5 * (sty_ - stx_);
        width1_ = width_;
        width_ = std::abs(sty_ - stx_);
    }
    if (bracketed_) {
        stmin_ = std::min(stx_, sty_);
        stmax_ = std::max(stx_, sty_);
    } else {
        stmin_ = stp_ + kExtrapolateLower * (stp_ - stx_);
        stmax_ = stp_ + kExtrapolateUpper * (stp_ - stx_);
    }
    stp_ = std::min(std::max(stp_, options_.stpmin), options_.stpmax);
    // No progress possible: fall back to the best step so far.
    if ((bracketed_ && (stp_ <= stmin_ || stp_ >= stmax_)) || (bracketed_ && stmax_ - stmin_ <= options_.xtol * stmax_))
        stp_ = stx_;
    message_ = "FG";
    return LineSearchStatus::evaluate;
}

void more_thuente_step(double& stx, double& fx, double& dx, double& sty, double& fy, double& dy, double& stp,
                       double fp, double dp, bool& bracketed, double stpmin, double stpmax) {
    const double sgnd = dp * (dx / std::abs(dx));
    double stpf;
    if (fp > fx) {
        // Case 1: higher value. The minimum is bracketed; take the cubic step if it is closer
        // to stx than the quadratic one, else their average.
        const double theta = 3.0 * (fx - fp) / (stp - stx) + dx + dp;
        const double s = std::max({std::abs(theta), std::abs(dx), std::abs(dp)});
        double gamma = s * std::sqrt((theta / s) * (theta / s) - (dx / s) * (dp / s));
        if (stp < stx) gamma = -gamma;
        const double p = (gamma - dx) + theta;
        const double q = ((gamma - dx) + gamma) + dp;
        const double r = p / q;
        const double stpc = stx + r * (stp - stx);
        const double stpq = stx + ((dx / ((fx - fp) / (stp - stx) + dx)) / 2.0) * (stp - stx);
        stpf = std::abs(stpc - stx) < std::abs(stpq - stx) ? stpc : stpc + (stpq - stpc) / 2.0;
        bracketed = true;
    } else if (sgnd < 0) {
        // Case 2: lower value, derivatives of opposite sign. Bracketed; the step farther from
        // stp of the cubic and the secant step.
        const double theta = 3.0 * (fx - fp) / (stp - stx) + dx + dp;
        const double s = std::max({std::abs(theta), std::abs(dx), std::abs(dp)});
        double gamma = s * std::sqrt((theta / s) * (theta / s) - (dx / s) * (dp / s));
        if (stp > stx) gamma = -gamma;
        const double p = (gamma - dp) + theta;
        const double q = ((gamma - dp) + gamma) + dx;
        const double r = p / q;
        const double stpc = stp + r * (stx - stp);
        const double stpq = stp + (dp / (dp - dx)) * (stx - stp);
        stpf = std::abs(stpc - stp) > std::abs(stpq - stp) ? stpc : stpq;
        bracketed = true;
    } else if (std::abs(dp) < std::abs(dx)) {
        // Case 3: lower value, same sign, the derivative decreases in magnitude. The cubic step
        // only if it goes in the right direction (else the bound), safeguarded.
        const double theta = 3.0 * (fx - fp) / (stp - stx) + dx + dp;
        const double s = std::max({std::abs(theta), std::abs(dx), std::abs(dp)});
        double gamma = s * std::sqrt(std::max(0.0, (theta / s) * (theta / s) - (dx / s) * (dp / s)));
        if (stp > stx) gamma = -gamma;
        const double p = (gamma - dp) + theta;
        const double q = (gamma + (dx - dp)) + gamma;
        const double r = p / q;
        double stpc;
        if (r < 0 && gamma != 0) stpc = stp + r * (stx - stp);
        else if (stp > stx) stpc = stpmax;
        else stpc = stpmin;
        const double stpq = stp + (dp / (dp - dx)) * (stx - stp);
        if (bracketed) {
            stpf = std::abs(stpc - stp) < std::abs(stpq - stp) ? stpc : stpq;
            stpf = stp > stx ? std::min(stp + 0.66 * (sty - stp), stpf) : std::max(stp + 0.66 * (sty - stp), stpf);
        } else {
            stpf = std::abs(stpc - stp) > std::abs(stpq - stp) ? stpc : stpq;
            stpf = std::max(stpmin, std::min(stpmax, stpf));
        }
    } else {
        // Case 4: lower value, same sign, the derivative does not decrease: cubic step towards
        // sty if bracketed, else to the bound.
        if (bracketed) {
            const double theta = 3.0 * (fp - fy) / (sty - stp) + dy + dp;
            const double s = std::max({std::abs(theta), std::abs(dy), std::abs(dp)});
            double gamma = s * std::sqrt((theta / s) * (theta / s) - (dy / s) * (dp / s));
            if (stp > sty) gamma = -gamma;
            const double p = (gamma - dp) + theta;
            const double q = ((gamma - dp) + gamma) + dy;
            const double r = p / q;
            stpf = stp + r * (sty - stp);
        } else {
            stpf = stp > stx ? stpmax : stpmin;
        }
    }

    // Update the interval that contains a minimizer.
    if (fp > fx) {
        sty = stp;
        fy = fp;
        dy = dp;
    } else {
        if (sgnd < 0) {
            sty = stx;
            fy = fx;
            dy = dx;
        }
        stx = stp;
        fx = fp;
        dx = dp;
    }
    stp = stpf;
}

}  // namespace tapegrad::optim
