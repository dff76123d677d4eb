#include "flags.hpp"

#include <cerrno>
#include <cmath>
#include <cstdlib>
#include <limits>

#include <fmt/format.h>

namespace tapegrad::cli {

namespace {

[[noreturn]] void bad_value(const std::string& flag, const std::string& text, const std::string& expected) {
    throw UsageError(fmt::format("--{}: '{}' is not {}", flag, text, expected));
}

std::string trim(const std::string& text) {
    const auto first = text.find_first_not_of(" \t");
    if (first == std::string::npos) return "";
    return text.substr(first, text.find_last_not_of(" \t") - first + 1);
}

std::string show_float(double value) { return mlp::python_repr(value); }
std::string show_bool(bool value) { return value ? "true" : "false"; }

std::string show_sizes(const std::vector<std::size_t>& sizes) {
    std::string text;
    for (std::size_t i = 0; i < sizes.size(); ++i) text += (i ? "," : "") + std::to_string(sizes[i]);
    return text;
}

std::vector<std::size_t> parse_sizes(const std::string& flag, const std::string& text) {
    std::vector<std::size_t> sizes;
    if (trim(text).empty()) return sizes;  // "" = no hidden layer
    std::size_t start = 0;
    while (true) {
        const std::size_t comma = text.find(',', start);
        const std::string item = trim(text.substr(start, comma == std::string::npos ? std::string::npos : comma - start));
        if (item.empty()) bad_value(flag, text, "a comma-separated list of layer sizes, e.g. 100,50");
        sizes.push_back(parse_count(flag, item));
        if (comma == std::string::npos) break;
        start = comma + 1;
    }
    return sizes;
}

// One row of the table: a float, a count, a bool or a choice member of MLPParams.
ParamFlag float_flag(const char* name, const char* help, double mlp::MLPParams::*member) {
    return {name, "FLOAT", help, false, [member](const mlp::MLPParams& p) { return show_float(p.*member); },
            [member, name](mlp::MLPParams& p, const std::string& text) { p.*member = parse_float(name, text); }};
}
ParamFlag count_flag(const char* name, const char* help, std::size_t mlp::MLPParams::*member) {
    return {name, "N", help, false, [member](const mlp::MLPParams& p) { return std::to_string(p.*member); },
            [member, name](mlp::MLPParams& p, const std::string& text) { p.*member = parse_count(name, text); }};
}
ParamFlag bool_flag(const char* name, const char* help, bool mlp::MLPParams::*member) {
    return {name, "true|false", help, true, [member](const mlp::MLPParams& p) { return show_bool(p.*member); },
            [member, name](mlp::MLPParams& p, const std::string& text) { p.*member = parse_bool(name, text); }};
}
ParamFlag choice_flag(const char* name, const char* hint, const char* help, std::string mlp::MLPParams::*member) {
    // The choice itself is checked by mlp::validate, with sklearn's message.
    return {name, hint, help, false, [member](const mlp::MLPParams& p) { return p.*member; },
            [member](mlp::MLPParams& p, const std::string& text) { p.*member = text; }};
}

std::vector<ParamFlag> make_param_flags() {
    using P = mlp::MLPParams;
    return {
        {"hidden-layer-sizes", "N,N,...", "sizes of the hidden layers, comma-separated (\"\" = none)", false,
         [](const P& p) { return show_sizes(p.hidden_layer_sizes); },
         [](P& p, const std::string& text) { p.hidden_layer_sizes = parse_sizes("hidden-layer-sizes", text); }},
        choice_flag("activation", "identity|logistic|tanh|relu", "hidden layers' activation", &P::activation),
        choice_flag("solver", "lbfgs|sgd|adam", "weight optimizer", &P::solver),
        float_flag("alpha", "strength of the L2 penalty", &P::alpha),
        {"batch-size", "auto|N", "minibatch size (sgd, adam); auto = min(200, n_samples)", false,
         [](const P& p) { return p.batch_size ? std::to_string(*p.batch_size) : std::string("auto"); },
         [](P& p, const std::string& text) {
             if (text == "auto") p.batch_size.reset();
             else p.batch_size = parse_count("batch-size", text);
         }},
        choice_flag("learning-rate", "constant|invscaling|adaptive", "learning-rate schedule (sgd)", &P::learning_rate),
        float_flag("learning-rate-init", "initial learning rate (sgd, adam)", &P::learning_rate_init),
        float_flag("power-t", "exponent of the invscaling schedule (sgd)", &P::power_t),
        count_flag("max-iter", "epochs (sgd, adam) or iterations (lbfgs)", &P::max_iter),
        bool_flag("shuffle", "shuffle the samples every epoch (sgd, adam)", &P::shuffle),
        {"random-state", "N|none", "seed of the weight init, shuffling and split; none = random", false,
         [](const P& p) { return p.random_state ? std::to_string(*p.random_state) : std::string("none"); },
         [](P& p, const std::string& text) {
             if (text == "none") {
                 p.random_state.reset();
                 return;
             }
             const std::size_t seed = parse_count("random-state", text);
             if (seed > std::numeric_limits<std::uint32_t>::max())
                 bad_value("random-state", text, "a seed in [0, 4294967295] or none");
             p.random_state = static_cast<std::uint32_t>(seed);
         }},
        float_flag("tol", "tolerance of the stopping rules", &P::tol),
        bool_flag("verbose", "print \"Iteration N, loss = X\" every epoch", &P::verbose),
        bool_flag("warm-start", "reuse a previous fit's solution (no effect on a fresh fit)", &P::warm_start),
        float_flag("momentum", "momentum of sgd", &P::momentum),
        bool_flag("nesterovs-momentum", "use Nesterov's momentum (sgd)", &P::nesterovs_momentum),
        bool_flag("early-stopping", "stop when the validation score stops improving (sgd, adam)", &P::early_stopping),
        float_flag("validation-fraction", "fraction of the samples held out for early stopping", &P::validation_fraction),
        float_flag("beta-1", "decay of Adam's first moment", &P::beta_1),
        float_flag("beta-2", "decay of Adam's second moment", &P::beta_2),
        float_flag("epsilon", "Adam's numerical-stability term", &P::epsilon),
        {"n-iter-no-change", "N|inf", "epochs without improvement > tol before stopping", false,
         [](const P& p) { return p.n_iter_no_change == mlp::kNeverStop ? std::string("inf") : std::to_string(p.n_iter_no_change); },
         [](P& p, const std::string& text) {
             p.n_iter_no_change = text == "inf" ? mlp::kNeverStop : parse_count("n-iter-no-change", text);
         }},
        count_flag("max-fun", "maximum loss evaluations (lbfgs)", &P::max_fun),
    };
}

}  // namespace

const std::vector<ParamFlag>& param_flags() {
    static const std::vector<ParamFlag> flags = make_param_flags();
    return flags;
}

double parse_float(const std::string& flag, const std::string& text) {
    const std::string t = trim(text);
    if (t.empty()) bad_value(flag, text, "a number");
    errno = 0;
    char* end = nullptr;
    const double value = std::strtod(t.c_str(), &end);
    if (end != t.c_str() + t.size()) bad_value(flag, text, "a number");
    if (!std::isfinite(value) || errno == ERANGE) bad_value(flag, text, "a finite number");
    return value;
}

std::size_t parse_count(const std::string& flag, const std::string& text) {
    const std::string t = trim(text);
    if (t.empty() || t.find_first_not_of("0123456789") != std::string::npos)
        bad_value(flag, text, "a non-negative integer");
    std::size_t value = 0;
    for (char digit : t) {
        const auto d = static_cast<std::size_t>(digit - '0');
        if (value > (std::numeric_limits<std::size_t>::max() - d) / 10) bad_value(flag, text, "an integer in range");
        value = value * 10 + d;
    }
    return value;
}

bool parse_bool(const std::string& flag, const std::string& text) {
    if (text.empty() || text == "true") return true;
    if (text == "false") return false;
    bad_value(flag, text, "true or false");
}

}  // namespace tapegrad::cli
