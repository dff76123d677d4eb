// The program the MPI tests start under `mpirun -np N`: one scenario per run, named by the first
// argument. Rank 0 writes results to a file; every rank checks that its final weights are rank
// 0's, bit for bit. Exit status: 0 as expected, 3 "stopped with an agreed error" (printed), 1 a
// check failed.
//
//   primitives                      allreduce, min, broadcast, barrier, agree without failures
//   agree RANK                      collectively() whose work throws on RANK only
//   allreduce-fail RANK             GradientAllreduce whose local work throws on RANK only
//   uncaught RANK                   RANK throws outside any collective: the program aborts all
//   custom adam|sgd EPOCHS OUT      the user's own model through GradientAllreduce
//   mlp CASE OUT                    an estimator's fit with set_communicator (mlp_cases.hpp)
//   mlp-float OUT                   a float classifier's fit (mlp_cases.hpp, fit_float_case)
//   mlp-nan-on RANK                 a classifier fit whose X has a NaN on RANK only
//   mlp-other-data-on RANK          a classifier fit whose X differs (finite) on RANK only
//   time-allreduce N REPS           rank 0 prints the mean time of an allreduce of N doubles
//                                   (for docs/distributed.md; not a test)
#include <chrono>
#include <cmath>
#include <cstdlib>
#include <exception>
#include <iostream>
#include <string>
#include <vector>

#include <fmt/format.h>

#include <tapegrad/mpi/mpi_communicator.hpp>

#include "custom_model.hpp"
#include "fitted_file.hpp"
#include "mlp_cases.hpp"

using namespace tapegrad;

