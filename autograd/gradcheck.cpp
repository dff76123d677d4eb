#include "gradcheck.hpp"

#include <cmath>
#include <sstream>

namespace tapegrad {

namespace {

std::string index_str(const Shape& shape, std::size_t flat) {
    std::vector<std::size_t> index(shape.size());
    for (std::size_t k = shape.size(); k-- > 0;) {
        index[k] = flat % shape[k];
        flat /= shape[k];
    }
    std::string text = "[";
    for (std::size_t k = 0; k < index.size(); ++k) text += (k ? ", " : "") + std::to_string(index[k]);
    return text + "]";
}

/// f evaluated on fresh leaves holding `inputs`: its output value.
Array<double> evaluate(const GradcheckFunction& f, const std::vector<Array<double>>& inputs) {
    Tape<double> tape;
    std::vector<Var<double>> vars;
    for (const auto& x : inputs) vars.push_back(tape.variable(x));
    return f(tape, vars).value();
}

}  // namespace

GradcheckResult gradcheck(const GradcheckFunction& f, const std::vector<Array<double>>& inputs,
                          const GradcheckOptions& options) {
    GradcheckResult result;

    // Analytical Jacobian, one backward per output element: jacobian[i](input element, output element).
    Tape<double> tape;
    std::vector<Var<double>> vars;
    for (const auto& x : inputs) vars.push_back(tape.variable(x));
    Var<double> out = f(tape, vars);
    const Array<double> out_value = out.value();
    const std::size_t n_out = out_value.size();
    std::vector<std::vector<double>> jacobian(inputs.size());
    for (std::size_t i = 0; i < inputs.size(); ++i) jacobian[i].assign(inputs[i].size() * n_out, 0.0);
    Array<double> seed = xt::zeros<double>(out_value.shape());
    for (std::size_t j = 0; j < n_out && out.requires_grad(); ++j) {
        tape.zero_grad();
        std::fill(seed.begin(), seed.end(), 0.0);
        seed.data()[j] = 1.0;
        tape.backward(out, seed);
        for (std::size_t i = 0; i < inputs.size(); ++i) {
            const Array<double>& g = vars[i].grad();
            for (std::size_t e = 0; e < g.size(); ++e) jacobian[i][e * n_out + j] = g.data()[e];
        }
    }

    // Numerical Jacobian by central differences, compared entry by entry.
    std::vector<Array<double>> perturbed = inputs;
    for (std::size_t i = 0; i < inputs.size(); ++i) {
        for (std::size_t e = 0; e < inputs[i].size(); ++e) {
            const double x = inputs[i].data()[e];
            perturbed[i].data()[e] = x + options.eps;
            const Array<double> plus = evaluate(f, perturbed);
            perturbed[i].data()[e] = x - options.eps;
            const Array<double> minus = evaluate(f, perturbed);
            perturbed[i].data()[e] = x;
            for (std::size_t j = 0; j < n_out; ++j) {
                const double numerical = (plus.data()[j] - minus.data()[j]) / (2 * options.eps);
                const double analytical = jacobian[i][e * n_out + j];
                const double error = std::abs(analytical - numerical);
                ++result.checked;
                if (!(error <= result.max_abs_error)) result.max_abs_error = error;  // NaN propagates
                if (result.ok && !(error <= options.atol + options.rtol * std::abs(numerical))) {
                    std::ostringstream text;
                    text.precision(10);
                    text << "gradcheck: input " << i << " of shape " << shape_str(inputs[i].shape()) << ", element "
                         << index_str(inputs[i].shape(), e) << ", output element " << index_str(out_value.shape(), j)
                         << ": numerical " << numerical << ", analytical " << analytical << " (atol " << options.atol
                         << ", rtol " << options.rtol << ")";
                    result.ok = false;
                    result.message = text.str();
                }
            }
        }
    }
    return result;
}

}  // namespace tapegrad
