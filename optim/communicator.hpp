#pragma once
/// The processes of a data-parallel training run ("ranks") and what they do together.
///
/// `Communicator` is the interface the optimizers' data-parallel helper (gradient_allreduce.hpp)
/// and the estimators use; it names no MPI type, so autograd, nn and optim build without MPI.
/// Implementations: `SerialCommunicator` (one rank, every collective a no-op; the default) and
/// `tapegrad::mpi::MpiCommunicator` (mpi/, built when CMake finds MPI) over MPI_COMM_WORLD.
///
/// Every member but rank() and size() is a COLLECTIVE: every rank must call it, in the same
/// order, with the same sizes, or the run hangs. The non-virtual members build the failure
/// protocol on the virtual primitives:
///
///     agree(error)          every rank says whether its own work failed (error != nullptr);
///                           no failure: returns on every rank; a failure: the lowest failing
///                           rank's message is broadcast and EVERY rank throws (a RankError,
///                           or on a failing rank its own exception), so all stop together.
///     collectively(work)    runs work() on this rank, catching what it throws, then agree().
///     allreduce_sum_or_fail a sum whose last element is a failure flag: agree() folded into
///                           the allreduce a training step makes anyway (no extra message).
///
/// An exception that escapes between collectives on one rank only (so that the others wait in
/// the next one) cannot be agreed: the program's last resort is abort(), which ends every rank
/// (mpirun's MPI_Abort) instead of leaving them to hang.

#include <cstddef>
#include <exception>
#include <string>
#include <vector>

#include <tapegrad/autograd/array.hpp>

namespace tapegrad::optim {

/// Thrown on every rank when another rank's work failed: the message is that rank's, prefixed
/// with "rank <r> of <size>: ".
class RankError : public Error {
public:
    RankError(int failed_rank, const std::string& message) : Error(message), failed_rank_(failed_rank) {}
    /// The lowest rank whose work failed.
    int failed_rank() const { return failed_rank_; }

private:
    int failed_rank_;
};

class Communicator {
public:
    virtual ~Communicator() = default;

    /// This process's rank, in [0, size()).
    virtual int rank() const = 0;
    /// The number of ranks (1 for a serial run).
    virtual int size() const = 0;

    // ---- primitives (collective) -----------------------------------------------------------
    /// data[i] = sum over ranks of data[i], the same result on every rank, in place.
    virtual void allreduce_sum(double* data, std::size_t n) = 0;
    virtual void allreduce_sum(float* data, std::size_t n) = 0;
    /// The smallest `value` over the ranks.
    virtual int allreduce_min(int value) = 0;
    /// Every rank's `bytes` become root's (resized as needed).
    virtual void broadcast(std::string& bytes, int root) = 0;
    /// Returns once every rank has called it.
    virtual void barrier() = 0;
    /// NOT collective: prints `message` to stderr and ends every rank's process with
    /// `exit_code` (MPI_Abort); the serial communicator exits this process.
    [[noreturn]] virtual void abort(const std::string& message, int exit_code) = 0;

    // ---- built on the primitives (collective) ---------------------------------------------
    /// The sum of `value` over the ranks.
    double allreduce_sum(double value);
    /// See the file comment. `error` is this rank's failure (nullptr: it succeeded).
    void agree(const std::exception_ptr& error);
    /// Runs `work()` here, then agree()s on whether it threw anywhere.
    template <class Work>
    void collectively(Work&& work) {
        std::exception_ptr error;
        try {
            work();
        } catch (...) {
            error = std::current_exception();
        }
        agree(error);
    }
    /// Rank 0's `value` on every rank.
    unsigned broadcast_from_root(unsigned value);
    /// True once agree() has thrown on this rank: every rank then stopped with the same failure
    /// and may end normally. An error with this still false may be this rank's alone (the
    /// others waiting in a collective): end the run with abort() then.
    bool stopped_together() const { return stopped_together_; }

private:
    bool stopped_together_ = false;
};

/// One rank: allreduce and broadcast leave the data as it is, agree() rethrows this rank's own
/// error, abort() prints and exits.
class SerialCommunicator final : public Communicator {
public:
    int rank() const override { return 0; }
    int size() const override { return 1; }
    void allreduce_sum(double*, std::size_t) override {}
    void allreduce_sum(float*, std::size_t) override {}
    using Communicator::allreduce_sum;
    int allreduce_min(int value) override { return value; }
    void broadcast(std::string&, int) override {}
    void barrier() override {}
    [[noreturn]] void abort(const std::string& message, int exit_code) override;
};

/// Collective: sums buffer[0 .. n-1) over the ranks (allreduce_sum) and, in the same call, finds
/// out whether any rank failed: buffer[n-1] is the failure flag (set here from `error`). With no
/// failure it returns the sums; otherwise every rank throws as from agree(). So a step whose
/// local work may fail still needs ONE collective when it does not. n >= 1.
template <class T>
void allreduce_sum_or_fail(Communicator& comm, std::vector<T>& buffer, const std::exception_ptr& error);

/// The message of an exception_ptr's exception ("unknown exception" for a non-std one).
std::string message_of(const std::exception_ptr& error);

}  // namespace tapegrad::optim
