#pragma once
/// The command line's flags for the estimators' hyperparameters: one row a scikit-learn parameter,
/// the flag being its name with '_' turned into '-' (`learning_rate_init` -> `--learning-rate-init`).
///
/// Values are parsed here (syntax only: "is it a number?"); ranges and choices are checked by
/// `mlp::validate` with scikit-learn's wording, so the command line and the library say the same.

#include <functional>
#include <string>
#include <vector>

#include <tapegrad/mlp/params.hpp>

namespace tapegrad::cli {

/// A command-line value that does not parse: the message names the flag and the value.
class UsageError : public Error {
public:
    using Error::Error;
};

struct ParamFlag {
    const char* name;        ///< flag without dashes, e.g. "learning-rate-init"
    const char* value_hint;  ///< e.g. "FLOAT", "N,N,...", "auto|N", "true|false"
    const char* help;        ///< one line
    bool boolean;            ///< `--flag` alone means true
    /// The parameter's value as the flag would spell it ("0.001", "100,50", "auto", "true").
    std::function<std::string(const mlp::MLPParams&)> show;
    /// Parses `text` into the parameter; UsageError naming the flag and the text if it does not parse.
    std::function<void(mlp::MLPParams&, const std::string& text)> set;
};

/// Every MLPClassifier/MLPRegressor parameter, in scikit-learn's constructor order.
const std::vector<ParamFlag>& param_flags();

// The parsers behind the table, also used by the other flags.
double parse_float(const std::string& flag, const std::string& text);           ///< finite decimal
std::size_t parse_count(const std::string& flag, const std::string& text);      ///< 0, 1, 2, ...
bool parse_bool(const std::string& flag, const std::string& text);              ///< true | false ("" = true)

}  // namespace tapegrad::cli
