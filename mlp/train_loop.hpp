#pragma once
/// The solvers of the estimators, following scikit-learn 1.2's `_fit_stochastic`,
/// `_update_no_improvement_count` and `_fit_lbfgs` to the letter.
///
/// Stochastic (sgd, adam), per call:
///   early_stopping (not in partial_fit): split off validation_fraction of the rows once
///     (split.hpp), stratified for a one-column classifier.
///   batch_size = min(200, n) for "auto", else clipped to [1, n] (a warning when > n).
///   each epoch: if shuffle, sample_idx = sample_idx[rng.permutation(n)] (sklearn's
///     `shuffle(sample_idx, random_state)`); batches are consecutive slices of sample_idx, the
///     last one possibly shorter; after each batch the optimizer steps.
///     loss_ = sum(batch loss * batch rows) / n; n_iter_ += 1; t_ += n; loss_curve_ += loss_.
///     no-improvement count: early stopping on the validation score,
///       score < best_validation_score_ + tol counts, a better score saves the weights;
///     else on the training loss, loss_ > best_loss_ - tol counts, a lower loss is best_loss_;
///     otherwise the count is reset to 0.
///     sgd: iteration_ends(t_) (invscaling: lr = lr_init / (t_ + 1)^power_t).
///     count > n_iter_no_change: the optimizer's trigger_stopping decides: stop (adam; sgd
///       constant/invscaling; sgd adaptive with lr <= 1e-6), or lr /= 5 and count = 0.
///     partial_fit stops after one epoch; max_iter epochs give a ConvergenceWarning when
///     n_iter_ == max_iter.
///   early stopping: the best weights are restored at the end.
/// L-BFGS: optim::LBFGS over all rows (maxiter = max_iter, maxfun = max_fun, gtol = tol).
///
/// Data-parallel (`parallel` given, see data_parallel.hpp): the same loop on every rank, each
/// batch's loss and gradients (and the validation outputs) computed by the ranks together.
///
/// Divergence (not in sklearn, which trains on with NaN): a batch loss that is not finite, or
/// weights that are not finite at an epoch's end, stop the training with a DivergenceError.
/// The network then holds the weights of the end of the last finite epoch (at first: the weights
/// the call started from), or with early stopping the best ones so far; the record (n_iter_,
/// loss_, loss_curve_, t_, ...) is that of the finite epochs. One copy of the weights is kept
/// for this, refreshed in place at each epoch's end (no allocation after the first). L-BFGS
/// backs off non-finite trial steps itself, so it can only diverge at its starting point.

#include <cstddef>
#include <functional>
#include <limits>
#include <memory>
#include <optional>
#include <string>
#include <utility>
#include <vector>

#include <tapegrad/nn/random.hpp>
#include <tapegrad/optim/adam.hpp>
#include <tapegrad/optim/sgd.hpp>

#include "data_parallel.hpp"
#include "network.hpp"
#include "params.hpp"

