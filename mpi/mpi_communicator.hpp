#pragma once
/// `optim::Communicator` over MPI's MPI_COMM_WORLD: the ranks that `mpirun -np N` starts.
///
///     int main(int argc, char** argv) {
///         auto comm = tapegrad::mpi::world(argc, argv);  // MPI_Init once; MPI_Finalize at the end
///         estimator.set_communicator(comm);                // or optim::GradientAllreduce(comm, ...)
///         ...
///     }
///
/// This header names no MPI type: a program links tapegrad::mpi and needs no MPI compiler flags.
/// MPI errors abort every rank (MPI's default handler), so a rank that crashes or is killed ends
/// the run rather than leaving the others waiting.

#include <memory>
#include <string>

#include <tapegrad/optim/communicator.hpp>

namespace tapegrad::mpi {

class MpiCommunicator final : public optim::Communicator {
public:
    /// Initialises MPI unless it already is (then MPI_Finalize is left to whoever did).
    MpiCommunicator(int* argc, char*** argv);
    /// MPI_Finalize if this object initialised MPI.
    ~MpiCommunicator() override;
    MpiCommunicator(const MpiCommunicator&) = delete;
    MpiCommunicator& operator=(const MpiCommunicator&) = delete;

    int rank() const override { return rank_; }
    int size() const override { return size_; }
    void allreduce_sum(double* data, std::size_t n) override;
    void allreduce_sum(float* data, std::size_t n) override;
    using optim::Communicator::allreduce_sum;
    int allreduce_min(int value) override;
    void broadcast(std::string& bytes, int root) override;
    void barrier() override;
    /// Prints "<message>" (unless empty) to stderr (C stdio, whatever std::cerr's buffer is), then
    /// MPI_Abort(MPI_COMM_WORLD, exit_code): mpirun ends every rank.
    [[noreturn]] void abort(const std::string& message, int exit_code) override;

private:
    bool finalize_ = false;
    int rank_ = 0, size_ = 1;
};

/// The communicator of every rank mpirun started (MPI_COMM_WORLD); initialises MPI on first use.
/// One object per process: later calls return the same one.
std::shared_ptr<MpiCommunicator> world(int& argc, char**& argv);

/// True when this process was started by mpirun/mpiexec (an MPI launcher's variables are set),
/// without initialising MPI: a program can then decide whether to call world().
bool launched_by_mpirun();

}  // namespace tapegrad::mpi
