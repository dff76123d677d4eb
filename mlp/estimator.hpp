#pragma once
/// What MLPClassifier and MLPRegressor share (scikit-learn's `BaseMultilayerPerceptron`): the
/// hyperparameters, the network and its solver state, sklearn's fitted attributes, and `_fit`.
///
/// One estimator owns one Network (one tape, reused for every batch) and, for sgd/adam, one
/// optimizer that persists between partial_fit calls. Estimators move but do not copy.
///
/// A fit that diverges (a non-finite loss or weights, see train_loop.hpp) throws a
/// DivergenceError naming the epoch and batch; the estimator then holds the weights of the last
/// finite epoch (with early stopping: the best ones) and the record of the finite epochs, and is
/// fitted if an epoch finished, by this fit or an earlier one it continued (warm_start,
/// partial_fit); else it is not fitted. The optimizer state is dropped.

#include <cstddef>
#include <functional>
#include <memory>
#include <optional>
#include <string>
#include <utility>
#include <vector>

#include <tapegrad/nn/random.hpp>
#include <tapegrad/optim/communicator.hpp>

#include "labels.hpp"
#include "network.hpp"
#include "params.hpp"
#include "train_loop.hpp"

namespace tapegrad::mlp {

/// Everything that makes an estimator fitted: sklearn's fitted attributes (and the classifier's
/// classes), to save it and to restore it exactly with MLPEstimator::restore. The
/// hyperparameters are not part of it (params()); restore checks the weights against them.
template <class T>
struct FittedState {
    std::vector<Array<T>> coefs;       ///< coefs[i] (layer_units[i], layer_units[i+1])
    std::vector<Array<T>> intercepts;  ///< intercepts[i] (layer_units[i+1],)
    std::size_t n_features_in = 0;     ///< layer_units[0]
    std::size_t n_outputs = 0;         ///< layer_units.back()
    OutputActivation out_activation = OutputActivation::identity;
    Labels classes;                    ///< classifier: classes_, sorted and distinct; regressor: empty
    bool multilabel = false;           ///< classifier fitted on an indicator matrix (classes 0 .. k-1)
    double loss = 0;                   ///< loss_
    std::optional<double> best_loss;   ///< best_loss_: none with early stopping and for lbfgs
    std::vector<T> loss_curve;
    std::vector<T> lbfgs_losses;
    std::vector<double> validation_scores;
    std::optional<double> best_validation_score;  ///< with early stopping
    std::size_t n_iter = 0;
    std::size_t t = 0;
    StopReason stop_reason = StopReason::max_iter;  ///< anything but not_fitted
    std::vector<std::string> warnings;
    /// sklearn's `_no_improvement_count`, which a warm start carries on counting from (a model
    /// file does not keep it: 0 then).
    std::size_t no_improvement_count = 0;
};

template <class T>
class MLPEstimator {
public:
    MLPEstimator(MLPEstimator&&) noexcept = default;
    MLPEstimator& operator=(MLPEstimator&&) noexcept = default;
    virtual ~MLPEstimator() = default;

    /// Get or set hyperparameters; they are validated at the next fit.
    MLPParams& params() { return params_; }
    const MLPParams& params() const { return params_; }

    /// Use these weights instead of the random init at the next fit that starts afresh (then no
    /// random numbers are drawn for the init). sklearn's shapes: coefs[i] (layer_units[i],
    /// layer_units[i+1]), intercepts[i] (layer_units[i+1],); checked against the data at fit,
    /// the error naming the layer and both shapes. Used once, then forgotten.
    void set_initial_weights(std::vector<Array<T>> coefs, std::vector<Array<T>> intercepts);
    /// Replace the fitted weights (sklearn: assigning coefs_ and intercepts_); same shapes.
    void set_weights(const std::vector<Array<T>>& coefs, const std::vector<Array<T>>& intercepts);

