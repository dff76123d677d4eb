#include "adam.hpp"

#include <cmath>
#include <cstdio>
#include <limits>

#include <tapegrad/autograd/vector_math.hpp>

#include "parameters.hpp"

namespace tapegrad::optim {

namespace {

/// sklearn's Adam update of one parameter, element by element, in sklearn's order.
template <class T>
inline void adam_elements(T* value, const T* grad, T* m, T* v, std::size_t n, T beta_1, T one_minus_beta_1, T beta_2,
                          T one_minus_beta_2, T minus_lr, T epsilon) {
    for (std::size_t i = 0; i < n; ++i) {
        m[i] = beta_1 * m[i] + one_minus_beta_1 * grad[i];
        v[i] = beta_2 * v[i] + one_minus_beta_2 * (grad[i] * grad[i]);
        value[i] += minus_lr * m[i] / (std::sqrt(v[i]) + epsilon);
    }
}

}  // namespace

// One function per type, cloned for AVX2 (the square roots and divisions are most of the loop).
TAPEGRAD_CLONE_FOR_AVX2 void adam_update(float* value, const float* grad, float* m, float* v, std::size_t n, float b1,
                                         float c1, float b2, float c2, float lr, float eps) {
    adam_elements(value, grad, m, v, n, b1, c1, b2, c2, lr, eps);
}
TAPEGRAD_CLONE_FOR_AVX2 void adam_update(double* value, const double* grad, double* m, double* v, std::size_t n,
                                         double b1, double c1, double b2, double c2, double lr, double eps) {
    adam_elements(value, grad, m, v, n, b1, c1, b2, c2, lr, eps);
}

template <class T>
Adam<T>::Adam(std::vector<Parameter<T>*> params, AdamOptions options)
    : params_(std::move(params)), options_(options), learning_rate_(options.learning_rate_init) {
    constexpr double inf = std::numeric_limits<double>::infinity();
    check_range("Adam", "learning_rate_init", options_.learning_rate_init, 0, false, inf, false);
    check_range("Adam", "beta_1", options_.beta_1, 0, true, 1, false);
    check_range("Adam", "beta_2", options_.beta_2, 0, true, 1, false);
    check_range("Adam", "epsilon", options_.epsilon, 0, false, inf, false);
    check_parameters("Adam", params_);
    for (const Parameter<T>* p : params_) {
        first_moments_.push_back(xt::zeros<T>(p->value.shape()));
        second_moments_.push_back(xt::zeros<T>(p->value.shape()));
    }
}

template <class T>
void Adam<T>::step() {
    for (std::size_t k = 0; k < params_.size(); ++k) check_step_shapes("Adam", k, *params_[k], first_moments_[k]);
    ++t_;
    const double t = static_cast<double>(t_);
    learning_rate_ = options_.learning_rate_init * std::sqrt(1 - std::pow(options_.beta_2, t)) /
                     (1 - std::pow(options_.beta_1, t));
    const T beta_1 = static_cast<T>(options_.beta_1), one_minus_beta_1 = static_cast<T>(1 - options_.beta_1);
    const T beta_2 = static_cast<T>(options_.beta_2), one_minus_beta_2 = static_cast<T>(1 - options_.beta_2);
    const T minus_lr = static_cast<T>(-learning_rate_);
    const T epsilon = static_cast<T>(options_.epsilon);
    for (std::size_t k = 0; k < params_.size(); ++k) {
        T* value = params_[k]->value.data();
        const T* grad = params_[k]->grad.data();
        adam_update(value, grad, first_moments_[k].data(), second_moments_[k].data(), first_moments_[k].size(),
                    beta_1, one_minus_beta_1, beta_2, one_minus_beta_2, minus_lr, epsilon);
    }
}

template <class T>
bool Adam<T>::trigger_stopping(const std::string& msg, bool verbose) {
    if (verbose) std::printf("%s Stopping.\n", msg.c_str());
    return true;
}

template class Adam<float>;
template class Adam<double>;

}  // namespace tapegrad::optim
