#include "sgd.hpp"

#include <cmath>
#include <cstdio>
#include <limits>

#include <tapegrad/autograd/vector_math.hpp>

#include "parameters.hpp"

namespace tapegrad::optim {

namespace {

/// sklearn's SGD update of one parameter, element by element.
template <class T>
inline void sgd_elements(T* value, const T* grad, T* velocity, std::size_t n, T momentum, T lr, bool nesterov) {
    if (nesterov) {
        for (std::size_t i = 0; i < n; ++i) {
            velocity[i] = momentum * velocity[i] - lr * grad[i];
            value[i] += momentum * velocity[i] - lr * grad[i];
        }
    } else {
        for (std::size_t i = 0; i < n; ++i) {
            velocity[i] = momentum * velocity[i] - lr * grad[i];
            value[i] += velocity[i];
        }
    }
}

}  // namespace

// One function per type, cloned for AVX2.
TAPEGRAD_CLONE_FOR_AVX2 void sgd_update(float* value, const float* grad, float* velocity, std::size_t n,
                                        float momentum, float lr, bool nesterov) {
    sgd_elements(value, grad, velocity, n, momentum, lr, nesterov);
}
TAPEGRAD_CLONE_FOR_AVX2 void sgd_update(double* value, const double* grad, double* velocity, std::size_t n,
                                        double momentum, double lr, bool nesterov) {
    sgd_elements(value, grad, velocity, n, momentum, lr, nesterov);
}

template <class T>
SGD<T>::SGD(std::vector<Parameter<T>*> params, SGDOptions options)
    : params_(std::move(params)), options_(options), learning_rate_(options.learning_rate_init) {
    constexpr double inf = std::numeric_limits<double>::infinity();
    check_range("SGD", "learning_rate_init", options_.learning_rate_init, 0, false, inf, false);
    check_range("SGD", "momentum", options_.momentum, 0, true, 1, true);
    check_range("SGD", "power_t", options_.power_t, 0, true, inf, false);
    to_string(options_.learning_rate);  // rejects an invalid enum value
    check_parameters("SGD", params_);
    for (const Parameter<T>* p : params_) velocities_.push_back(xt::zeros<T>(p->value.shape()));
}

template <class T>
void SGD<T>::step() {
    const T momentum = static_cast<T>(options_.momentum);
    const T lr = static_cast<T>(learning_rate_);
    for (std::size_t k = 0; k < params_.size(); ++k) check_step_shapes("SGD", k, *params_[k], velocities_[k]);
    for (std::size_t k = 0; k < params_.size(); ++k) {
        T* value = params_[k]->value.data();
        const T* grad = params_[k]->grad.data();
        sgd_update(value, grad, velocities_[k].data(), velocities_[k].size(), momentum, lr, options_.nesterov);
    }
}

template <class T>
void SGD<T>::iteration_ends(std::size_t time_step) {
    if (options_.learning_rate == LearningRateSchedule::invscaling)
        learning_rate_ =
            options_.learning_rate_init / std::pow(static_cast<double>(time_step + 1), options_.power_t);
}

template <class T>
bool SGD<T>::trigger_stopping(const std::string& msg, bool verbose) {
    if (options_.learning_rate != LearningRateSchedule::adaptive) {
        if (verbose) std::printf("%s Stopping.\n", msg.c_str());
        return true;
    }
    if (learning_rate_ <= 1e-6) {
        if (verbose) std::printf("%s Learning rate too small. Stopping.\n", msg.c_str());
        return true;
    }
    learning_rate_ /= 5.0;
    if (verbose) std::printf("%s Setting learning rate to %f\n", msg.c_str(), learning_rate_);
    return false;
}

template class SGD<float>;
template class SGD<double>;

}  // namespace tapegrad::optim
