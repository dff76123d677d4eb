#include "params.hpp"

#include <cmath>

#include <fmt/format.h>

namespace tapegrad::mlp {

std::string python_repr(double value) {
    if (std::isnan(value)) return "nan";
    if (std::isinf(value)) return value > 0 ? "inf" : "-inf";
    std::string text = fmt::format("{}", value);  // shortest round-trip digits, like repr()
    if (text.find_first_of(".e") == std::string::npos) text += ".0";
    return text;
}

namespace {

/// Collects the first violated rule as sklearn's InvalidParameterError message.
class Checker {
public:
    explicit Checker(const std::string& estimator) : estimator_(estimator) {}

    /// A float in the interval between lo and hi; closed_lo / closed_hi say whether the bounds
    /// belong to it (hi = inf is always open). NaN is never in range.
    void real(const char* name, double value, double lo, double hi, bool closed_lo, bool closed_hi) {
        const bool above = closed_lo ? value >= lo : value > lo;
        const bool below = std::isinf(hi) ? value < hi : (closed_hi ? value <= hi : value < hi);
        if (above && below) return;
        fail(name, "a float in the range " + interval(lo, hi, closed_lo, closed_hi), python_repr(value));
    }

    /// An int >= 1, with an extra alternative (", or ...") in sklearn's message when given.
    void positive_int(const char* name, std::size_t value, const std::string& prefix = "",
                      const std::string& suffix = "") {
        if (value >= 1) return;
        fail(name, prefix + "an int in the range [1, inf)" + suffix, std::to_string(value));
    }

    void choice(const char* name, const std::string& value, const std::vector<std::string>& options) {
        for (const auto& option : options)
            if (value == option) return;
        std::string among;
        for (std::size_t i = 0; i < options.size(); ++i) among += (i ? ", '" : "'") + options[i] + "'";
        fail(name, "a str among {" + among + "}", "'" + value + "'");
    }

private:
    static std::string bound(double b) {
        if (std::isinf(b)) return b > 0 ? "inf" : "-inf";
        return fmt::format("{}", b);  // sklearn prints the bound as given: 0, 1
    }
    static std::string interval(double lo, double hi, bool closed_lo, bool closed_hi) {
        return std::string(closed_lo ? "[" : "(") + bound(lo) + ", " + bound(hi) +
               (closed_hi && !std::isinf(hi) ? "]" : ")");
    }
    void fail(const char* name, const std::string& must_be, const std::string& got) {
        throw InvalidParameter(fmt::format("The '{}' parameter of {} must be {}. Got {} instead.", name, estimator_,
                                           must_be, got));
    }
    std::string estimator_;
};

}  // namespace

void validate(const MLPParams& p, const std::string& estimator_name) {
    constexpr double inf = INFINITY;
    Checker check(estimator_name);
    // In the order of sklearn's _parameter_constraints.
    check.choice("activation", p.activation, {"identity", "logistic", "tanh", "relu"});
    check.choice("solver", p.solver, {"lbfgs", "sgd", "adam"});
    check.real("alpha", p.alpha, 0, inf, true, false);
    if (p.batch_size) check.positive_int("batch_size", *p.batch_size, "a str among {'auto'} or ");
    check.choice("learning_rate", p.learning_rate, {"constant", "invscaling", "adaptive"});
    check.real("learning_rate_init", p.learning_rate_init, 0, inf, false, false);
    check.real("power_t", p.power_t, 0, inf, true, false);
    check.positive_int("max_iter", p.max_iter);
    check.real("tol", p.tol, 0, inf, true, false);
    check.real("momentum", p.momentum, 0, 1, true, true);
    check.real("validation_fraction", p.validation_fraction, 0, 1, true, false);
    check.real("beta_1", p.beta_1, 0, 1, true, false);
    check.real("beta_2", p.beta_2, 0, 1, true, false);
    check.real("epsilon", p.epsilon, 0, inf, false, false);
    check.positive_int("n_iter_no_change", p.n_iter_no_change, "", " or a float among {inf}");
    check.positive_int("max_fun", p.max_fun);
    // hidden_layer_sizes is "array-like" to the constraints; sklearn's _fit then checks its elements.
    for (std::size_t size : p.hidden_layer_sizes) {
        if (size == 0) {
            std::string sizes;
            for (std::size_t i = 0; i < p.hidden_layer_sizes.size(); ++i)
                sizes += (i ? ", " : "") + std::to_string(p.hidden_layer_sizes[i]);
            throw InvalidParameter("hidden_layer_sizes must be > 0, got [" + sizes + "].");
        }
    }
}

}  // namespace tapegrad::mlp
