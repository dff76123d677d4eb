#include "data.hpp"
#include "metrics.hpp"
#include "mlp.hpp"

namespace tapegrad::mlp {

template <class T>
MLPRegressor<T>::MLPRegressor(MLPParams params) : MLPEstimator<T>(std::move(params), "MLPRegressor") {}

template <class T>
Array<T> MLPRegressor<T>::targets(const Array<T>& X, const Array<T>& y) const {
    check_y_values(y, this->name_);
    check_consistent_length(this->rows_of(X), y.shape()[0], this->name_);
    Array<T> Y = y;
    if (Y.dimension() == 1) Y.reshape({y.shape()[0], std::size_t(1)});
    return Y;
}

template <class T>
MLPRegressor<T>& MLPRegressor<T>::fit_impl(const Array<T>& X, const Array<T>& y, bool incremental) {
    this->on_every_rank([&] {
        if (incremental && this->params_.solver == "lbfgs")
            throw Error("partial_fit is only available for stochastic optimizers. lbfgs is not stochastic.");
        validate(this->params_, this->name_);
        check_X(X, this->name_);
        const Array<T> Y = targets(X, y);
        const bool first_pass = !this->is_fitted() || (!this->params_.warm_start && !incremental);
        ValidationScore<T> r2 = [](const Array<T>& P_val, const Array<T>& Y_val) { return r2_score(Y_val, P_val); };
        this->fit_network(X, Y, OutputActivation::identity, first_pass, incremental, nullptr, r2);
    });
    return *this;
}

template <class T>
MLPRegressor<T>& MLPRegressor<T>::fit(const Array<T>& X, const Array<T>& y) {
    return fit_impl(X, y, false);
}

template <class T>
MLPRegressor<T>& MLPRegressor<T>::partial_fit(const Array<T>& X, const Array<T>& y) {
    return fit_impl(X, y, true);
}

template <class T>
void MLPRegressor<T>::check_restored_targets(const FittedState<T>& s) const {
    const std::string where = this->name_ + ".restore: ";
    if (!s.classes.empty() || s.multilabel) throw Error(where + "an MLPRegressor has no classes and is not multilabel");
    if (s.out_activation != OutputActivation::identity)
        throw Error(where + "out_activation of an MLPRegressor must be identity, not " + to_string(s.out_activation));
}

template <class T>
Array<T> MLPRegressor<T>::predict(const Array<T>& X) const {
    this->check_fitted("predict");
    Array<T> P = this->forward(X);
    if (P.shape()[1] == 1) P.reshape({P.shape()[0]});
    return P;
}

template <class T>
double MLPRegressor<T>::score(const Array<T>& X, const Array<T>& y) const {
    const Array<T> predicted = predict(X);
    check_y_values(y, this->name_);
    check_consistent_length(X.shape()[0], y.shape()[0], this->name_);
    Array<T> truth = y;
    if (truth.dimension() == 2 && truth.shape()[1] == 1 && predicted.dimension() == 1) truth.reshape({y.shape()[0]});
    if (truth.shape() != predicted.shape())
        throw Error(this->name_ + ".score: y of shape " + shape_str(y.shape()) + " for predictions of shape " +
                    shape_str(predicted.shape()));
    return r2_score(truth, predicted);
}

template class MLPRegressor<float>;
template class MLPRegressor<double>;

}  // namespace tapegrad::mlp
