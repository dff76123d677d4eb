#include "estimator_state.hpp"

#include <optional>
#include <type_traits>

#include <fmt/format.h>

namespace tapegrad::cli {

template <class T>
std::string dtype_name() {
    return std::is_same_v<T, float> ? "float32" : "float64";
}

namespace {

template <class T>
std::vector<double> to_doubles(const std::vector<T>& values) {
    return std::vector<double>(values.begin(), values.end());
}

template <class T>
std::vector<Array<double>> to_double_arrays(const std::vector<Array<T>>& arrays) {
    std::vector<Array<double>> out;
    for (const auto& a : arrays) out.push_back(xt::cast<double>(a));
    return out;
}

template <class T>
std::vector<Array<T>> from_double_arrays(const std::vector<Array<double>>& arrays) {
    std::vector<Array<T>> out;
    for (const auto& a : arrays) out.push_back(xt::cast<T>(a));
    return out;
}

/// The fields every estimator has.
template <class T>
ModelFile describe_common(const mlp::MLPEstimator<T>& e, const std::string& estimator,
                          const std::vector<std::string>& feature_names, const std::vector<std::string>& target_names) {
    ModelFile m;
    m.estimator = estimator;
    m.dtype = dtype_name<T>();
    m.params = e.params();
    m.n_features_in = e.n_features_in_();
    m.n_outputs = e.n_outputs_();
    m.out_activation = e.out_activation_();
    m.feature_names = feature_names;
    m.target_names = target_names;
    m.coefs = to_double_arrays(e.coefs_());
    m.intercepts = to_double_arrays(e.intercepts_());
    m.loss = static_cast<double>(e.loss_());
    if (auto best = e.best_loss_()) m.best_loss = static_cast<double>(*best);
    m.loss_curve = to_doubles(e.loss_curve_());
    m.lbfgs_losses = to_doubles(e.lbfgs_losses_());
    m.validation_scores = e.validation_scores_();
    m.best_validation_score = e.best_validation_score_();
    m.n_iter = e.n_iter_();
    m.t = e.t_();
    m.stop_reason = mlp::to_string(e.stop_reason_());
    m.warnings = e.warnings_();
    return m;
}

/// The FittedState a model file holds (classes and multilabel are filled by the classifier).
template <class T>
mlp::FittedState<T> fitted_state_of(const ModelFile& model) {
    mlp::FittedState<T> s;
    s.coefs = from_double_arrays<T>(model.coefs);
    s.intercepts = from_double_arrays<T>(model.intercepts);
    s.n_features_in = model.n_features_in;
    s.n_outputs = model.n_outputs;
    if (model.out_activation == "identity") s.out_activation = mlp::OutputActivation::identity;
    else if (model.out_activation == "logistic") s.out_activation = mlp::OutputActivation::logistic;
    else if (model.out_activation == "softmax") s.out_activation = mlp::OutputActivation::softmax;
    else throw Error("unknown out_activation \"" + model.out_activation + "\"");
    s.loss = model.loss;
    s.best_loss = model.best_loss;
    s.loss_curve = std::vector<T>(model.loss_curve.begin(), model.loss_curve.end());
    s.lbfgs_losses = std::vector<T>(model.lbfgs_losses.begin(), model.lbfgs_losses.end());
    s.validation_scores = model.validation_scores;
    s.best_validation_score = model.best_validation_score;
    s.n_iter = model.n_iter;
    s.t = model.t;
    const std::optional<mlp::StopReason> reason = mlp::stop_reason_from_string(model.stop_reason);
    if (!reason) throw Error("unknown stop_reason \"" + model.stop_reason + "\"");
    s.stop_reason = *reason;
    s.warnings = model.warnings;
    return s;
}

template <class T>
void check_dtype(const ModelFile& model) {
    if (model.dtype != dtype_name<T>())
        throw Error(fmt::format("restoring a {} model as {}", model.dtype, dtype_name<T>()));
}

}  // namespace

template <class T>
ModelFile describe(const mlp::MLPClassifier<T>& e, const std::vector<std::string>& feature_names,
                   const std::vector<std::string>& target_names) {
    ModelFile m = describe_common(e, "MLPClassifier", feature_names, target_names);
    m.multilabel = e.is_multilabel();
    m.classes = e.classes_();
    return m;
}

template <class T>
ModelFile describe(const mlp::MLPRegressor<T>& e, const std::vector<std::string>& feature_names,
                   const std::vector<std::string>& target_names) {
    return describe_common(e, "MLPRegressor", feature_names, target_names);
}

template <class T>
mlp::MLPClassifier<T> restore_classifier(const ModelFile& model) {
    if (!model.is_classifier()) throw Error("the model is an " + model.estimator + ", not an MLPClassifier");
    check_dtype<T>(model);
    mlp::FittedState<T> state = fitted_state_of<T>(model);
    state.classes = model.classes;
    state.multilabel = model.multilabel;
    mlp::MLPClassifier<T> estimator(model.params);
    estimator.restore(state);
    return estimator;
}

template <class T>
mlp::MLPRegressor<T> restore_regressor(const ModelFile& model) {
    if (model.is_classifier()) throw Error("the model is an MLPClassifier, not an MLPRegressor");
    check_dtype<T>(model);
    mlp::MLPRegressor<T> estimator(model.params);
    estimator.restore(fitted_state_of<T>(model));
    return estimator;
}

#define TAPEGRAD_INSTANTIATE(T)                                                                                      \
    template std::string dtype_name<T>();                                                                            \
    template ModelFile describe(const mlp::MLPClassifier<T>&, const std::vector<std::string>&,                      \
                                const std::vector<std::string>&);                                                    \
    template ModelFile describe(const mlp::MLPRegressor<T>&, const std::vector<std::string>&,                       \
                                const std::vector<std::string>&);                                                    \
    template mlp::MLPClassifier<T> restore_classifier<T>(const ModelFile&);                                          \
    template mlp::MLPRegressor<T> restore_regressor<T>(const ModelFile&);
TAPEGRAD_INSTANTIATE(float)
TAPEGRAD_INSTANTIATE(double)
#undef TAPEGRAD_INSTANTIATE

}  // namespace tapegrad::cli
