#include "communicator.hpp"

#include <cstdlib>
#include <iostream>

#include <fmt/format.h>

namespace tapegrad::optim {

double Communicator::allreduce_sum(double value) {
    allreduce_sum(&value, 1);
    return value;
}

void Communicator::agree(const std::exception_ptr& error) {
    const int n_ranks = size();
    // Ranks that succeeded offer n_ranks; the minimum is then the lowest failing rank, if any.
    const int failed_rank = allreduce_min(error ? rank() : n_ranks);
    if (failed_rank == n_ranks) return;
    stopped_together_ = true;
    std::string message = rank() == failed_rank ? message_of(error) : std::string();
    broadcast(message, failed_rank);
    if (error) std::rethrow_exception(error);
    throw RankError(failed_rank, fmt::format("rank {} of {}: {}", failed_rank, n_ranks, message));
}

unsigned Communicator::broadcast_from_root(unsigned value) {
    std::string bytes = std::to_string(value);
    broadcast(bytes, 0);
    return static_cast<unsigned>(std::stoul(bytes));
}

template <class T>
void allreduce_sum_or_fail(Communicator& comm, std::vector<T>& buffer, const std::exception_ptr& error) {
    if (buffer.empty()) throw Error("allreduce_sum_or_fail: the buffer has no room for the failure flag");
    buffer.back() = error ? T(1) : T(0);
    comm.allreduce_sum(buffer.data(), buffer.size());
    if (buffer.back() != T(0)) comm.agree(error);  // throws on every rank
}
template void allreduce_sum_or_fail<float>(Communicator&, std::vector<float>&, const std::exception_ptr&);
template void allreduce_sum_or_fail<double>(Communicator&, std::vector<double>&, const std::exception_ptr&);

void SerialCommunicator::abort(const std::string& message, int exit_code) {
    std::cout.flush();
    std::cerr << message << std::endl;
    std::exit(exit_code);
}

std::string message_of(const std::exception_ptr& error) {
    if (!error) return "";
    try {
        std::rethrow_exception(error);
    } catch (const std::exception& e) {
        return e.what();
    } catch (...) {
        return "unknown exception";
    }
}

}  // namespace tapegrad::optim