namespace tapegrad::mlp {

/// Why the last fit stopped.
enum class StopReason {
    not_fitted,
    max_iter,                 ///< max_iter epochs (sgd, adam) or iterations (lbfgs)
    no_improvement,           ///< tol / n_iter_no_change rule (training loss or validation score)
    learning_rate_too_small,  ///< sgd "adaptive": no improvement with lr <= 1e-6
    max_fun,                  ///< lbfgs: max_fun function evaluations
    converged,                ///< lbfgs: gradient or relative loss change below its tolerance
    line_search_failed,       ///< lbfgs: no step satisfying the Wolfe conditions (added)
    partial_fit,              ///< one partial_fit epoch ran without a stopping rule firing (added)
    diverged,                 ///< a non-finite loss or weights stopped the training (added)
};
/// "max_iter", "no_improvement", "learning_rate_too_small", "max_fun", "converged", ...
std::string to_string(StopReason reason);
/// The reverse of to_string; nullopt for a text that names no StopReason.
std::optional<StopReason> stop_reason_from_string(const std::string& text);

/// Training produced a non-finite loss or weights. what(): the cause, then what the estimator
/// kept, e.g. "MLPClassifier: training diverged at epoch 12, batch 3: loss is inf; the weights of
/// the last finite epoch (11) were kept".
class DivergenceError : public Error {
public:
    DivergenceError(std::string cause, std::string outcome, std::size_t epoch, std::size_t batch)
        : Error(cause + "; " + outcome), cause_(std::move(cause)), outcome_(std::move(outcome)), epoch_(epoch),
          batch_(batch) {}
    /// "training diverged at epoch 12, batch 3: loss is inf" (with the estimator's name first
    /// once the estimator rethrows it).
    const std::string& cause() const { return cause_; }
    /// "the weights of the last finite epoch (11) were kept", ...
    const std::string& outcome() const { return outcome_; }
    /// The epoch that diverged, numbered as n_iter_ counts (lbfgs: the iteration, 0 for the
    /// starting point).
    std::size_t epoch() const { return epoch_; }
    /// Its batch, from 1; 0 when the weights were found non-finite at the epoch's end, and for lbfgs.
    std::size_t batch() const { return batch_; }

private:
    std::string cause_, outcome_;
    std::size_t epoch_, batch_;
};

/// Called after each epoch of sgd / adam (epoch = n_iter_ after it, its loss_) and after each
/// iteration of lbfgs (its number in this fit, the loss there). An exception it throws ends the
/// fit at that point and propagates: the estimator keeps the weights and record of that epoch.
using EpochCallback = std::function<void(std::size_t epoch, double loss)>;

/// What a solver leaves behind: sklearn's fitted attributes, and what carries over to warm
/// starts and partial_fit calls.
template <class T>
struct TrainingState {
    std::size_t n_iter = 0;
    std::size_t t = 0;  ///< samples seen (sklearn's t_)
    double loss = 0;
    std::vector<T> loss_curve;
    bool early_stopping = false;  ///< initialised for early stopping: best_loss_ is then None
    double best_loss = std::numeric_limits<double>::infinity();
    std::vector<double> validation_scores;
    double best_validation_score = -std::numeric_limits<double>::infinity();
    std::size_t no_improvement_count = 0;
    std::vector<Array<T>> best_coefs, best_intercepts;
    StopReason stop_reason = StopReason::not_fitted;
    std::vector<T> lbfgs_losses;         ///< loss after each L-BFGS iteration
    std::vector<std::string> warnings;   ///< warnings of the last fit, as printed to stderr
};

/// The stochastic solver's optimizer (sgd or adam) over the network's parameters; it persists
/// between partial_fit calls and is made anew by every fit.
template <class T>
class StochasticOptimizer {
public:
    StochasticOptimizer(const MLPParams& params, std::vector<Parameter<T>*> parameters);
    void step();
    void iteration_ends(std::size_t time_step);
    bool trigger_stopping(const std::string& message, bool verbose);
    const optim::SGD<T>* sgd() const { return sgd_.get(); }
    const optim::Adam<T>* adam() const { return adam_.get(); }

private:
    std::unique_ptr<optim::SGD<T>> sgd_;
    std::unique_ptr<optim::Adam<T>> adam_;
};

/// The validation score of the current weights: accuracy (classifier) or R^2 (regressor) of the
/// network's outputs P_val for X_val (n_val, n_outputs) against the targets Y_val in the
/// network's (binarized) form. The loop computes P_val (on every rank, when data-parallel).
template <class T>
using ValidationScore = std::function<double(const Array<T>& P_val, const Array<T>& Y_val)>;

/// One call of sklearn's `_fit_stochastic`. X (n, n_features), Y (n, n_outputs) the network's
/// targets; strata: class codes to stratify the validation split by, or nullptr.
template <class T>
void fit_stochastic(Network<T>& network, StochasticOptimizer<T>& optimizer, TrainingState<T>& state,
                    const MLPParams& params, const Array<T>& X, const Array<T>& Y,
                    const std::vector<std::size_t>* strata, nn::Random& rng, bool incremental,
                    const ValidationScore<T>& score, const EpochCallback& on_epoch = {},
                    DataParallel<T>* parallel = nullptr);

/// sklearn's `_fit_lbfgs`: n_iter_ = iterations run, loss_ = the final loss; the loss after each
/// iteration goes to state.lbfgs_losses; a ConvergenceWarning unless converged. A non-finite
/// loss at the starting point is a DivergenceError (epoch 0), the weights left as they were.
template <class T>
void fit_lbfgs(Network<T>& network, TrainingState<T>& state, const MLPParams& params, const Array<T>& X,
               const Array<T>& Y, const EpochCallback& on_iteration = {}, DataParallel<T>* parallel = nullptr);

/// Records a warning in state.warnings and prints it to stderr as Python does:
/// "<category>: <message>".
template <class T>
void warn(TrainingState<T>& state, const std::string& category, const std::string& message);

}  // namespace tapegrad::mlp
