#pragma once
/// Data-parallel gradients: every rank computes the gradient of its share of each global batch,
/// one allreduce sums the shares, and every rank then takes the same optimizer step, so the
/// parameters stay identical on all ranks.
///
/// For a global batch of n rows, split over the ranks as share_of_rows(n, rank, size):
///
///     local_sums():  grad_r = sum over the rank's rows i of dL_i/dW,  loss_r = sum of L_i
///     allreduce:     grad = sum_r grad_r,  loss = sum_r loss_r  (one message, with a failure flag)
///     mean():        grad /= n,  loss /= n
///
/// Each rank sums (not averages) over its rows and the division by the GLOBAL row count happens
/// once, after the allreduce, so the result is the single-process gradient of the whole batch up
/// to the order of the summation (about 1e-16 relative per step). Terms that do not depend on
/// the rows (an L2 penalty) must be added once, after the reduction, not by every rank.
///
///     optim::GradientAllreduce<double> reduce(comm, model.parameters());
///     optim::Adam<double> adam(model.parameters(), {});
///     for each global batch rows[0 .. n):            // the same batches on every rank
///         RowRange mine = optim::share_of_rows(n, comm->rank(), comm->size());
///         double loss = reduce.mean(n, [&] { return model.loss_and_grad_sums(rows + mine.begin, mine.size()); });
///         adam.step();                                // the same step on every rank
///
/// A rank whose local_sums() throws still takes part in the allreduce (with a failure flag):
/// then every rank throws (Communicator::agree), none hangs.

#include <cstddef>
#include <functional>
#include <memory>
#include <vector>

#include <tapegrad/autograd/tape.hpp>

#include "communicator.hpp"

namespace tapegrad::optim {

/// Rows [begin, end) of a batch.
struct RowRange {
    std::size_t begin = 0, end = 0;
    std::size_t size() const { return end - begin; }
    bool empty() const { return begin == end; }
};

/// This rank's contiguous share of a batch of `count` rows: rank r of s gets
/// [count * r / s, count * (r + 1) / s) (sizes differ by at most one; empty for some ranks when
/// count < s). Error for size < 1 or rank outside [0, size).
RowRange share_of_rows(std::size_t count, int rank, int size);

template <class T>
class GradientAllreduce {
public:
    /// Error for a null communicator, an empty or null parameter list.
    GradientAllreduce(std::shared_ptr<Communicator> comm, std::vector<Parameter<T>*> params);

    /// Collective. Runs `local_sums()`, which must leave in every parameter's grad the SUM of
    /// the per-row gradients over this rank's rows (zeros when it has none) and return the sum
    /// of their losses; then sums the grads and the losses over the ranks in one allreduce.
    /// Every rank ends with the global sums in the grads and returns the global loss sum. If
    /// local_sums() throws on any rank, every rank throws (see Communicator::agree).
    double sum(const std::function<double()>& local_sums);
    /// sum(), then every grad and the loss divided by `global_rows` (> 0): the gradient and loss
    /// of the whole batch, as one process would compute them.
    double mean(std::size_t global_rows, const std::function<double()>& local_sums);

    Communicator& communicator() const { return *comm_; }
    /// Elements in one allreduce: every parameter's, the loss and the failure flag.
    std::size_t message_size() const { return buffer_.size(); }

private:
    std::shared_ptr<Communicator> comm_;
    std::vector<Parameter<T>*> params_;
    std::vector<T> buffer_;  ///< grads packed in order, then the loss, then the failure flag
};

extern template class GradientAllreduce<float>;
extern template class GradientAllreduce<double>;

}  // namespace tapegrad::optim
