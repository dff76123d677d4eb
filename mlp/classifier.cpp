#include <algorithm>
#include <cmath>

#include <fmt/format.h>

#include "data.hpp"
#include "mlp.hpp"

namespace tapegrad::mlp {

namespace {

void check_two_classes(const Labels& classes, const std::string& estimator) {
    if (classes.size() < 2)
        throw Error(estimator + ": y has a single class " + labels_str(classes) +
                    "; a classifier needs at least 2 classes");
}

/// Y (n, k) of 0/1 with k >= 2, one row per row of X.
template <class T>
void check_indicator(const Array<T>& Y, std::size_t n_samples, const std::string& estimator) {
    if (Y.dimension() != 2 || Y.shape()[1] < 2)
        throw Error(estimator + ": a multilabel Y must be (n_samples, n_labels) with n_labels >= 2, got shape " +
                    shape_str(Y.shape()) + "; pass a binary problem's targets as Labels");
    check_consistent_length(n_samples, Y.shape()[0], estimator);
    const std::size_t k = Y.shape()[1];
    for (std::size_t i = 0; i < Y.size(); ++i) {
        const T v = Y.data()[i];
        if (v != T(0) && v != T(1))
            throw Error(estimator + ": multilabel Y must hold only 0 and 1; found " + fmt::format("{}", v) +
                        " at row " + std::to_string(i / k) + ", column " + std::to_string(i % k) + ".");
    }
}

Labels label_range(std::size_t k) {
    std::vector<std::int64_t> labels(k);
    for (std::size_t i = 0; i < k; ++i) labels[i] = static_cast<std::int64_t>(i);
    return Labels(std::move(labels));
}

/// The predicted class index of row i of the outputs P: p > 0.5 for one column, else argmax.
template <class T>
std::size_t class_of_row(const Array<T>& P, std::size_t i) {
    const std::size_t k = P.shape()[1];
    const T* row = P.data() + i * k;
    if (k == 1) return row[0] > T(0.5) ? 1 : 0;
    return static_cast<std::size_t>(std::max_element(row, row + k) - row);
}

}  // namespace

template <class T>
MLPClassifier<T>::MLPClassifier(MLPParams params) : MLPEstimator<T>(std::move(params), "MLPClassifier") {}

template <class T>
Array<T> MLPClassifier<T>::targets(const Labels& y, const Labels& classes, const char* method) const {
    return binarize<T>(encode_labels(y, classes, this->name_ + "." + method), classes.size());
}

template <class T>
ValidationScore<T> MLPClassifier<T>::accuracy_of_outputs() const {
    // sklearn's accuracy_score(y_val, predict(X_val)): labels for single-label targets, whole
    // rows of the indicator for multilabel ones.
    return [this](const Array<T>& P, const Array<T>& Y_val) {
        const std::size_t n = P.shape()[0], k = P.shape()[1];
        const bool softmax = this->network().output_activation() == OutputActivation::softmax;
        std::size_t correct = 0;
        for (std::size_t i = 0; i < n; ++i) {
            bool same = true;
            if (softmax) {
                same = class_of_row(P, i) == class_of_row(Y_val, i);
            } else {
                for (std::size_t j = 0; j < k; ++j) same = same && ((P(i, j) > T(0.5)) == (Y_val(i, j) > T(0.5)));
            }
            correct += same ? 1 : 0;
        }
        return static_cast<double>(correct) / static_cast<double>(n);
    };
}

// ---- fit ------------------------------------------------------------------------------------

template <class T>
template <class Train>
void MLPClassifier<T>::train_then_adopt(Train&& train, Labels classes, bool multilabel) {
    try {
        train();
    } catch (const DivergenceError&) {
        if (this->is_fitted()) {
            classes_value_ = std::move(classes);
            multilabel_ = multilabel;
        }
        throw;
    }
    classes_value_ = std::move(classes);
    multilabel_ = multilabel;
}

template <class T>
MLPClassifier<T>& MLPClassifier<T>::fit(const Array<T>& X, const Labels& y) {
    this->on_every_rank([&] {
        validate(this->params_, this->name_);
        check_X(X, this->name_);
        check_consistent_length(this->rows_of(X), y.size(), this->name_);
        const bool first_pass = !this->is_fitted() || !this->params_.warm_start;
        Labels classes = unique_labels(y);
        if (first_pass) {
            check_two_classes(classes, this->name_);
        } else {
            if (multilabel_)
                throw Error(this->name_ + ": warm_start: fitted on a multilabel indicator matrix, now given labels");
            if (classes != classes_value_)
                throw Error("warm_start can only be used where `y` has the same classes as in the previous call to fit. "
                            "Previously got " + labels_str(classes_value_) + ", `y` has " + labels_str(classes));
        }
        const std::vector<std::size_t> codes = encode_labels(y, classes, this->name_ + ".fit");
        const Array<T> Y = binarize<T>(codes, classes.size());
        const bool binary = classes.size() == 2;
        // sklearn stratifies the validation split only for ONE output column: binary problems
        train_then_adopt(
            [&] {
                this->fit_network(X, Y, binary ? OutputActivation::logistic : OutputActivation::softmax, first_pass,
                                  false, binary ? &codes : nullptr, accuracy_of_outputs());
            },
            std::move(classes), false);
    });
    return *this;
}

template <class T>
MLPClassifier<T>& MLPClassifier<T>::fit(const Array<T>& X, const Array<T>& Y) {
    this->on_every_rank([&] {
        validate(this->params_, this->name_);
        check_X(X, this->name_);
        check_indicator(Y, this->rows_of(X), this->name_);
        const bool first_pass = !this->is_fitted() || !this->params_.warm_start;
        Labels classes = label_range(Y.shape()[1]);
        if (!first_pass) {
            if (!multilabel_)
                throw Error(this->name_ + ": warm_start: fitted on labels, now given a multilabel indicator matrix");
            if (classes != classes_value_)
                throw Error("warm_start can only be used where `y` has the same classes as in the previous call to fit. "
                            "Previously got " + labels_str(classes_value_) + ", `y` has " + labels_str(classes));
        }
        train_then_adopt(
            [&] { this->fit_network(X, Y, OutputActivation::logistic, first_pass, false, nullptr, accuracy_of_outputs()); },
            std::move(classes), true);
    });
    return *this;
}

template <class T>
MLPClassifier<T>& MLPClassifier<T>::partial_fit(const Array<T>& X, const Labels& y,
                                                const std::optional<Labels>& classes) {
    this->on_every_rank([&] {
        if (this->params_.solver == "lbfgs")
            throw Error("partial_fit is only available for stochastic optimizers. lbfgs is not stochastic.");
        validate(this->params_, this->name_);
        check_X(X, this->name_);
        check_consistent_length(X.shape()[0], y.size(), this->name_);
        const bool defined = this->is_fitted();
        if (defined && multilabel_)
            throw Error(this->name_ + ".partial_fit: fitted on a multilabel indicator matrix, now given labels");
        // sklearn's _check_partial_fit_first_call
        Labels all_classes = defined ? classes_value_ : Labels{};
        if (!classes && !defined) throw Error("classes must be passed on the first call to partial_fit.");
        if (classes) {
            Labels given = unique_labels(*classes);
            if (defined && given != classes_value_)
                throw Error("`classes=" + labels_str(*classes) + "` is not the same as on last call to partial_fit, was: " +
                            labels_str(classes_value_));
            if (!defined) {
                check_two_classes(given, this->name_);
                all_classes = std::move(given);
            }
        }
        // sklearn's _validate_input for an incremental fit
        const Labels seen = unique_labels(y);
        if (this->params_.warm_start) {
            if (seen != all_classes)
                throw Error("warm_start can only be used where `y` has the same classes as in the previous call to fit. "
                            "Previously got " + labels_str(all_classes) + ", `y` has " + labels_str(seen));
        }
        std::vector<std::size_t> codes;
        try {
            codes = encode_labels(y, all_classes, this->name_ + ".partial_fit");
        } catch (const Error& unseen) {
            throw Error("`y` has classes not in `self.classes_`. `self.classes_` has " + labels_str(all_classes) +
                        ". 'y' has " + labels_str(seen) + ". (" + unseen.what() + ")");
        }
        const Array<T> Y = binarize<T>(codes, all_classes.size());
        const bool binary = all_classes.size() == 2;
        train_then_adopt(
            [&] {
                this->fit_network(X, Y, binary ? OutputActivation::logistic : OutputActivation::softmax, !defined, true,
                                  nullptr, accuracy_of_outputs());
            },
            std::move(all_classes), false);
    });
    return *this;
}

template <class T>
MLPClassifier<T>& MLPClassifier<T>::partial_fit(const Array<T>& X, const Array<T>& Y) {
    this->on_every_rank([&] {
        if (this->params_.solver == "lbfgs")
            throw Error("partial_fit is only available for stochastic optimizers. lbfgs is not stochastic.");
        validate(this->params_, this->name_);
        check_X(X, this->name_);
        check_indicator(Y, X.shape()[0], this->name_);
        const bool defined = this->is_fitted();
        Labels classes = label_range(Y.shape()[1]);
        if (defined && !multilabel_)
            throw Error(this->name_ + ".partial_fit: fitted on labels, now given a multilabel indicator matrix");
        if (defined && classes != classes_value_)
            throw Error(this->name_ + ".partial_fit: Y has " + std::to_string(Y.shape()[1]) +
                        " labels but the fitted classifier has " + std::to_string(classes_value_.size()));
        train_then_adopt(
            [&] { this->fit_network(X, Y, OutputActivation::logistic, !defined, true, nullptr, accuracy_of_outputs()); },
            std::move(classes), true);
    });
    return *this;
}

// ---- fitted state ---------------------------------------------------------------------------

template <class T>
void MLPClassifier<T>::check_restored_targets(const FittedState<T>& s) const {
    const std::string where = this->name_ + ".restore: ";
    const std::size_t k = s.classes.size();
    if (k < 2) throw Error(where + "classes " + labels_str(s.classes) + "; a classifier has at least 2 classes");
    for (std::size_t i = 1; i < k; ++i) {
        const bool ascending = s.classes.is_integer() ? s.classes.integers()[i - 1] < s.classes.integers()[i]
                                                      : s.classes.strings()[i - 1] < s.classes.strings()[i];
        if (!ascending)
            throw Error(where + "classes " + labels_str(s.classes) + " are not sorted and distinct (at " +
                        s.classes.to_string(i - 1) + ", " + s.classes.to_string(i) + ")");
    }
    if (s.multilabel && s.classes != label_range(k))
        throw Error(where + "a multilabel classifier's classes are 0 .. " + std::to_string(k - 1) + ", not " +
                    labels_str(s.classes));
    const std::size_t outputs = (k == 2 && !s.multilabel) ? 1 : k;
    const OutputActivation output =
        (k == 2 || s.multilabel) ? OutputActivation::logistic : OutputActivation::softmax;
    if (s.n_outputs != outputs)
        throw Error(where + std::to_string(k) + (s.multilabel ? " labels" : " classes") + " need " +
                    std::to_string(outputs) + " output(s), the state has " + std::to_string(s.n_outputs));
    if (s.out_activation != output)
        throw Error(where + "out_activation must be " + to_string(output) + " for these classes, not " +
                    to_string(s.out_activation));
}

template <class T>
void MLPClassifier<T>::adopt_restored_targets(const FittedState<T>& s) {
    classes_value_ = s.classes;
    multilabel_ = s.multilabel;
}

template <class T>
void MLPClassifier<T>::describe_targets(FittedState<T>& s) const {
    s.classes = classes_value_;
    s.multilabel = multilabel_;
}

// ---- predict --------------------------------------------------------------------------------

template <class T>
const Labels& MLPClassifier<T>::classes_() const {
    this->check_fitted("classes_");
    return classes_value_;
}

template <class T>
Labels MLPClassifier<T>::predict(const Array<T>& X) const {
    this->check_fitted("predict");
    if (multilabel_)
        throw Error(this->name_ + ".predict: fitted on a multilabel indicator matrix; use predict_indicator");
    const Array<T> P = this->forward(X);
    std::vector<std::size_t> indices(P.shape()[0]);
    for (std::size_t i = 0; i < indices.size(); ++i) indices[i] = class_of_row(P, i);
    return classes_value_.take(indices);
}

template <class T>
Array<T> MLPClassifier<T>::predict_indicator(const Array<T>& X) const {
    this->check_fitted("predict_indicator");
    if (!multilabel_)
        throw Error(this->name_ + ".predict_indicator: fitted on labels, not on a multilabel indicator matrix; use "
                    "predict");
    Array<T> P = this->forward(X);
    for (T& p : P) p = p > T(0.5) ? T(1) : T(0);
    return P;
}

template <class T>
Array<T> MLPClassifier<T>::predict_proba(const Array<T>& X) const {
    this->check_fitted("predict_proba");
    Array<T> P = this->forward(X);
    if (multilabel_ || P.shape()[1] > 1) return P;
    const std::size_t n = P.shape()[0];
    Array<T> both = Array<T>::from_shape(Shape{n, std::size_t(2)});
    for (std::size_t i = 0; i < n; ++i) {
        both(i, 0) = T(1) - P(i, 0);
        both(i, 1) = P(i, 0);
    }
    return both;
}

template <class T>
Array<T> MLPClassifier<T>::predict_log_proba(const Array<T>& X) const {
    Array<T> P = predict_proba(X);
    for (T& p : P) p = std::log(p);
    return P;
}

template <class T>
double MLPClassifier<T>::score(const Array<T>& X, const Labels& y) const {
    const Labels predicted = predict(X);
    check_consistent_length(X.shape()[0], y.size(), this->name_);
    if (y.is_integer() != predicted.is_integer())
        throw Error(this->name_ + ".score: y has " + (y.is_integer() ? "integer" : "string") + " labels but classes_ " +
                    labels_str(classes_value_) + " are " + (predicted.is_integer() ? "integers" : "strings"));
    std::size_t correct = 0;
    for (std::size_t i = 0; i < y.size(); ++i)
        correct += y.is_integer() ? y.integers()[i] == predicted.integers()[i] : y.strings()[i] == predicted.strings()[i];
    return static_cast<double>(correct) / static_cast<double>(y.size());
}

template <class T>
double MLPClassifier<T>::score(const Array<T>& X, const Array<T>& Y) const {
    const Array<T> predicted = predict_indicator(X);
    check_indicator(Y, X.shape()[0], this->name_);
    if (Y.shape() != predicted.shape())
        throw Error(this->name_ + ".score: Y of shape " + shape_str(Y.shape()) + " for predictions of shape " +
                    shape_str(predicted.shape()));
    const std::size_t n = Y.shape()[0], k = Y.shape()[1];
    std::size_t correct = 0;
    for (std::size_t i = 0; i < n; ++i)
        correct += std::equal(Y.data() + i * k, Y.data() + (i + 1) * k, predicted.data() + i * k) ? 1 : 0;
    return static_cast<double>(correct) / static_cast<double>(n);
}

template <class T>
T MLPClassifier<T>::compute_loss_and_gradients(const Array<T>& X, const Labels& y) {
    this->check_fitted("compute_loss_and_gradients");
    if (multilabel_)
        throw Error(this->name_ + ".compute_loss_and_gradients: fitted on a multilabel indicator matrix; pass Y");
    check_consistent_length(X.dimension() == 2 ? X.shape()[0] : 0, y.size(), this->name_);
    return this->compute_loss_and_gradients(X, targets(y, classes_value_, "compute_loss_and_gradients"));
}

template class MLPClassifier<float>;
template class MLPClassifier<double>;

}  // namespace tapegrad::mlp
