#pragma once
/// Between fitted estimators and model files: `describe` takes everything a model file holds from
/// a fitted MLPClassifier / MLPRegressor; `restore_classifier` / `restore_regressor` rebuild an
/// estimator that predicts exactly as the saved one did (same weights bit for bit, same classes,
/// activations and dtype).
///
/// Restoring goes through the estimators' FittedState: the restored estimator has the saved
/// params, weights (bit for bit), classes, activations and dtype, and reports the saved
/// attributes (loss_, best_loss_, loss_curve_, lbfgs losses, validation record, n_iter_, t_,
/// stop_reason_, warnings_) exactly. Not in a model file: the no-improvement count of a warm
/// start (restored as 0) and the optimizer state (as sklearn, a warm-start fit makes it anew).

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
