#pragma once
/// Adam, as scikit-learn 1.2's `AdamOptimizer` (sklearn/neural_network/_stochastic_optimizers.py),
/// in the same floating-point order. Kingma & Ba (2014), "Adam: A method for stochastic
/// optimization", arXiv:1412.6980, Algorithm 1 with the bias correction folded into lr_t.
///
/// Per parameter W with gradient g, first moment m and second moment v (zeros at construction),
/// each `step()`:
///
///     t += 1
///     m = beta_1 * m + (1 - beta_1) * g
///     v = beta_2 * v + (1 - beta_2) * g^2
///     lr_t = learning_rate_init * sqrt(1 - beta_2^t) / (1 - beta_1^t)
///     W += -lr_t * m / (sqrt(v) + epsilon)

#include <cstddef>
#include <string>
#include <vector>

#include <tapegrad/autograd/tape.hpp>

namespace tapegrad::optim {

struct AdamOptions {
    double learning_rate_init = 0.001;  ///< > 0
    double beta_1 = 0.9;                ///< in [0, 1)
    double beta_2 = 0.999;              ///< in [0, 1)
    double epsilon = 1e-8;              ///< > 0
};

/// The update of one parameter of n elements, in place, as `step()` does it:
///   m = beta_1 m + one_minus_beta_1 g;  v = beta_2 v + one_minus_beta_2 g^2;
///   value += minus_lr_t m / (sqrt(v) + epsilon)
/// Vectorised (AVX2 where the CPU has it, the same bits either way). Also the update of the
/// benchmark's explicit-formula loop, so that it and the estimator share this kernel.
void adam_update(float* value, const float* grad, float* m, float* v, std::size_t n, float beta_1,
                 float one_minus_beta_1, float beta_2, float one_minus_beta_2, float minus_lr_t, float epsilon);
void adam_update(double* value, const double* grad, double* m, double* v, std::size_t n, double beta_1,
                 double one_minus_beta_1, double beta_2, double one_minus_beta_2, double minus_lr_t, double epsilon);

template <class T>
class Adam {
public:
    /// Moments start at zero, one pair per parameter with its value's shape. Error for an empty
    /// or null parameter list or a hyperparameter out of range (named in the message).
    Adam(std::vector<Parameter<T>*> params, AdamOptions options);

    /// One update of every parameter from its current grad (see above); allocates nothing.
    void step();
    /// Adam has no schedule: always returns true (stop); with `verbose` prints "<msg> Stopping.".
    bool trigger_stopping(const std::string& msg, bool verbose);

    /// Steps taken so far.
    std::size_t t() const { return t_; }
    /// lr_t of the last step (learning_rate_init before the first).
    double learning_rate() const { return learning_rate_; }
    const AdamOptions& options() const { return options_; }
    const std::vector<Array<T>>& first_moments() const { return first_moments_; }
    const std::vector<Array<T>>& second_moments() const { return second_moments_; }

private:
    std::vector<Parameter<T>*> params_;
    AdamOptions options_;
    std::size_t t_ = 0;
    double learning_rate_;
    std::vector<Array<T>> first_moments_;
    std::vector<Array<T>> second_moments_;
};

extern template class Adam<float>;
extern template class Adam<double>;

}  // namespace tapegrad::optim
