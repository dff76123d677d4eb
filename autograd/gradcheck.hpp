#pragma once
/// Gradient checking by central differences, in double precision.
///
///     auto result = gradcheck([](Tape<double>& tape, const std::vector<Var<double>>& x) {
///         return sum(exp(x[0]) * x[1]);
///     }, {a, b});
///     if (!result.ok) std::cerr << result.message;
///
/// The analytical Jacobian comes from one backward per output element (seeded with a unit
/// vector), the numerical one from (f(x + eps e_i) - f(x - eps e_i)) / (2 eps) per input element.
/// Element (i, j) passes when |analytical - numerical| <= atol + rtol |numerical|.

#include <functional>
#include <string>
#include <vector>

#include "tape.hpp"

namespace tapegrad {

struct GradcheckOptions {
    double eps = 1e-6;
    double atol = 1e-5;
    double rtol = 1e-3;
};

struct GradcheckResult {
    bool ok = true;
    std::string message;        ///< the first failure: input, element, numerical and analytical value
    double max_abs_error = 0;   ///< over every Jacobian entry
    std::size_t checked = 0;    ///< Jacobian entries compared
};

/// The function under test: builds its output on `tape` from `inputs` (one Var per input array).
using GradcheckFunction = std::function<Var<double>(Tape<double>& tape, const std::vector<Var<double>>& inputs)>;

GradcheckResult gradcheck(const GradcheckFunction& f, const std::vector<Array<double>>& inputs,
                          const GradcheckOptions& options = {});

}  // namespace tapegrad
