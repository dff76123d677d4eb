#pragma once
/// Limited-memory BFGS for full-batch training, as scikit-learn calls scipy's L-BFGS-B (no
/// bounds): Liu & Nocedal, "On the limited memory BFGS method for large scale optimization",
/// Math. Programming 45, 1989; Byrd, Lu, Nocedal & Zhu, "A limited memory algorithm for bound
/// constrained optimization", SIAM J. Sci. Comput. 16(5), 1995 (L-BFGS-B 3.0, whose unbounded
/// case this reproduces step for step).
///
/// All parameters are packed into one vector x (in order, row-major), in double whatever T is
/// (scipy works in double too). Each iteration k:
///
///     d = -H g            H: the m most recent pairs s_i = x_{i+1} - x_i, y_i = g_{i+1} - g_i,
///                         by the two-loop recursion with H_0 = (s'y / y'y of the newest pair) I;
///                         d = -g while no pair is stored
///     stp: Moré-Thuente line search (ftol 1e-3, gtol 0.9, xtol 0.1), at most 20 evaluations;
///          first trial 1 / ||d|| in iteration 0, else 1
///     x += stp d; the pair is stored only if s'y > eps * (-g_old'd stp) (curvature)
///
/// and it stops, in this order of checks after each iteration (scipy's):
///   max_iter          iterations == max_iter               "STOP: TOTAL NO. of ITERATIONS REACHED LIMIT"
///   max_fun           evaluations > max_fun                "STOP: TOTAL NO. of f AND g EVALUATIONS EXCEEDS LIMIT"
///   converged_gradient max_i |g_i| <= tol                  "CONVERGENCE: NORM_OF_PROJECTED_GRADIENT_<=_PGTOL"
///   converged_loss    (f_old - f) <= ftol max(|f_old|, |f|, 1)   "CONVERGENCE: REL_REDUCTION_OF_F_<=_FACTR*EPSMCH"
/// The gradient test also runs once before the first iteration (0 iterations). A failed line
/// search (no acceptable step in 20 evaluations, or an ascent direction) goes back to the
/// previous point; with stored pairs the memory is dropped and the iteration restarts along -g,
/// else it stops with line_search_failed ("ABNORMAL_TERMINATION_IN_LNSRCH"; like scipy's nit,
/// n_iter does not count that iteration). As in scipy, evaluations are only checked against
/// max_fun at the end of an iteration, so n_fun may exceed max_fun.
///
/// One addition to scipy: a trial step where the loss or gradient is not finite starts the
/// line search again with a step ten times shorter (within the same evaluation budget), where
/// scipy's search would break down on the NaN.

#include <cstddef>
#include <functional>
#include <string>
#include <vector>

#include <tapegrad/autograd/tape.hpp>

namespace tapegrad::optim {

struct LBFGSOptions {
    std::size_t max_iter = 200;    ///< >= 1 (sklearn's max_iter)
    std::size_t max_fun = 15000;   ///< >= 1 (sklearn's max_fun)
    double tol = 1e-4;             ///< >= 0, on max |g_i| (scipy's gtol = pgtol; sklearn's tol)
    std::size_t history = 10;      ///< >= 1, pairs kept (scipy's maxcor m)
    double ftol = 2.220446049250313e-09;  ///< >= 0, relative loss reduction (scipy: factr 1e7 * eps)
    std::size_t max_line_search = 20;     ///< >= 1, evaluations per line search (scipy's maxls)
};

enum class LBFGSStop { converged_gradient, converged_loss, max_iter, max_fun, line_search_failed };

/// "converged_gradient", "converged_loss", "max_iter", "max_fun", "line_search_failed".
std::string to_string(LBFGSStop stop);

template <class T>
struct LBFGSResult {
    std::size_t n_iter;                 ///< iterations done (sklearn's n_iter_)
    std::size_t n_fun;                  ///< objective evaluations, the first one included
    T loss;                             ///< the objective at the final point (sklearn's loss_)
    LBFGSStop stop;
    std::vector<T> loss_per_iteration;  ///< the objective after each iteration (n_iter values)
    std::string message;                ///< scipy's message for `stop`
};

template <class T>
class LBFGS {
public:
    /// Error for an empty or null parameter list or an option out of range (named).
    LBFGS(std::vector<Parameter<T>*> params, LBFGSOptions options);

    /// Minimizes `objective`, which must return the loss at the parameters' current values and
    /// fill every parameter's grad (overwritten, not accumulated) for them. On return the
    /// parameters hold the final point and their grads its gradient. Throws an Error if the loss
    /// or gradient is not finite at the starting point, or a grad has the wrong shape; if the
    /// objective throws, the parameters are put back to the last accepted point and the
    /// exception propagates. `on_iteration`, if given, is called after each iteration with its
    /// number (1, 2, ...) and loss, the parameters then holding that iteration's point; if it
    /// throws, the parameters hold that point and the exception propagates.
    LBFGSResult<T> minimize(const std::function<T()>& objective,
                            const std::function<void(std::size_t iteration, T loss)>& on_iteration = {});

    const LBFGSOptions& options() const { return options_; }

private:
    double evaluate(const std::function<T()>& objective, const std::vector<double>& x, std::vector<double>& g);
    void write_values(const std::vector<double>& x);
    void write_grads(const std::vector<double>& g);
    /// d = -H g by the two-loop recursion over the stored pairs.
    void direction(const std::vector<double>& g, std::vector<double>& d);

    std::vector<Parameter<T>*> params_;
    LBFGSOptions options_;
    std::size_t n_ = 0;  ///< packed size

    // Stored pairs, a ring of `history` slots: the newest is at (head_ + count_ - 1) % history.
    std::vector<std::vector<double>> s_, y_;
    std::vector<double> rho_, alpha_;  ///< 1 / s'y per pair; two-loop coefficients
    std::size_t head_ = 0, count_ = 0;
    double gamma_ = 1.0;  ///< H_0 scale: s'y / y'y of the newest pair
};

extern template struct LBFGSResult<float>;
extern template struct LBFGSResult<double>;
extern template class LBFGS<float>;
extern template class LBFGS<double>;

}  // namespace tapegrad::optim
