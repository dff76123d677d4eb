#include "mpi_communicator.hpp"

#include <mpi.h>

#include <climits>
#include <cstdio>
#include <cstdlib>
#include <iostream>
#include <mutex>

#include <fmt/format.h>

namespace tapegrad::mpi {

namespace {

/// Throws naming the MPI call (reached only where MPI was told to return errors).
void check(int code, const char* call) {
    if (code == MPI_SUCCESS) return;
    char text[MPI_MAX_ERROR_STRING];
    int length = 0;
    MPI_Error_string(code, text, &length);
    throw Error(fmt::format("{}: {}", call, std::string(text, static_cast<std::size_t>(length))));
}

/// MPI counts are int: a longer buffer goes in several calls.
template <class T>
void allreduce_in_chunks(T* data, std::size_t n, MPI_Datatype type) {
    constexpr std::size_t kChunk = static_cast<std::size_t>(INT_MAX);
    for (std::size_t done = 0; done < n; done += kChunk) {
        const int count = static_cast<int>(std::min(kChunk, n - done));
        check(MPI_Allreduce(MPI_IN_PLACE, data + done, count, type, MPI_SUM, MPI_COMM_WORLD), "MPI_Allreduce");
    }
}

}  // namespace

MpiCommunicator::MpiCommunicator(int* argc, char*** argv) {
    int initialized = 0;
    MPI_Initialized(&initialized);
    if (!initialized) {
        check(MPI_Init(argc, argv), "MPI_Init");
        finalize_ = true;
    }
    MPI_Comm_rank(MPI_COMM_WORLD, &rank_);
    MPI_Comm_size(MPI_COMM_WORLD, &size_);
}

MpiCommunicator::~MpiCommunicator() {
    int finalized = 0;
    MPI_Finalized(&finalized);
    if (finalize_ && !finalized) MPI_Finalize();
}

void MpiCommunicator::allreduce_sum(double* data, std::size_t n) { allreduce_in_chunks(data, n, MPI_DOUBLE); }
void MpiCommunicator::allreduce_sum(float* data, std::size_t n) { allreduce_in_chunks(data, n, MPI_FLOAT); }

int MpiCommunicator::allreduce_min(int value) {
    int result = value;
    check(MPI_Allreduce(&value, &result, 1, MPI_INT, MPI_MIN, MPI_COMM_WORLD), "MPI_Allreduce");
    return result;
}

void MpiCommunicator::broadcast(std::string& bytes, int root) {
    if (bytes.size() > static_cast<std::size_t>(INT_MAX)) throw Error("MpiCommunicator::broadcast: message over 2 GiB");
    int length = static_cast<int>(bytes.size());
    check(MPI_Bcast(&length, 1, MPI_INT, root, MPI_COMM_WORLD), "MPI_Bcast");
    bytes.resize(static_cast<std::size_t>(length));
    if (length > 0) check(MPI_Bcast(bytes.data(), length, MPI_CHAR, root, MPI_COMM_WORLD), "MPI_Bcast");
}

void MpiCommunicator::barrier() { check(MPI_Barrier(MPI_COMM_WORLD), "MPI_Barrier"); }

void MpiCommunicator::abort(const std::string& message, int exit_code) {
    // C stdio, not std::cerr: a program may have silenced std::cerr on ranks other than 0.
    std::cout.flush();
    if (!message.empty()) std::fprintf(stderr, "%s\n", message.c_str());
    std::fflush(stderr);
    MPI_Abort(MPI_COMM_WORLD, exit_code);
    std::exit(exit_code);  // MPI_Abort does not return; this is for the compiler
}

std::shared_ptr<MpiCommunicator> world(int& argc, char**& argv) {
    static std::mutex mutex;
    static std::weak_ptr<MpiCommunicator> existing;
    std::lock_guard<std::mutex> lock(mutex);
    if (auto comm = existing.lock()) return comm;
    auto comm = std::make_shared<MpiCommunicator>(&argc, &argv);
    existing = comm;
    return comm;
}

bool launched_by_mpirun() {
    for (const char* name : {"OMPI_COMM_WORLD_SIZE", "PMI_SIZE", "PMIX_RANK", "MPI_LOCALNRANKS"})
        if (std::getenv(name)) return true;
    return false;
}

}  // namespace tapegrad::mpi