namespace {

int fail(const optim::Communicator& comm, const std::string& what) {
    std::cerr << fmt::format("rank {}: CHECK FAILED: {}\n", comm.rank(), what);
    return 1;
}

int primitives(optim::Communicator& comm) {
    const int rank = comm.rank(), size = comm.size();
    std::vector<double> values{1.0 * rank, 0.5, -2.0 * rank};
    comm.allreduce_sum(values.data(), values.size());
    const double ranks = size * (size - 1) / 2.0;
    if (values != std::vector<double>{ranks, 0.5 * size, -2 * ranks}) return fail(comm, "allreduce_sum(double*)");
    std::vector<float> floats{static_cast<float>(rank), 1.0f};
    comm.allreduce_sum(floats.data(), floats.size());
    if (floats != std::vector<float>{static_cast<float>(ranks), static_cast<float>(size)})
        return fail(comm, "allreduce_sum(float*)");
    if (comm.allreduce_sum(2.0) != 2.0 * size) return fail(comm, "allreduce_sum(double)");
    if (comm.allreduce_min(10 - rank) != 10 - (size - 1)) return fail(comm, "allreduce_min");
    std::string text = rank == size - 1 ? "from the last rank" : "";
    comm.broadcast(text, size - 1);
    if (text != "from the last rank") return fail(comm, "broadcast");
    if (comm.broadcast_from_root(rank == 0 ? 12345u : 7u) != 12345u) return fail(comm, "broadcast_from_root");
    comm.barrier();
    comm.agree(nullptr);
    comm.collectively([] {});
    std::cout << fmt::format("rank {} of {}: primitives ok\n", rank, size);
    return 0;
}

/// Every rank must leave with an error; prints what it caught.
template <class Work>
int expect_agreed_error(optim::Communicator& comm, Work&& work) {
    try {
        work();
    } catch (const optim::RankError& e) {
        std::cout << fmt::format("rank {}: stopped: RankError from rank {}: {}\n", comm.rank(), e.failed_rank(), e.what());
        return 3;
    } catch (const std::exception& e) {
        std::cout << fmt::format("rank {}: stopped: own error: {}\n", comm.rank(), e.what());
        return 3;
    }
    return fail(comm, "no error was raised");
}

int agree(optim::Communicator& comm, int failing_rank) {
    return expect_agreed_error(comm, [&] {
        comm.collectively([&] {
            if (comm.rank() == failing_rank) throw Error("cannot open data_" + std::to_string(failing_rank) + ".npy");
        });
    });
}

int allreduce_fail(const std::shared_ptr<optim::Communicator>& comm, int failing_rank) {
    Parameter<double> w(xt::zeros<double>({std::size_t(4)}));
    optim::GradientAllreduce<double> reduce(comm, {&w});
    // one good step first: the failure comes in the middle of a run
    reduce.mean(comm->size(), [&] { w.grad.fill(1.0); return 1.0; });
    if (w.grad(0) != 1.0) return fail(*comm, "mean of a good step");
    return expect_agreed_error(*comm, [&] {
        reduce.mean(comm->size(), [&] {
            if (comm->rank() == failing_rank) throw Error("NaN in row 17 of this rank's share");
            w.grad.fill(1.0);
            return 1.0;
        });
    });
}

/// Every rank's weights must be rank 0's, bit for bit.
int check_identical(optim::Communicator& comm, const mpi_test::Fitted& fitted) {
    std::string bytes;
    for (const auto& w : fitted.weights) bytes.append(reinterpret_cast<const char*>(w.data()), w.size() * sizeof(double));
    const std::string mine = bytes;
    comm.broadcast(bytes, 0);
    if (bytes != mine) return fail(comm, "final weights differ from rank 0's");
    return 0;
}

int run(const std::shared_ptr<optim::Communicator>& comm, const std::vector<std::string>& args) {
    const std::string scenario = args.empty() ? "" : args[0];
    if (scenario == "primitives") return primitives(*comm);
    if (scenario == "agree" && args.size() == 2) return agree(*comm, std::stoi(args[1]));
    if (scenario == "allreduce-fail" && args.size() == 2) return allreduce_fail(comm, std::stoi(args[1]));
    if (scenario == "uncaught" && args.size() == 2) {
        if (comm->rank() == std::stoi(args[1])) throw Error("a bug outside any collective");
        comm->barrier();  // the others wait here for a rank that never comes
        return fail(*comm, "the barrier returned although a rank had thrown");
    }
    if (scenario == "custom" && args.size() == 4) {
        const mpi_test::Fitted fitted = mpi_test::train_custom_model(comm, args[1], std::stoi(args[2]));
        if (const int status = check_identical(*comm, fitted)) return status;
        if (comm->rank() == 0) mpi_test::write_fitted(args[3], fitted);
        return 0;
    }
    if (scenario == "mlp" && args.size() == 3) {
        const mpi_test::Fitted fitted = mpi_test::fit_mlp_case(args[1], comm);
        if (const int status = check_identical(*comm, fitted)) return status;
        if (comm->rank() == 0) mpi_test::write_fitted(args[2], fitted);
        return 0;
    }
    if (scenario == "mlp-float" && args.size() == 2) {
        const mpi_test::Fitted fitted = mpi_test::fit_float_case(comm);
        if (const int status = check_identical(*comm, fitted)) return status;
        if (comm->rank() == 0) mpi_test::write_fitted(args[1], fitted);
        return 0;
    }
    if ((scenario == "mlp-nan-on" || scenario == "mlp-other-data-on") && args.size() == 2) {
        Array<double> X;
        std::vector<std::int64_t> labels;
        mpi_test::make_classification(40, 3, X, labels);
        if (comm->rank() == std::stoi(args[1])) X(7, 2) = scenario == "mlp-nan-on" ? std::nan("") : X(7, 2) + 1e-9;
        mlp::MLPParams params;
        params.hidden_layer_sizes = {4};
        params.max_iter = 2;
        mlp::MLPClassifier<double> estimator(params);
        estimator.set_communicator(comm);
        return expect_agreed_error(*comm, [&] { estimator.fit(X, mlp::Labels(labels)); });
    }
    if (scenario == "time-allreduce" && args.size() == 3) {
        std::vector<double> buffer(std::stoul(args[1]), 1.0);
        const int reps = std::stoi(args[2]);
        comm->allreduce_sum(buffer.data(), buffer.size());  // warm up
        comm->barrier();
        const auto start = std::chrono::steady_clock::now();
        for (int i = 0; i < reps; ++i) comm->allreduce_sum(buffer.data(), buffer.size());
        const std::chrono::duration<double> seconds = std::chrono::steady_clock::now() - start;
        if (comm->rank() == 0)
            std::cout << fmt::format("allreduce of {} doubles on {} ranks: {:.3f} ms\n", buffer.size(), comm->size(),
                                     1e3 * seconds.count() / reps);
        return 0;
    }
    throw Error("mpi_worker: unknown scenario or wrong arguments (see the comment at the top of mpi_worker.cpp)");
}

}  // namespace

int main(int argc, char** argv) {
    auto comm = mpi::world(argc, argv);
    try {
        return run(comm, std::vector<std::string>(argv + 1, argv + argc));
    } catch (const std::exception& e) {
        // Not agreed with the other ranks (they may be waiting in a collective): end them all.
        comm->abort(fmt::format("mpi_worker rank {}: error: {}", comm->rank(), e.what()), 4);
    }
}
