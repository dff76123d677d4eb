#include "estimator_state.hpp"

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
    return m;
}

/// Hyperparameters of the stand-in fit: the saved architecture, a few quiet adam epochs that end
/// by the no-improvement rule (tol huge) before max_iter, so no ConvergenceWarning is printed.
mlp::MLPParams stand_in_params(const ModelFile& model) {
    mlp::MLPParams p;
    p.hidden_layer_sizes = model.params.hidden_layer_sizes;
    p.activation = model.params.activation;
    p.solver = "adam";
    p.random_state = 0;
    p.max_iter = 10;
    p.tol = 1e300;
    p.n_iter_no_change = 1;
    return p;
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
    mlp::MLPClassifier<T> estimator(stand_in_params(model));
    const std::size_t n_classes = model.classes.size();
    Array<T> X = xt::zeros<T>({n_classes, model.n_features_in});
    if (model.multilabel) {
        estimator.fit(X, Array<T>(xt::eye<T>(n_classes)));  // classes_ are 0 .. k-1
    } else {
        estimator.fit(X, model.classes);  // one row per class: classes_ are the saved classes
    }
    estimator.params() = model.params;
    estimator.set_weights(from_double_arrays<T>(model.coefs), from_double_arrays<T>(model.intercepts));
    return estimator;
}

template <class T>
mlp::MLPRegressor<T> restore_regressor(const ModelFile& model) {
    if (model.is_classifier()) throw Error("the model is an MLPClassifier, not an MLPRegressor");
    check_dtype<T>(model);
    mlp::MLPRegressor<T> estimator(stand_in_params(model));
    Array<T> X = xt::zeros<T>({std::size_t(2), model.n_features_in});
    Array<T> y = model.n_outputs == 1 ? Array<T>(xt::zeros<T>({std::size_t(2)}))
                                      : Array<T>(xt::zeros<T>({std::size_t(2), model.n_outputs}));
    estimator.fit(X, y);
    estimator.params() = model.params;
    estimator.set_weights(from_double_arrays<T>(model.coefs), from_double_arrays<T>(model.intercepts));
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
