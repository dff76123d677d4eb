#pragma once
/// The model file: a fitted MLPClassifier or MLPRegressor saved as one self-describing JSON text.
///
/// Layout (format version 1):
///   {
///     "format": "tapegrad-mlp",
///     "version": 1,
///     "checksum": "fnv1a64:<16 hex digits>",
///     "model": {
///       "estimator": "MLPClassifier" | "MLPRegressor",
///       "dtype": "float64" | "float32",             the element type it was trained in
///       "params": { every MLPParams field, sklearn's name; batch_size "auto" or an integer,
///                   random_state null or an integer, n_iter_no_change "inf" or an integer },
///       "n_features_in": 2, "n_outputs": 1, "layer_units": [2, 100, 1],
///       "out_activation": "logistic" | "softmax" | "identity",
///       "multilabel": false,
///       "classes": {"type": "integer", "values": [0, 1]} | {"type": "string", ...} | null,
///       "feature_names": [...], "target_names": [...],   column names from CSV files, may be []
///       "coefs": [{"shape": [2, 100], "data": [row-major values]}, ...], "intercepts": [...],
///       "loss": ..., "best_loss": ... | null, "loss_curve": [...], "lbfgs_losses": [...],
///       "validation_scores": [...], "best_validation_score": ... | null,
///       "n_iter": ..., "t": ..., "stop_reason": "max_iter" | ...,
///       "warnings": [the last fit's warnings, as printed]     (optional: absent in older files)
///     }
///   }
/// Numbers are JSON numbers in the shortest text that reads back to the same double, so every
/// weight round-trips bit for bit (float32 weights are stored as the double of the same value).
/// Non-finite numbers (a diverged fit) are the strings "nan", "inf", "-inf".
///
/// The checksum is FNV-1a (64 bit) over the canonical text of "model": nlohmann-json's compact
/// dump, keys sorted. It is checked on load, after the format and version and before any field is
/// used; a truncated, edited or corrupted file is a ModelFileError, never a crash.
/// Files are written atomically (a temporary file renamed over the target).

#include <cstddef>
#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include <tapegrad/autograd/array.hpp>
#include <tapegrad/mlp/labels.hpp>
#include <tapegrad/mlp/params.hpp>

namespace tapegrad::cli {

inline constexpr const char* kModelFormat = "tapegrad-mlp";
inline constexpr int kModelFormatVersion = 1;

/// Any problem reading or writing a model file; the message starts with the file's path.
class ModelFileError : public Error {
public:
    using Error::Error;
};

/// Everything a model file holds: the estimator's configuration and its fitted state.
/// Weights are held as double whatever `dtype` is (a float converts to double and back exactly).
struct ModelFile {
    std::string estimator;                 ///< "MLPClassifier" | "MLPRegressor"
    std::string dtype = "float64";         ///< "float64" | "float32"
    mlp::MLPParams params;

    std::size_t n_features_in = 0;
    std::size_t n_outputs = 0;
    std::string out_activation;            ///< "logistic" | "softmax" | "identity"
    bool multilabel = false;               ///< classifier fitted on a 0/1 indicator matrix
    mlp::Labels classes;                   ///< classifier only (multilabel: 0..k-1)
    std::vector<std::string> feature_names;///< CSV column names of the features; empty for .npy
    std::vector<std::string> target_names; ///< CSV column names of the targets; may be empty

    std::vector<Array<double>> coefs;      ///< coefs[i] (layer_units[i], layer_units[i+1])
    std::vector<Array<double>> intercepts; ///< intercepts[i] (layer_units[i+1],)

    double loss = 0;
    std::optional<double> best_loss;
    std::vector<double> loss_curve;
    std::vector<double> lbfgs_losses;      ///< lbfgs: loss per iteration, ending with the final loss
    std::vector<double> validation_scores;
    std::optional<double> best_validation_score;
    std::size_t n_iter = 0;
    std::size_t t = 0;
    std::string stop_reason;               ///< mlp::to_string(StopReason)
    std::vector<std::string> warnings;     ///< the warnings of the last fit (optional in a file)

    /// [n_features_in, hidden..., n_outputs], from the coefs' shapes.
    std::vector<std::size_t> layer_units() const;
    bool is_classifier() const { return estimator == "MLPClassifier"; }
};

/// Checks that the parts fit together (shapes chain from n_features_in to n_outputs, classes match
/// the outputs, known estimator/dtype/activation, valid params). Throws ModelFileError starting
/// with `where` and naming the field.
void check_consistent(const ModelFile& model, const std::string& where);

/// The file's text (what save_model writes). Throws ModelFileError if a string is not UTF-8.
std::string model_file_text(const ModelFile& model);

/// Writes the model file atomically: `path` holds either its old content or the whole new file.
void save_model(const std::string& path, const ModelFile& model);

/// Reads, verifies (format, version, checksum, fields, consistency) and returns a model file.
ModelFile load_model(const std::string& path);

/// Same, from text already read; `path` is only used in messages.
ModelFile parse_model_file(const std::string& text, const std::string& path);

/// Throws ModelFileError naming `what` and the text if a string cannot be stored (not UTF-8).
/// `tapegrad fit --save` checks labels and column names with it before training.
void check_storable(const std::vector<std::string>& texts, const std::string& what);

/// FNV-1a, 64 bit: the model file's checksum function.
std::uint64_t fnv1a64(const std::string& bytes);

}  // namespace tapegrad::cli
