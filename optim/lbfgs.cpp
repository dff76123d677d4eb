#include "lbfgs.hpp"

#include <algorithm>
#include <cmath>
#include <limits>

#include "line_search.hpp"
#include "parameters.hpp"

namespace tapegrad::optim {

namespace {

double dot(const std::vector<double>& a, const std::vector<double>& b) {
    double total = 0;
    for (std::size_t i = 0; i < a.size(); ++i) total += a[i] * b[i];
    return total;
}

double max_abs(const std::vector<double>& a) {
    double largest = 0;
    for (double v : a) largest = std::max(largest, std::abs(v));
    return largest;
}

bool all_finite(const std::vector<double>& a) {
    for (double v : a)
        if (!std::isfinite(v)) return false;
    return true;
}

const char* message_of(LBFGSStop stop) {
    switch (stop) {
        case LBFGSStop::converged_gradient: return "CONVERGENCE: NORM_OF_PROJECTED_GRADIENT_<=_PGTOL";
        case LBFGSStop::converged_loss: return "CONVERGENCE: REL_REDUCTION_OF_F_<=_FACTR*EPSMCH";
        case LBFGSStop::max_iter: return "STOP: TOTAL NO. of ITERATIONS REACHED LIMIT";
        case LBFGSStop::max_fun: return "STOP: TOTAL NO. of f AND g EVALUATIONS EXCEEDS LIMIT";
        case LBFGSStop::line_search_failed: return "ABNORMAL_TERMINATION_IN_LNSRCH";
    }
    return "";
}

}  // namespace

std::string to_string(LBFGSStop stop) {
    switch (stop) {
        case LBFGSStop::converged_gradient: return "converged_gradient";
        case LBFGSStop::converged_loss: return "converged_loss";
        case LBFGSStop::max_iter: return "max_iter";
        case LBFGSStop::max_fun: return "max_fun";
        case LBFGSStop::line_search_failed: return "line_search_failed";
    }
    throw Error("to_string: invalid LBFGSStop value " + std::to_string(static_cast<int>(stop)));
}

template <class T>
LBFGS<T>::LBFGS(std::vector<Parameter<T>*> params, LBFGSOptions options)
    : params_(std::move(params)), options_(options) {
    constexpr double inf = std::numeric_limits<double>::infinity();
    if (options_.max_iter < 1) throw Error("L-BFGS: max_iter = 0 must be >= 1");
    if (options_.max_fun < 1) throw Error("L-BFGS: max_fun = 0 must be >= 1");
    if (options_.history < 1) throw Error("L-BFGS: history = 0 must be >= 1");
    if (options_.max_line_search < 1) throw Error("L-BFGS: max_line_search = 0 must be >= 1");
    check_range("L-BFGS", "tol", options_.tol, 0, true, inf, false);
    check_range("L-BFGS", "ftol", options_.ftol, 0, true, inf, false);
    check_parameters("L-BFGS", params_);
}

template <class T>
void LBFGS<T>::write_values(const std::vector<double>& x) {
    std::size_t k = 0;
    for (Parameter<T>* p : params_)
        for (T& v : p->value) v = static_cast<T>(x[k++]);
}

template <class T>
void LBFGS<T>::write_grads(const std::vector<double>& g) {
    std::size_t k = 0;
    for (Parameter<T>* p : params_) {
        p->grad.resize(p->value.shape());
        for (T& v : p->grad) v = static_cast<T>(g[k++]);
    }
}

template <class T>
double LBFGS<T>::evaluate(const std::function<T()>& objective, const std::vector<double>& x, std::vector<double>& g) {
    write_values(x);
    const double f = static_cast<double>(objective());
    std::size_t k = 0;
    for (std::size_t i = 0; i < params_.size(); ++i) {
        const Parameter<T>& p = *params_[i];
        if (p.grad.shape() != p.value.shape())
            throw Error("L-BFGS: after the objective, parameter " + std::to_string(i) + " has grad of shape " +
                        shape_str(p.grad.shape()) + " for value of shape " + shape_str(p.value.shape()));
        for (T v : p.grad) g[k++] = static_cast<double>(v);
    }
    return f;
}

template <class T>
void LBFGS<T>::direction(const std::vector<double>& g, std::vector<double>& d) {
    const std::size_t m = options_.history;
    for (std::size_t i = 0; i < n_; ++i) d[i] = -g[i];
    if (count_ == 0) return;
    // first loop, newest pair to oldest: alpha_k = rho_k s_k'q, q -= alpha_k y_k
    for (std::size_t k = count_; k-- > 0;) {
        const std::size_t slot = (head_ + k) % m;
        alpha_[k] = rho_[slot] * dot(s_[slot], d);
        for (std::size_t i = 0; i < n_; ++i) d[i] -= alpha_[k] * y_[slot][i];
    }
    for (std::size_t i = 0; i < n_; ++i) d[i] *= gamma_;  // H_0 q
    // second loop, oldest to newest: beta = rho_k y_k'r, r += (alpha_k - beta) s_k
    for (std::size_t k = 0; k < count_; ++k) {
        const std::size_t slot = (head_ + k) % m;
        const double beta = rho_[slot] * dot(y_[slot], d);
        for (std::size_t i = 0; i < n_; ++i) d[i] += (alpha_[k] - beta) * s_[slot][i];
    }
}

template <class T>
LBFGSResult<T> LBFGS<T>::minimize(const std::function<T()>& objective,
                                  const std::function<void(std::size_t, T)>& on_iteration) {
    if (!objective) throw Error("L-BFGS: empty objective");
    check_parameters("L-BFGS", params_);
    n_ = 0;
    for (const Parameter<T>* p : params_) n_ += p->value.size();
    const std::size_t m = options_.history;
    s_.assign(m, std::vector<double>(n_));
    y_.assign(m, std::vector<double>(n_));
    rho_.assign(m, 0.0);
    alpha_.assign(m, 0.0);
    head_ = 0;
    count_ = 0;
    gamma_ = 1.0;

    std::vector<double> x(n_), g(n_), d(n_), x_old(n_), g_old(n_);
    {
        std::size_t k = 0;
        for (const Parameter<T>* p : params_)
            for (T v : p->value) x[k++] = static_cast<double>(v);
    }

    LineSearchOptions search_options;  // L-BFGS-B's: ftol 1e-3, gtol 0.9, xtol 0.1, stpmax 1e10
    const double epsilon = std::numeric_limits<double>::epsilon();
    LBFGSResult<T> result{0, 0, T(0), LBFGSStop::converged_gradient, {}, ""};
    bool in_line_search = false;
    double f = 0;
    try {
        f = evaluate(objective, x, g);
        result.n_fun = 1;
        if (!std::isfinite(f)) throw Error("L-BFGS: the loss at the starting point is " + std::to_string(f));
        if (!all_finite(g)) throw Error("L-BFGS: the gradient at the starting point is not finite");

        if (max_abs(g) > options_.tol) {
            for (;;) {
                direction(g, d);
                x_old = x;
                g_old = g;
                const double f_old = f;
                const double gd_old = dot(g, d);
                double gd = gd_old;
                double stp = 0;
                bool accepted = false;
                if (gd_old < 0) {  // else an ascent direction: the search cannot start
                    const double d_norm = std::sqrt(dot(d, d));
                    stp = result.n_iter == 0 ? std::min(1.0 / d_norm, search_options.stpmax) : 1.0;
                    MoreThuente search;
                    LineSearchStatus status = search.start(f, gd_old, stp, search_options);
                    std::size_t evaluations = 0;
                    in_line_search = true;
                    while (status == LineSearchStatus::evaluate && evaluations < options_.max_line_search) {
                        stp = search.step();
                        for (std::size_t i = 0; i < n_; ++i) x[i] = stp * d[i] + x_old[i];
                        f = evaluate(objective, x, g);
                        ++evaluations;
                        ++result.n_fun;
                        if (!std::isfinite(f) || !all_finite(g)) {
                            // Not in scipy (whose search then breaks down): start the search
                            // again from x_old with a step ten times shorter.
                            status = search.start(f_old, gd_old, stp / 10, search_options);
                            continue;
                        }
                        gd = dot(g, d);
                        status = search.next(f, gd);
                    }
                    in_line_search = false;
                    accepted = status == LineSearchStatus::converged || status == LineSearchStatus::warning;
                }
                if (!accepted) {
                    x = x_old;
                    g = g_old;
                    f = f_old;
                    if (count_ == 0) {
                        result.stop = LBFGSStop::line_search_failed;
                        break;
                    }
                    count_ = 0;  // drop the memory and restart along -g
                    head_ = 0;
                    gamma_ = 1.0;
                    continue;
                }

                ++result.n_iter;
                result.loss_per_iteration.push_back(static_cast<T>(f));
                if (on_iteration) on_iteration(result.n_iter, static_cast<T>(f));  // parameters hold x
                if (result.n_iter >= options_.max_iter) {
                    result.stop = LBFGSStop::max_iter;
                    break;
                }
                if (result.n_fun > options_.max_fun) {
                    result.stop = LBFGSStop::max_fun;
                    break;
                }
                if (max_abs(g) <= options_.tol) {
                    result.stop = LBFGSStop::converged_gradient;
                    break;
                }
                if (f_old - f <= options_.ftol * std::max({std::abs(f_old), std::abs(f), 1.0})) {
                    result.stop = LBFGSStop::converged_loss;
                    break;
                }

                // New pair s = stp d, y = g - g_old, kept if s'y > eps (-g_old's): its curvature
                // s'y = stp (g'd - g_old'd) keeps H positive definite.
                const double sy = stp == 1.0 ? gd - gd_old : (gd - gd_old) * stp;
                const double minus_gs = stp == 1.0 ? -gd_old : -gd_old * stp;
                if (sy <= epsilon * minus_gs) continue;
                std::size_t slot;
                if (count_ < m) {
                    slot = (head_ + count_) % m;
                    ++count_;
                } else {
                    slot = head_;
                    head_ = (head_ + 1) % m;
                }
                double yy = 0;
                for (std::size_t i = 0; i < n_; ++i) {
                    s_[slot][i] = stp * d[i];
                    y_[slot][i] = g[i] - g_old[i];
                    yy += y_[slot][i] * y_[slot][i];
                }
                rho_[slot] = 1.0 / sy;
                gamma_ = sy / yy;
            }
        }
    } catch (...) {
        write_values(in_line_search ? x_old : x);  // the last accepted point
        throw;
    }
    write_values(x);
    write_grads(g);
    result.loss = static_cast<T>(f);
    result.message = message_of(result.stop);
    return result;
}

template struct LBFGSResult<float>;
template struct LBFGSResult<double>;
template class LBFGS<float>;
template class LBFGS<double>;

}  // namespace tapegrad::optim