    /// The fitted state (Error if not fitted): restore(fitted_state()) on an estimator with the
    /// same params() makes it predict, report and warm-start exactly as this one.
    FittedState<T> fitted_state() const;
    /// Makes this estimator the fitted one `state` describes, with the current params() (as
    /// unpickling a fitted sklearn estimator). Checked before anything changes, the Error naming
    /// what is wrong: the params valid; coefs and intercepts chaining from n_features_in to
    /// n_outputs through params().hidden_layer_sizes; every weight and recorded number finite;
    /// out_activation the one the targets need (regressor: identity and no classes; classifier:
    /// 2 classes logistic with 1 output, k > 2 softmax with k outputs, multilabel logistic with k
    /// outputs and classes 0 .. k-1); classes sorted and distinct; stop_reason not not_fitted.
    ///
    /// What continues from a restored estimator: a warm_start fit starts from these weights with
    /// a new optimizer and continues n_iter_, t_, loss_curve_, best_loss_ / the validation record
    /// and the no-improvement count, as sklearn's warm_start does (sklearn also makes its
    /// optimizer anew at every fit); with early stopping, the restored weights count as the best
    /// ones so far (they are, after an early-stopping fit). A partial_fit starts a new optimizer:
    /// sgd velocities, Adam moments and an adaptive learning rate already lowered are not part of
    /// the state (sklearn's pickle keeps them, so there the two differ).
    void restore(const FittedState<T>& state);

    /// Data-parallel training (docs/distributed.md). With a communicator of more than one rank,
    /// fit and partial_fit are collective: every rank calls them with the same data and
    /// parameters (checked: a fingerprint of X and the targets), each computes its share of every
    /// batch, and every rank ends with the same weights and fitted attributes, those of the
    /// one-process fit up to the order of summation. Without random_state, rank 0's seed is used
    /// on every rank. An error on one rank, before or during the training, is thrown on every
    /// rank (optim::RankError on the others); an epoch callback must not throw on one rank only
    /// (the others would wait for it). nullptr (the default) or one rank: the plain fit.
    void set_communicator(std::shared_ptr<optim::Communicator> comm) { comm_ = std::move(comm); }
    const std::shared_ptr<optim::Communicator>& communicator() const { return comm_; }
    /// Data-parallel lbfgs with each rank holding only its rows of X (the command line reads
    /// .npy data so): the X given to fit is this rank's share of `n_samples` rows,
    /// optim::share_of_rows(n_samples, rank, size), and the targets are those of all n_samples
    /// rows (every rank the same). Error at fit unless the solver is lbfgs and there are several
    /// ranks. nullopt (the default): every rank has all rows.
    void set_shard_of(std::optional<std::size_t> n_samples) { shard_of_ = n_samples; }

    /// Called after each epoch of sgd / adam with (n_iter_, loss_) and after each iteration of
    /// lbfgs with (iteration, loss); empty to remove. See EpochCallback (train_loop.hpp).
    void set_epoch_callback(EpochCallback callback) { epoch_callback_ = std::move(callback); }

    // ---- fitted attributes, sklearn's names ----------------------------------------------
    bool is_fitted() const { return network_ != nullptr; }
    T loss_() const;
    /// The lowest training loss; nullopt with early_stopping, and for lbfgs.
    std::optional<T> best_loss_() const;
    /// One loss per epoch; empty for lbfgs (sklearn 1.2 has none).
    const std::vector<T>& loss_curve_() const;
    /// One score per epoch with early_stopping (accuracy or R^2), else empty.
    const std::vector<double>& validation_scores_() const;
    std::optional<double> best_validation_score_() const;
    std::size_t t_() const;
    std::vector<Array<T>> coefs_() const;
    std::vector<Array<T>> intercepts_() const;
    std::size_t n_features_in_() const;
    std::size_t n_iter_() const;
    std::size_t n_layers_() const;
    std::size_t n_outputs_() const;
    /// "identity" | "logistic" | "softmax"
    std::string out_activation_() const;
    StopReason stop_reason_() const;
    /// lbfgs: the loss after each iteration (sklearn keeps none; for the command line).
    const std::vector<T>& lbfgs_losses_() const;
    /// The warnings of the last fit, as printed to stderr (ConvergenceWarning, ...).
    const std::vector<std::string>& warnings_() const;

