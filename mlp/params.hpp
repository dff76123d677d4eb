#pragma once
/// The hyperparameters of `MLPClassifier` / `MLPRegressor`: every constructor parameter of
/// scikit-learn 1.2, with the same name and the same default, and their validation with
/// scikit-learn's wording (`BaseMultilayerPerceptron._parameter_constraints`).

#include <cstddef>
#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include <tapegrad/autograd/array.hpp>

namespace tapegrad::mlp {

/// sklearn's `n_iter_no_change=np.inf`: never stop for lack of improvement.
inline constexpr std::size_t kNeverStop = static_cast<std::size_t>(-1);

struct MLPParams {
    std::vector<std::size_t> hidden_layer_sizes{100};  ///< may be empty: no hidden layer
    std::string activation = "relu";                   ///< identity | logistic | tanh | relu
    std::string solver = "adam";                       ///< lbfgs | sgd | adam
    double alpha = 0.0001;                             ///< L2 strength, [0, inf)
    std::optional<std::size_t> batch_size;             ///< nullopt = "auto" = min(200, n_samples)
    std::string learning_rate = "constant";            ///< constant | invscaling | adaptive (sgd)
    double learning_rate_init = 0.001;                 ///< (0, inf)
    double power_t = 0.5;                              ///< [0, inf), invscaling's exponent
    std::size_t max_iter = 200;                        ///< epochs (sgd, adam) or iterations (lbfgs)
    bool shuffle = true;
    std::optional<std::uint32_t> random_state;         ///< nullopt = seeded from std::random_device
    double tol = 1e-4;                                 ///< [0, inf)
    bool verbose = false;
    bool warm_start = false;
    double momentum = 0.9;                             ///< [0, 1]
    bool nesterovs_momentum = true;
    bool early_stopping = false;
    double validation_fraction = 0.1;                  ///< [0, 1)
    double beta_1 = 0.9;                               ///< [0, 1)
    double beta_2 = 0.999;                             ///< [0, 1)
    double epsilon = 1e-8;                             ///< (0, inf)
    std::size_t n_iter_no_change = 10;                 ///< [1, inf), or kNeverStop (sklearn's inf)
    std::size_t max_fun = 15000;                       ///< [1, inf), lbfgs only
};

/// A hyperparameter out of its range or choices.
class InvalidParameter : public Error {
public:
    using Error::Error;
};

/// Throws InvalidParameter naming the parameter, the valid range or choices and the value, in
/// scikit-learn 1.2's words, e.g.
/// "The 'alpha' parameter of MLPClassifier must be a float in the range [0, inf). Got -1.0 instead."
/// A zero in hidden_layer_sizes gives sklearn's "hidden_layer_sizes must be > 0, got [3, 0]."
void validate(const MLPParams& params, const std::string& estimator_name);

/// A double as Python's repr() writes it: "-1.0", "0.30000000000000004", "1e-05", "inf", "nan".
std::string python_repr(double value);

}  // namespace tapegrad::mlp
