#pragma once
/// The estimators' data-parallel training (MLPEstimator::set_communicator with more than one
/// rank): every rank holds the same X and Y and the same weights, draws the same shuffles, and
/// computes only its contiguous share of each global batch (optim::share_of_rows); one allreduce
/// per batch (optim::GradientAllreduce) sums the shares, so every rank takes the same optimizer
/// step from the single-process gradient, up to the order of the summation.
///
/// Per global batch of n rows, rank r computing rows [b_r, e_r):
///
///     local:      network.loss_and_gradients(share, alpha = 0) -> mean loss m_r and mean grads;
///                 times (e_r - b_r): the sums over the share (zeros for an empty share)
///     allreduce:  loss and grads summed over ranks, divided by n once
///     L2, once:   loss += 0.5 alpha sum_W sum(W^2) / n;  dW += alpha W / n
///
/// Sharded rows (MLPEstimator::set_shard_of, lbfgs only): each rank holds only its share of X,
/// rows [b_r, e_r) of the one batch of all rows, so that it reads only those from the file.
///
/// The validation score of early stopping needs the outputs of every validation row: each rank
/// predicts its share, and an allreduce of the (zero-padded) outputs gives all of them to every
/// rank, which then scores them as one process would.
///
/// A rank whose local work throws makes every rank throw in the same allreduce
/// (optim::Communicator::agree).

#include <cstddef>
#include <cstdint>
#include <memory>
#include <optional>
#include <vector>

#include <tapegrad/optim/communicator.hpp>
#include <tapegrad/optim/gradient_allreduce.hpp>

#include "network.hpp"

namespace tapegrad::mlp {

template <class T>
class DataParallel {
public:
    /// Error for a null communicator. shard_of: every rank holds only its share of that many
    /// rows (set_shard_of: lbfgs's one batch of all rows); nullopt: every rank holds all rows.
    DataParallel(std::shared_ptr<optim::Communicator> comm, Network<T>& network,
                 std::optional<std::size_t> shard_of = std::nullopt);

    /// As network.loss_and_gradients(X, Y, rows, count, alpha) for the global batch rows[0 ..
    /// count) (rows == nullptr: 0 .. count-1), the same on every rank. Collective.
    T loss_and_gradients(const Array<T>& X, const Array<T>& Y, const std::size_t* rows, std::size_t count,
                         double alpha);
    /// Sharded: rows [begin, end) of Y (all rows) that go with this rank's X.
    Array<T> my_rows(const Array<T>& Y) const;
    /// The global rows of a batch of all rows: X's, or shard_of.
    std::size_t all_rows(const Array<T>& X) const { return shard_of_ ? *shard_of_ : X.shape()[0]; }
    /// network.predict(X) on every rank, each computing its share of the rows. Collective.
    Array<T> predict(const Array<T>& X);

    optim::Communicator& communicator() const { return *comm_; }

private:
    std::shared_ptr<optim::Communicator> comm_;
    Network<T>& network_;
    std::vector<Parameter<T>*> params_;  ///< network_.parameters(): coefs, then intercepts
    optim::GradientAllreduce<T> reduce_;
    std::vector<std::size_t> share_rows_;  ///< a contiguous share as row indices (rows == nullptr)
    std::vector<T> outputs_;               ///< predict's gather buffer, with the failure flag
    std::optional<std::size_t> shard_of_;
};

/// A fingerprint of the shapes and bytes of X and Y, to check that every rank fits the same data;
/// of X only its width unless x_values.
template <class T>
std::uint64_t data_fingerprint(const Array<T>& X, const Array<T>& Y, bool x_values = true);

extern template class DataParallel<float>;
extern template class DataParallel<double>;

}  // namespace tapegrad::mlp
