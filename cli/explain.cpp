#include "explain.hpp"

#include <algorithm>
#include <cmath>
#include <limits>
#include <numeric>
#include <random>

#include <fmt/format.h>

#include <tapegrad/autograd/ops/linalg.hpp>
#include <tapegrad/autograd/tape.hpp>
#include <tapegrad/mlp/data.hpp>
#include <tapegrad/mlp/network.hpp>
#include <tapegrad/mlp/split.hpp>
#include <tapegrad/mlp/train_loop.hpp>
#include <tapegrad/nn/activation.hpp>
#include <tapegrad/nn/loss.hpp>

namespace tapegrad::cli {

namespace {

using mlp::OutputActivation;

/// The network's targets and what they mean, built as the estimators build them.
template <class T>
struct Targets {
    std::string estimator;
    Array<T> Y;  ///< (n, n_outputs)
    OutputActivation output;
    std::string reason;
    std::vector<std::size_t> strata;  ///< class codes for the early-stopping split (binary only)
};

const char* loss_name(OutputActivation output) {
    switch (output) {
        case OutputActivation::identity: return "squared_loss";
        case OutputActivation::logistic: return "binary_log_loss";
        case OutputActivation::softmax: return "log_loss";
    }
    return "?";
}

template <class T>
Array<T> take_rows(const Array<T>& source, const std::vector<std::size_t>& rows) {
    const std::size_t width = source.shape()[1];
    Array<T> out = Array<T>::from_shape(Shape{rows.size(), width});
    for (std::size_t i = 0; i < rows.size(); ++i)
        std::copy(source.data() + rows[i] * width, source.data() + (rows[i] + 1) * width, out.data() + i * width);
    return out;
}

/// The rows of the first minibatch, drawn from `rng` as fit_stochastic draws them (after the
/// init): the early-stopping split, then the first epoch's shuffle.
std::vector<std::size_t> first_batch(const mlp::MLPParams& params, std::size_t n, const std::vector<std::size_t>* strata,
                                     nn::Random& rng, std::string& note) {
    std::vector<std::size_t> train(n);
    std::iota(train.begin(), train.end(), std::size_t(0));
    if (params.solver == "lbfgs") {
        note = "lbfgs: every row, one batch";
        return train;
    }
    if (params.early_stopping) {
        mlp::check_train_validation_split(n, params.validation_fraction, strata);
        train = mlp::train_validation_split(n, params.validation_fraction, rng, strata).train;
        note = fmt::format("early_stopping: {} rows for training, {} held out for validation; ", train.size(),
                           n - train.size());
    }
    const std::size_t n_train = train.size();
    std::size_t batch_size = std::min<std::size_t>(200, n_train);
    if (params.batch_size) batch_size = std::clamp<std::size_t>(*params.batch_size, 1, n_train);
    note += params.batch_size ? fmt::format("batch_size {}", batch_size)
                              : fmt::format("batch_size auto = min(200, {}) = {}", n_train, batch_size);
    std::vector<std::size_t> order(n_train);
    std::iota(order.begin(), order.end(), std::size_t(0));
    if (params.shuffle) {
        rng.shuffle(order.begin(), order.end());
        note += "; the rows of epoch 1 after its shuffle";
    } else {
        note += "; the first rows (shuffle=false)";
    }
    std::vector<std::size_t> rows(batch_size);
    for (std::size_t i = 0; i < batch_size; ++i) rows[i] = train[order[i]];
    return rows;
}

/// deltas[i] = rows * dL/dz[i+1], read from a tape of the same forward pass (the L2 term does not
/// reach z, so it is left out).
template <class T>
std::vector<Array<T>> tape_deltas(const std::vector<Array<T>>& coefs, const std::vector<Array<T>>& intercepts,
                                  nn::Activation hidden, OutputActivation output, const Array<T>& X, const Array<T>& Y) {
    Tape<T> tape;
    Var<T> a = tape.constant(X);
    std::vector<Var<T>> z;
    for (std::size_t i = 0; i < coefs.size(); ++i) {
        z.push_back(linear(a, tape.variable(coefs[i]), tape.variable(intercepts[i])));
        a = i + 1 < coefs.size() ? nn::activate(hidden, z.back()) : z.back();
    }
    const Var<T> y = tape.constant(Y);
    Var<T> loss = output == OutputActivation::identity   ? nn::squared_loss(a, y)
                  : output == OutputActivation::logistic ? nn::binary_log_loss(a, y)
                                                         : nn::log_loss(a, y);
    tape.backward(loss);
    std::vector<Array<T>> deltas;
    for (const Var<T>& zi : z) deltas.push_back(zi.grad() * static_cast<T>(X.shape()[0]));
    return deltas;
}

template <class T>
StepTrace<T> trace(const mlp::MLPParams& given, const Array<T>& X, const Targets<T>& targets,
                   const std::optional<InitialWeights<T>>& initial) {
    mlp::validate(given, targets.estimator);
    mlp::check_X(X, targets.estimator);
    StepTrace<T> t;
    t.estimator = targets.estimator;
    t.params = given;
    if (!t.params.random_state) t.params.random_state = std::random_device{}();
    const mlp::MLPParams& params = t.params;

    t.layer_units = {X.shape()[1]};
    t.layer_units.insert(t.layer_units.end(), params.hidden_layer_sizes.begin(), params.hidden_layer_sizes.end());
    t.layer_units.push_back(targets.Y.shape()[1]);
    t.output_activation = mlp::to_string(targets.output);
    t.output_reason = targets.reason;
    t.loss_name = loss_name(targets.output);
    t.solver = params.solver;
    t.n_samples = X.shape()[0];

    // As MLPEstimator::fit_network: the init, then fit_stochastic's draws, from one stream.
    const nn::Activation hidden = nn::parse_activation(params.activation);
    mlp::Network<T> network(t.layer_units, hidden, targets.output);
    nn::Random rng(*params.random_state);
    if (initial) network.set_weights(initial->coefs, initial->intercepts);
    else network.initialize(rng);
    t.batch_rows = first_batch(params, t.n_samples, targets.strata.empty() ? nullptr : &targets.strata, rng, t.batch_note);
    const Array<T> X_batch = take_rows(X, t.batch_rows);
    const Array<T> Y_batch = take_rows(targets.Y, t.batch_rows);

    t.coefs_before = network.coefs();
    t.intercepts_before = network.intercepts();
    t.loss = network.loss_and_gradients(X_batch, Y_batch, params.alpha);
    t.activations = network.activations();
    t.coef_grads = network.coef_grads();
    t.intercept_grads = network.intercept_grads();
    double squares = 0;
    for (const auto& coef : t.coefs_before)
        for (T w : coef) squares += static_cast<double>(w) * static_cast<double>(w);
    t.l2_term = 0.5 * params.alpha * squares / static_cast<double>(t.batch_rows.size());
    t.deltas = tape_deltas(t.coefs_before, t.intercepts_before, hidden, targets.output, X_batch, Y_batch);

    mlp::ExplicitMLP<T> model{t.coefs_before, t.intercepts_before, params.activation, t.output_activation, t.loss_name,
                              params.alpha};
    t.formulas = mlp::explicit_backprop(model, X_batch, Y_batch);

    if (params.solver != "lbfgs") {
        mlp::StochasticOptimizer<T> optimizer(params, network.parameters());
        optimizer.step();
        if (const auto* adam = optimizer.adam()) {
            t.learning_rate = adam->learning_rate();
            t.adam_t = adam->t();
            t.first_moments = adam->first_moments();
            t.second_moments = adam->second_moments();
        } else if (const auto* sgd = optimizer.sgd()) {
            t.learning_rate = sgd->learning_rate();
            t.velocities = sgd->velocities();
        }
        t.coefs_after = network.coefs();
        t.intercepts_after = network.intercepts();
    }
    return t;
}

// ---- printing ---------------------------------------------------------------------------------

std::string number(double v) { return fmt::format("{:.4g}", v); }

template <class T>
std::string entries(const Array<T>& a, std::size_t shown) {
    std::string text = "[";
    const std::size_t n = a.size() <= shown + 2 ? a.size() : shown;
    for (std::size_t i = 0; i < n; ++i) text += fmt::format("{}{:>10.4g}", i ? " " : "", static_cast<double>(a.data()[i]));
    if (n < a.size()) text += " ...";
    return text + "]";
}

template <class T>
std::string summary(const Array<T>& a) {
    if (a.size() == 0) return "";
    double lo = std::numeric_limits<double>::infinity(), hi = -lo, sum = 0;
    for (T v : a) {
        lo = std::min(lo, static_cast<double>(v));
        hi = std::max(hi, static_cast<double>(v));
        sum += static_cast<double>(v);
    }
    return fmt::format("min {} max {} mean {}", number(lo), number(hi), number(sum / static_cast<double>(a.size())));
}

template <class T>
double max_abs_diff(const Array<T>& a, const Array<T>& b) {
    if (a.shape() != b.shape()) return std::numeric_limits<double>::quiet_NaN();
    double d = 0;
    for (std::size_t i = 0; i < a.size(); ++i)
        d = std::max(d, std::abs(static_cast<double>(a.data()[i]) - static_cast<double>(b.data()[i])));
    return d;
}

/// One array of the tape, with the formula's value under it when given.
template <class T>
void array_lines(std::ostream& out, const std::string& label, const Array<T>& tape, const Array<T>* formula,
                 const TraceFormat& format) {
    out << fmt::format("  {:<22}{:<11}{:<8}{}  {}\n", label, shape_str(tape.shape()), formula ? "tape" : "",
                       entries(tape, format.entries), summary(tape));
    if (formula)
        out << fmt::format("  {:<22}{:<11}formula {}  max |tape - formula| {:.2e}\n", "", "",
                           entries(*formula, format.entries), max_abs_diff(tape, *formula));
}

std::string sizes_tuple(const std::vector<std::size_t>& sizes) {
    std::string text = "(";
    for (std::size_t i = 0; i < sizes.size(); ++i) text += (i ? ", " : "") + std::to_string(sizes[i]);
    return text + (sizes.size() == 1 ? ",)" : ")");
}

std::string units_list(const std::vector<std::size_t>& units) {
    std::string text = "[";
    for (std::size_t i = 0; i < units.size(); ++i) text += (i ? ", " : "") + std::to_string(units[i]);
    return text + "]";
}

std::string derivative(const std::string& activation) {
    if (activation == "relu") return "relu'(a) = (a > 0)";
    if (activation == "tanh") return "tanh'(a) = 1 - a^2";
    if (activation == "logistic") return "logistic'(a) = a (1 - a)";
    return "identity' = 1";
}

}  // namespace

template <class T>
double max_difference(const std::vector<Array<T>>& a, const std::vector<Array<T>>& b) {
    if (a.size() != b.size()) return std::numeric_limits<double>::quiet_NaN();
    double d = 0;
    for (std::size_t i = 0; i < a.size(); ++i) {
        const double di = max_abs_diff(a[i], b[i]);
        if (std::isnan(di)) return di;
        d = std::max(d, di);
    }
    return d;
}

template <class T>
StepTrace<T> trace_first_step(const mlp::MLPParams& params, const Array<T>& X, const mlp::Labels& y,
                              const OptionalWeights<T>& initial) {
    Targets<T> targets;
    targets.estimator = "MLPClassifier";
    if (X.dimension() == 2) mlp::check_consistent_length(X.shape()[0], y.size(), targets.estimator);
    const mlp::Labels classes = mlp::unique_labels(y);
    if (classes.size() < 2)
        throw Error(fmt::format("MLPClassifier: the targets have {} class(es) {}; at least 2 are needed", classes.size(),
                                mlp::labels_str(classes)));
    const std::vector<std::size_t> codes = mlp::encode_labels(y, classes, targets.estimator);
    targets.Y = mlp::binarize<T>(codes, classes.size());
    if (classes.size() == 2) {
        targets.output = OutputActivation::logistic;
        targets.reason = fmt::format("binary: 2 classes {} -> ONE logistic unit, p = P(y = {})", mlp::labels_str(classes),
                                     classes.to_string(1));
        targets.strata = codes;
    } else {
        targets.output = OutputActivation::softmax;
        targets.reason = fmt::format("multiclass: {} classes {} -> {} softmax units, one probability per class",
                                     classes.size(), mlp::labels_str(classes), classes.size());
    }
    return trace(params, X, targets, initial);
}

template <class T>
StepTrace<T> trace_first_step(const mlp::MLPParams& params, const Array<T>& X, const Array<T>& Y, TargetKind kind,
                              const OptionalWeights<T>& initial) {
    Targets<T> targets;
    targets.Y = Y;
    if (kind == TargetKind::regression) {
        targets.estimator = "MLPRegressor";
        if (Y.dimension() == 1) targets.Y.reshape({Y.shape()[0], std::size_t(1)});
        mlp::check_y_values(targets.Y, targets.estimator);
        targets.output = OutputActivation::identity;
        targets.reason = fmt::format("regression: {} output(s), identity: the outputs are the predictions",
                                     targets.Y.shape()[1]);
    } else {
        targets.estimator = "MLPClassifier";
        if (Y.dimension() != 2 || Y.shape()[1] < 2)
            throw Error("MLPClassifier: multilabel targets must be (n_samples, k) with k >= 2, not " + shape_str(Y.shape()));
        targets.output = OutputActivation::logistic;
        targets.reason = fmt::format("multilabel: {} independent 0/1 labels -> {} logistic units", Y.shape()[1], Y.shape()[1]);
    }
    if (X.dimension() == 2) mlp::check_consistent_length(X.shape()[0], targets.Y.shape()[0], targets.estimator);
    return trace(params, X, targets, initial);
}

template <class T>
void print_trace(std::ostream& out, const StepTrace<T>& t, const TraceFormat& format) {
    const mlp::MLPParams& p = t.params;
    const std::size_t L = t.coefs_before.size();
    const std::string hidden = p.activation;

    out << "== The network ==\n";
    out << fmt::format("  {}(hidden_layer_sizes={}, activation='{}', solver='{}', alpha={}, random_state={})\n",
                       t.estimator, sizes_tuple(p.hidden_layer_sizes), hidden, p.solver, mlp::python_repr(p.alpha),
                       *p.random_state);
    out << fmt::format("  {:<22}{}\n", "layer_units", units_list(t.layer_units));
    for (std::size_t i = 0; i < L; ++i)
        out << fmt::format("  {:<22}{:<11}intercepts_[{}]  {}\n", fmt::format("coefs_[{}]", i),
                           shape_str(t.coefs_before[i].shape()), i, shape_str(t.intercepts_before[i].shape()));
    out << fmt::format("  {:<22}{}: {}\n", "output activation", t.output_activation, t.output_reason);
    out << fmt::format("  {:<22}{}\n", "loss", t.loss_name);

    out << fmt::format("\n== One training step: {} of {} rows ({}) ==\n", t.batch_rows.size(), t.n_samples, t.batch_note);
    out << "Forward: a[i+1] = f(a[i] @ coefs_[i] + intercepts_[i]), f = " << hidden << " for hidden layers, "
        << t.output_activation << " for the output\n";
    for (std::size_t i = 0; i <= L; ++i) {
        const std::string f = i == 0 ? "X (the batch)" : i == L ? t.output_activation : hidden;
        array_lines(out, fmt::format("a[{}] {}", i, f), t.activations[i], i == 0 ? nullptr : &t.formulas.activations[i],
                    format);
    }
    out << "Loss\n";
    const double data_loss = static_cast<double>(t.loss) - t.l2_term;
    out << fmt::format("  {:<40}{:.17g}\n", t.loss_name + " of a[" + std::to_string(L) + "] and y", data_loss);
    out << fmt::format("  {:<40}{:.17g}\n", "+ L2 0.5 * alpha * sum(coefs^2) / rows", t.l2_term);
    out << fmt::format("  {:<40}{:.17g}   formula {:.17g}   |diff| {:.2e}\n", "= loss (tape)", static_cast<double>(t.loss),
                       static_cast<double>(t.formulas.loss),
                       std::abs(static_cast<double>(t.loss) - static_cast<double>(t.formulas.loss)));

    out << "Backward (deltas = rows * dL/dz)\n";
    out << fmt::format("  deltas[{}] = a[{}] - y;  deltas[i-1] = (deltas[i] @ coefs_[i]^T) * {}\n", L - 1, L,
                       derivative(hidden));
    out << "  coef_grads[i] = (a[i]^T @ deltas[i] + alpha * coefs_[i]) / rows;  intercept_grads[i] = mean of deltas[i]\n";
    for (std::size_t i = L; i-- > 0;) array_lines(out, fmt::format("deltas[{}]", i), t.deltas[i], &t.formulas.deltas[i], format);
    for (std::size_t i = L; i-- > 0;)
        array_lines(out, fmt::format("coef_grads[{}]", i), t.coef_grads[i], &t.formulas.coef_grads[i], format);
    for (std::size_t i = L; i-- > 0;)
        array_lines(out, fmt::format("intercept_grads[{}]", i), t.intercept_grads[i], &t.formulas.intercept_grads[i], format);
    out << fmt::format("  max |tape - formula| over every gradient: {:.2e}\n",
                       std::max({max_difference(t.deltas, t.formulas.deltas), max_difference(t.coef_grads, t.formulas.coef_grads),
                                 max_difference(t.intercept_grads, t.formulas.intercept_grads)}));

    auto name_of = [L](std::size_t k) {
        return k < L ? fmt::format("coefs_[{}]", k) : fmt::format("intercepts_[{}]", k - L);
    };
    auto before = [&](std::size_t k) -> const Array<T>& { return k < L ? t.coefs_before[k] : t.intercepts_before[k - L]; };
    auto after = [&](std::size_t k) -> const Array<T>& { return k < L ? t.coefs_after[k] : t.intercepts_after[k - L]; };
    if (t.solver == "adam") {
        out << fmt::format("\n== Update: adam, step t = {} ==\n", t.adam_t);
        out << "  m = beta_1 m + (1 - beta_1) g;  v = beta_2 v + (1 - beta_2) g^2;  update = -lr_t m / (sqrt(v) + epsilon)\n";
        out << fmt::format("  lr_t = learning_rate_init * sqrt(1 - beta_2^t) / (1 - beta_1^t) = {} * sqrt(1 - {}^{}) / (1 - {}^{}) = {:.10g}\n",
                           mlp::python_repr(p.learning_rate_init), mlp::python_repr(p.beta_2), t.adam_t,
                           mlp::python_repr(p.beta_1), t.adam_t, t.learning_rate);
        for (std::size_t k = 0; k < 2 * L; ++k) {
            array_lines<T>(out, "m " + name_of(k), t.first_moments[k], nullptr, format);
            array_lines<T>(out, "v " + name_of(k), t.second_moments[k], nullptr, format);
            array_lines<T>(out, "update " + name_of(k), Array<T>(after(k) - before(k)), nullptr, format);
        }
    } else if (t.solver == "sgd") {
        out << fmt::format("\n== Update: sgd, learning rate {}, momentum {}{} ==\n", number(t.learning_rate),
                           mlp::python_repr(p.momentum), p.nesterovs_momentum ? ", Nesterov" : "");
        out << (p.nesterovs_momentum ? "  velocity = momentum velocity - lr g;  update = momentum velocity - lr g\n"
                                     : "  velocity = momentum velocity - lr g;  update = velocity\n");
        for (std::size_t k = 0; k < 2 * L; ++k) {
            array_lines<T>(out, "velocity " + name_of(k), t.velocities[k], nullptr, format);
            array_lines<T>(out, "update " + name_of(k), Array<T>(after(k) - before(k)), nullptr, format);
        }
    } else {
        out << "\n== Update: lbfgs ==\n  L-BFGS searches along -gradient first (a line search on the whole data set), "
               "then along directions built from the last 10 gradient changes.\n";
    }
}

#define TAPEGRAD_INSTANTIATE(T)                                                                                       \
    template StepTrace<T> trace_first_step(const mlp::MLPParams&, const Array<T>&, const mlp::Labels&,              \
                                           const OptionalWeights<T>&);                                               \
    template StepTrace<T> trace_first_step(const mlp::MLPParams&, const Array<T>&, const Array<T>&, TargetKind,     \
                                           const OptionalWeights<T>&);                                               \
    template void print_trace(std::ostream&, const StepTrace<T>&, const TraceFormat&);                              \
    template double max_difference(const std::vector<Array<T>>&, const std::vector<Array<T>>&);
TAPEGRAD_INSTANTIATE(float)
TAPEGRAD_INSTANTIATE(double)
#undef TAPEGRAD_INSTANTIATE

}  // namespace tapegrad::cli
