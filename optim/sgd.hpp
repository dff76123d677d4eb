#pragma once
/// Stochastic gradient descent with momentum, as scikit-learn 1.2's `SGDOptimizer`
/// (sklearn/neural_network/_stochastic_optimizers.py), in the same floating-point order.
///
/// Per parameter W with gradient g and velocity v (zeros at construction), each `step()`:
///
///     v = momentum * v - lr * g
///     W += v                                   (nesterov = false)
///     W += momentum * v - lr * g               (nesterov = true, Sutskever et al. 2013)
///
/// The learning rate lr follows the schedule (optim/schedule.hpp) through `iteration_ends`
/// (end of each epoch) and `trigger_stopping` (when the estimator's no-improvement rule fires).

#include <cstddef>
#include <string>
#include <vector>

#include <tapegrad/autograd/tape.hpp>

#include "schedule.hpp"

namespace tapegrad::optim {

struct SGDOptions {
    double learning_rate_init = 0.1;  ///< > 0
    LearningRateSchedule learning_rate = LearningRateSchedule::constant;
    double momentum = 0.9;            ///< in [0, 1]
    bool nesterov = true;
    double power_t = 0.5;             ///< >= 0, exponent of invscaling
};

/// The update of one parameter of n elements, in place, as `step()` does it:
///   velocity = momentum velocity - lr g;  value += momentum velocity - lr g (Nesterov) or velocity
/// Vectorised (AVX2 where the CPU has it, the same bits either way). Also the update of the
/// benchmark's explicit-formula loop, so that it and the estimator share this kernel.
void sgd_update(float* value, const float* grad, float* velocity, std::size_t n, float momentum, float lr,
                bool nesterov);
void sgd_update(double* value, const double* grad, double* velocity, std::size_t n, double momentum, double lr,
                bool nesterov);

template <class T>
class SGD {
public:
    /// Velocities start at zero, one per parameter with its value's shape. Error for an empty or
    /// null parameter list or a hyperparameter out of range (named in the message).
    SGD(std::vector<Parameter<T>*> params, SGDOptions options);

    /// One update of every parameter from its current grad (see above); allocates nothing.
    void step();
    /// End of an epoch. invscaling: lr = learning_rate_init / (time_step + 1)^power_t, with
    /// time_step the number of training samples seen so far (sklearn's t_); other schedules: no-op.
    void iteration_ends(std::size_t time_step);
    /// The estimator's no-improvement rule fired. adaptive: if lr > 1e-6, lr /= 5 and returns
    /// false (go on), else returns true (stop). constant / invscaling: returns true (stop).
    /// With `verbose`, prints sklearn's message ("<msg> Stopping." etc.) to stdout.
    bool trigger_stopping(const std::string& msg, bool verbose);

    double learning_rate() const { return learning_rate_; }
    const SGDOptions& options() const { return options_; }
    const std::vector<Array<T>>& velocities() const { return velocities_; }

private:
    std::vector<Parameter<T>*> params_;
    SGDOptions options_;
    double learning_rate_;
    std::vector<Array<T>> velocities_;
};

extern template class SGD<float>;
extern template class SGD<double>;

}  // namespace tapegrad::optim
