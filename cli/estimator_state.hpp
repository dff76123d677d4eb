#pragma once
/// Between fitted estimators and model files: `describe` takes everything a model file holds from
/// a fitted MLPClassifier / MLPRegressor; `restore_classifier` / `restore_regressor` rebuild an
/// estimator that predicts exactly as the saved one did (same weights bit for bit, same classes,
/// activations and dtype).
///
/// Restoring, until the estimators can take a whole fitted state (asked of mlp/): the estimator is
/// fitted for a few quiet epochs on a stand-in data set of the same shape (one row of zeros per
/// class) so that its architecture, classes_, n_features_in_ and output activation are the saved
/// model's, then `set_weights` puts the saved weights in. Predictions
/// depend only on those, so they are exactly the saved model's. The training record of the
/// restored estimator (loss_, loss_curve_, n_iter_, t_, stop_reason_) is the stand-in's: read the
/// saved record from the ModelFile.

#include <string>
#include <vector>

#include <tapegrad/mlp/mlp.hpp>

#include "model_file.hpp"

namespace tapegrad::cli {

template <class T>
ModelFile describe(const mlp::MLPClassifier<T>& estimator, const std::vector<std::string>& feature_names = {},
                   const std::vector<std::string>& target_names = {});
template <class T>
ModelFile describe(const mlp::MLPRegressor<T>& estimator, const std::vector<std::string>& feature_names = {},
                   const std::vector<std::string>& target_names = {});

/// Error if `model` is not a classifier, or if T is not its dtype.
template <class T>
mlp::MLPClassifier<T> restore_classifier(const ModelFile& model);
template <class T>
mlp::MLPRegressor<T> restore_regressor(const ModelFile& model);

/// "float32" or "float64".
template <class T>
std::string dtype_name();

}  // namespace tapegrad::cli
