#pragma once
// The estimators' fits that the MPI tests run on 2 and 4 ranks and compare with the one-process
// fit: each case is a name (passed to the worker on its command line) for an estimator, its
// parameters and small made-up data, the same on every rank.

#include <cmath>
#include <memory>
#include <stdexcept>
#include <string>
#include <vector>

#include <tapegrad/mlp/mlp.hpp>
#include <tapegrad/nn/random.hpp>
#include <tapegrad/optim/communicator.hpp>
#include <tapegrad/optim/gradient_allreduce.hpp>

#include "custom_model.hpp"

namespace mpi_test {

/// Every case name, for the tests' parameter lists.
inline const std::vector<std::string>& mlp_case_names() {
    static const std::vector<std::string> names{
        "adam_multiclass",        // adam, 3 classes, shuffled batches of 16 (the last one of 10)
        "sgd_constant_binary",    // sgd with Nesterov momentum, binary (logistic output)
        "sgd_invscaling",         // sgd invscaling: lr from the samples seen
        "sgd_adaptive",           // sgd adaptive: tol so large that the rate is divided by 5
        "adam_early_stopping",    // adam with a stratified validation split, scores reduced
        "adam_tiny_batches",      // batches of 3 rows: on 4 ranks some shares are empty
        "lbfgs_classifier",       // L-BFGS over all rows, the line search on reduced values
        "lbfgs_regressor",        // L-BFGS, 2 outputs, squared loss
        "adam_regressor_early",   // regressor early stopping (R^2 of the gathered outputs)
        "lbfgs_classifier_sharded",  // as lbfgs_classifier, each rank given only its rows of X
        "lbfgs_regressor_sharded",   // as lbfgs_regressor, each rank given only its rows of X
    };
    return names;
}

/// X (n, 4) uniform in (-2, 2); labels: the sign pattern of two features (3 classes, or 2).
inline void make_classification(std::size_t n, std::size_t n_classes, tapegrad::Array<double>& X,
                                std::vector<std::int64_t>& labels) {
    tapegrad::nn::Random rng(5);
    X = tapegrad::Array<double>::from_shape({n, 4});
    for (double& v : X) v = rng.uniform(-2, 2);
    labels.resize(n);
    for (std::size_t i = 0; i < n; ++i) {
        const double score = X(i, 0) + 0.5 * X(i, 1) * X(i, 2) + 0.3 * rng.uniform(-1, 1);
        labels[i] = n_classes == 2 ? (score > 0 ? 1 : 0) : (score < -0.7 ? 0 : score < 0.7 ? 1 : 2);
    }
}

inline void make_regression(std::size_t n, tapegrad::Array<double>& X, tapegrad::Array<double>& Y) {
    tapegrad::nn::Random rng(9);
    X = tapegrad::Array<double>::from_shape({n, 3});
    Y = tapegrad::Array<double>::from_shape({n, 2});
    for (double& v : X) v = rng.uniform(-1, 1);
    for (std::size_t i = 0; i < n; ++i) {
        Y(i, 0) = std::sin(2 * X(i, 0)) + X(i, 1);
        Y(i, 1) = X(i, 1) * X(i, 2) - 0.5;
    }
}

/// What the tests compare: the loss curve (lbfgs: the loss of each iteration), then the
/// validation scores, and coefs then intercepts.
template <class Estimator>
Fitted fitted_of(const Estimator& estimator) {
    Fitted fitted;
    for (double loss : estimator.loss_curve_()) fitted.losses.push_back(loss);
    for (double loss : estimator.lbfgs_losses_()) fitted.losses.push_back(loss);
    for (double score : estimator.validation_scores_()) fitted.losses.push_back(score);
    fitted.losses.push_back(static_cast<double>(estimator.n_iter_()));
    fitted.weights = estimator.coefs_();
    for (auto& b : estimator.intercepts_()) fitted.weights.push_back(b);
    return fitted;
}

/// This rank's rows of X (MLPEstimator::set_shard_of).
inline tapegrad::Array<double> share_of(const tapegrad::Array<double>& X, const tapegrad::optim::Communicator& comm) {
    const tapegrad::optim::RowRange mine = tapegrad::optim::share_of_rows(X.shape()[0], comm.rank(), comm.size());
    return take_rows_range(X, mine.begin, mine.end);
}

/// Fits case `name`; comm == nullptr: the plain one-process estimator (no communicator at all).
/// A case "<base>_sharded" is <base> with each rank given only its rows of X (one process: all).
inline Fitted fit_mlp_case(const std::string& case_name, const std::shared_ptr<tapegrad::optim::Communicator>& comm) {
    using namespace tapegrad::mlp;
    const std::string suffix = "_sharded";
    const bool sharded = case_name.size() > suffix.size() &&
                         case_name.compare(case_name.size() - suffix.size(), suffix.size(), suffix) == 0;
    const std::string name = sharded ? case_name.substr(0, case_name.size() - suffix.size()) : case_name;
    MLPParams params;
    params.hidden_layer_sizes = {7, 5};
    params.random_state = 3;
    params.max_iter = 12;
    params.batch_size = 16;
    params.learning_rate_init = 0.01;
    bool regression = false;
    std::size_t n = 90, n_classes = 3;
    if (name == "adam_multiclass") {
    } else if (name == "sgd_constant_binary") {
        params.solver = "sgd";
        params.learning_rate_init = 0.05;
        n_classes = 2;
    } else if (name == "sgd_invscaling") {
        params.solver = "sgd";
        params.learning_rate = "invscaling";
        params.learning_rate_init = 0.2;
        params.nesterovs_momentum = false;
    } else if (name == "sgd_adaptive") {
        params.solver = "sgd";
        params.learning_rate = "adaptive";
        params.tol = 10.0;  // no epoch improves that much: after n_iter_no_change epochs lr /= 5
        params.n_iter_no_change = 2;
        params.max_iter = 10;
    } else if (name == "adam_early_stopping") {
        params.early_stopping = true;
        params.validation_fraction = 0.2;
        params.n_iter_no_change = 3;
        params.max_iter = 15;
        params.activation = "tanh";
    } else if (name == "adam_tiny_batches") {
        params.batch_size = 3;
        params.max_iter = 3;
        n = 41;
    } else if (name == "lbfgs_classifier") {
        params.solver = "lbfgs";
        params.max_iter = 25;
        params.alpha = 0.01;
    } else if (name == "lbfgs_regressor") {
        params.solver = "lbfgs";
        params.max_iter = 25;
        regression = true;
    } else if (name == "adam_regressor_early") {
        params.early_stopping = true;
        params.n_iter_no_change = 2;
        params.activation = "logistic";
        regression = true;
    } else {
        throw std::invalid_argument("unknown MLP case " + name);
    }
    if (regression) {
        tapegrad::Array<double> X, Y;
        make_regression(70, X, Y);
        MLPRegressor<double> estimator(params);
        if (comm) estimator.set_communicator(comm);
        if (comm && sharded) {
            estimator.set_shard_of(X.shape()[0]);
            X = share_of(X, *comm);
        }
        estimator.fit(X, Y);
        return fitted_of(estimator);
    }
    tapegrad::Array<double> X;
    std::vector<std::int64_t> labels;
    make_classification(n, n_classes, X, labels);
    MLPClassifier<double> estimator(params);
    if (comm) estimator.set_communicator(comm);
    if (comm && sharded) {
        estimator.set_shard_of(X.shape()[0]);
        X = share_of(X, *comm);
    }
    estimator.fit(X, Labels(labels));
    return fitted_of(estimator);
}

/// adam_multiclass in float: the data-parallel fit sums in float, so it matches the one-process
/// float fit to float precision, not 1e-10.
inline Fitted fit_float_case(const std::shared_ptr<tapegrad::optim::Communicator>& comm) {
    using namespace tapegrad::mlp;
    MLPParams params;
    params.hidden_layer_sizes = {7, 5};
    params.random_state = 3;
    params.max_iter = 6;
    params.batch_size = 16;
    params.learning_rate_init = 0.01;
    tapegrad::Array<double> X;
    std::vector<std::int64_t> labels;
    make_classification(90, 3, X, labels);
    tapegrad::Array<float> X_float = tapegrad::Array<float>::from_shape(X.shape());
    std::copy(X.begin(), X.end(), X_float.begin());
    MLPClassifier<float> estimator(params);
    if (comm) estimator.set_communicator(comm);
    estimator.fit(X_float, Labels(labels));
    Fitted fitted;
    for (float loss : estimator.loss_curve_()) fitted.losses.push_back(loss);
    auto add = [&](const std::vector<tapegrad::Array<float>>& arrays) {
        for (const auto& a : arrays) {
            tapegrad::Array<double> w = tapegrad::Array<double>::from_shape(a.shape());
            std::copy(a.begin(), a.end(), w.begin());
            fitted.weights.push_back(std::move(w));
        }
    };
    add(estimator.coefs_());
    add(estimator.intercepts_());
    return fitted;
}

}  // namespace mpi_test
