#pragma once
/// scikit-learn 1.2's `MLPClassifier` and `MLPRegressor`, trained through the tape.
///
///     tapegrad::mlp::MLPParams params;
///     params.hidden_layer_sizes = {50};
///     params.random_state = 0;
///     tapegrad::mlp::MLPClassifier<double> clf(params);
///     clf.fit(X, tapegrad::mlp::Labels(std::vector<std::string>{"a", "b", ...}));
///     tapegrad::mlp::Labels predicted = clf.predict(X_test);
///
/// With random_state=k the initial weights, the shuffles and the early-stopping split are
/// sklearn's own (numpy's RandomState stream). The targets become the network's outputs as
/// sklearn's LabelBinarizer makes them:
///
/// | task        | targets                        | outputs | output / loss              |
/// |-------------|--------------------------------|---------|----------------------------|
/// | binary      | 2 classes                      | 1       | logistic / binary_log_loss |
/// | multiclass  | k > 2 classes                  | k       | softmax / log_loss         |
/// | multilabel  | Y (n, k) of 0/1                | k       | logistic / binary_log_loss |
/// | regression  | y (n,) or (n, k)               | 1 or k  | identity / squared_loss    |
///
/// Differences from sklearn 1.2, on purpose: a single class is an error (sklearn fits a
/// constant); partial_fit with lbfgs is an error for the regressor too; best weights are kept
/// when no validation score ever improved (sklearn fails); a non-finite loss or weights stop the
/// training with a DivergenceError, keeping the last finite epoch's weights (sklearn trains on
/// with NaN). Fitted state: fitted_state() / restore() (estimator.hpp).

#include <optional>

#include "estimator.hpp"
#include "labels.hpp"

namespace tapegrad::mlp {

template <class T>
class MLPClassifier : public MLPEstimator<T> {
public:
    explicit MLPClassifier(MLPParams params = {});

    /// Binary or multiclass: y one label per row of X (n, n_features).
    MLPClassifier& fit(const Array<T>& X, const Labels& y);
    /// Multilabel: Y (n, k) of 0/1, k >= 2; classes_ are 0 .. k-1.
    MLPClassifier& fit(const Array<T>& X, const Array<T>& Y);
    /// One epoch over (X, y); the first call needs `classes` (every label partial_fit will see),
    /// later calls may pass the same classes or none. Not for lbfgs.
    MLPClassifier& partial_fit(const Array<T>& X, const Labels& y, const std::optional<Labels>& classes = std::nullopt);
    /// One epoch of multilabel training (added): Y (n, k) of 0/1.
    MLPClassifier& partial_fit(const Array<T>& X, const Array<T>& Y);

    Labels predict(const Array<T>& X) const;                ///< binary / multiclass
    Array<T> predict_indicator(const Array<T>& X) const;    ///< multilabel: (p > 0.5), (n, k)
    /// (n, n_classes); binary [1 - p, p]; multilabel (n, k) of independent probabilities.
    Array<T> predict_proba(const Array<T>& X) const;
    Array<T> predict_log_proba(const Array<T>& X) const;
    double score(const Array<T>& X, const Labels& y) const;    ///< accuracy
    double score(const Array<T>& X, const Array<T>& Y) const;  ///< multilabel subset accuracy (added)

    const Labels& classes_() const;
    bool is_multilabel() const { return multilabel_; }

    using MLPEstimator<T>::compute_loss_and_gradients;
    /// The same with the targets as labels (binarized as at fit).
    T compute_loss_and_gradients(const Array<T>& X, const Labels& y);

protected:
    void check_restored_targets(const FittedState<T>& state) const override;
    void adopt_restored_targets(const FittedState<T>& state) override;
    void describe_targets(FittedState<T>& state) const override;

private:
    /// Labels -> network targets, checked against classes; or Error naming the unseen labels.
    Array<T> targets(const Labels& y, const Labels& classes, const char* method) const;
    ValidationScore<T> accuracy_of_outputs() const;
    /// fit_network(...) through `train`, then classes_ and multilabel take the given values;
    /// also when training diverged after an epoch had finished (the estimator is fitted then).
    template <class Train>
    void train_then_adopt(Train&& train, Labels classes, bool multilabel);

    Labels classes_value_;
    bool multilabel_ = false;
};

template <class T>
class MLPRegressor : public MLPEstimator<T> {
public:
    explicit MLPRegressor(MLPParams params = {});
    /// y (n,) or (n, k); (n, 1) counts as (n,).
    MLPRegressor& fit(const Array<T>& X, const Array<T>& y);
    /// One epoch over (X, y). Not for lbfgs.
    MLPRegressor& partial_fit(const Array<T>& X, const Array<T>& y);
    /// (n,) for one output, else (n, k).
    Array<T> predict(const Array<T>& X) const;
    /// R^2, uniform average over the outputs.
    double score(const Array<T>& X, const Array<T>& y) const;

protected:
    void check_restored_targets(const FittedState<T>& state) const override;
    void adopt_restored_targets(const FittedState<T>&) override {}
    void describe_targets(FittedState<T>&) const override {}

private:
    /// y as (n, k) after checking it against X.
    Array<T> targets(const Array<T>& X, const Array<T>& y) const;
    MLPRegressor& fit_impl(const Array<T>& X, const Array<T>& y, bool incremental);
};

extern template class MLPClassifier<float>;
extern template class MLPClassifier<double>;
extern template class MLPRegressor<float>;
extern template class MLPRegressor<double>;

}  // namespace tapegrad::mlp