    // ---- one batch through the tape (for the oracle tests and traces) --------------------
    /// Loss (with the L2 term) of X against targets Y in the network's form (n, n_outputs), or
    /// (n,) for one output, at the current weights; fills coef_grads() / intercept_grads() and
    /// activations(). Needs a fitted estimator.
    T compute_loss_and_gradients(const Array<T>& X, const Array<T>& Y);
    std::vector<Array<T>> coef_grads() const;
    std::vector<Array<T>> intercept_grads() const;
    /// a[0] (the batch), each hidden activation, the output activation of the last
    /// compute_loss_and_gradients or training batch.
    std::vector<Array<T>> activations() const;
    /// The sgd / adam optimizer and its state (nullptr when the solver is another).
    const optim::SGD<T>* sgd_optimizer() const;
    const optim::Adam<T>* adam_optimizer() const;

protected:
    MLPEstimator(MLPParams params, std::string name);

    /// sklearn's `_fit` once the targets are in the network's form Y (n, n_outputs):
    /// first_pass builds and initialises a new network; otherwise the fitted one (same layer
    /// sizes required) goes on training. Everything that can be checked is checked before any
    /// state changes. strata: class codes for the early-stopping split, or nullptr.
    void fit_network(const Array<T>& X, const Array<T>& Y, OutputActivation output, bool first_pass,
                     bool incremental, const std::vector<std::size_t>* strata, const ValidationScore<T>& score);
    /// Runs a public fit method's body; data-parallel, an error it throws before the training
    /// starts in fit_network is agreed with the other ranks (every rank throws).
    void on_every_rank(const std::function<void()>& fit_body);
    /// The rows the targets must have for X: X's, or all n_samples with set_shard_of.
    std::size_t rows_of(const Array<T>& X) const {
        return shard_of_ ? *shard_of_ : X.dimension() > 0 ? X.shape()[0] : 0;
    }
    /// The classifier's checks of state.classes / multilabel / out_activation / n_outputs, and
    /// its taking them over (restore); fitted_state's filling them in.
    virtual void check_restored_targets(const FittedState<T>& state) const = 0;
    virtual void adopt_restored_targets(const FittedState<T>& state) = 0;
    virtual void describe_targets(FittedState<T>& state) const = 0;
    /// Error "This MLPClassifier instance is not fitted yet. Call 'fit' ..." naming the method.
    void check_fitted(const char* method) const;
    /// The output activations for X after checking X (finite, n_features_in_ columns).
    Array<T> forward(const Array<T>& X) const;
    const Network<T>& network() const { return *network_; }

    MLPParams params_;
    std::string name_;  ///< "MLPClassifier" | "MLPRegressor", for messages

private:
    std::unique_ptr<Network<T>> network_;
    std::unique_ptr<StochasticOptimizer<T>> optimizer_;
    TrainingState<T> state_;
    nn::Random rng_;  ///< reseeded at every fit when random_state is set (as sklearn)
    std::size_t n_features_in_value_ = 0;
    std::optional<std::pair<std::vector<Array<T>>, std::vector<Array<T>>>> initial_weights_;
    EpochCallback epoch_callback_;
    std::shared_ptr<optim::Communicator> comm_;
    bool training_started_ = false;  ///< data-parallel: fit_network's agreement was reached
    bool rng_shared_ = false;        ///< data-parallel: rng_ was seeded from rank 0's seed
    std::optional<std::size_t> shard_of_;  ///< set_shard_of
    /// Data-parallel: every rank got to the training, with the same data; one seed for all.
    void start_on_every_rank(const Array<T>& X, const Array<T>& Y);
};

extern template class MLPEstimator<float>;
extern template class MLPEstimator<double>;

}  // namespace tapegrad::mlp
