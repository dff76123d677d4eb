// The MPI communicator and the failure protocol, and a user's own model trained data-parallel
// through optim::GradientAllreduce, under `mpirun --oversubscribe -np 2` and `-np 4`.
#include <gtest/gtest.h>

#include "compare.hpp"
#include "custom_model.hpp"
#include "fitted_file.hpp"
#include "mpirun.hpp"

namespace mpi_test {
namespace {

class MpiCommunicatorTest : public MpiTest, public ::testing::WithParamInterface<int> {};

TEST_P(MpiCommunicatorTest, PrimitivesGiveTheSameResultOnEveryRank) {
    const RunResult r = mpirun_np(GetParam(), MPI_WORKER, {"primitives"});
    ASSERT_EQ(r.exit_code, 0) << describe(r);
    EXPECT_EQ(count_of(r.out, "primitives ok"), GetParam()) << describe(r);
}

TEST_P(MpiCommunicatorTest, WorkFailingOnOneRankStopsEveryRankWithItsMessage) {
    const int n = GetParam(), failing = n - 1;
    const RunResult r = mpirun_np(n, MPI_WORKER, {"agree", std::to_string(failing)});
    ASSERT_FALSE(r.timed_out()) << describe(r);
    EXPECT_EQ(r.exit_code, 3) << describe(r);
    // the failing rank has its own error, every other rank the RankError naming it
    EXPECT_EQ(count_of(r.out, "stopped: own error: cannot open data_" + std::to_string(failing) + ".npy"), 1)
        << describe(r);
    EXPECT_EQ(count_of(r.out, "stopped: RankError from rank " + std::to_string(failing) + ": rank " +
                                  std::to_string(failing) + " of " + std::to_string(n) + ": cannot open data_"),
              n - 1)
        << describe(r);
}

TEST_P(MpiCommunicatorTest, GradientWorkFailingOnOneRankStopsEveryRankInTheSameAllreduce) {
    const int n = GetParam();
    const RunResult r = mpirun_np(n, MPI_WORKER, {"allreduce-fail", "1"});
    ASSERT_FALSE(r.timed_out()) << describe(r);
    EXPECT_EQ(r.exit_code, 3) << describe(r);
    EXPECT_EQ(count_of(r.out, "NaN in row 17 of this rank's share"), n) << describe(r);
    EXPECT_EQ(count_of(r.out, "RankError from rank 1: rank 1 of " + std::to_string(n)), n - 1) << describe(r);
}

TEST_P(MpiCommunicatorTest, AnErrorOutsideEveryCollectiveAbortsAllRanksInsteadOfHanging) {
    const RunResult r = mpirun_np(GetParam(), MPI_WORKER, {"uncaught", "0"}, 60);
    ASSERT_FALSE(r.timed_out()) << describe(r);
    EXPECT_NE(r.exit_code, 0) << describe(r);
    EXPECT_NE(r.err.find("mpi_worker rank 0: error: a bug outside any collective"), std::string::npos) << describe(r);
    EXPECT_EQ(r.out.find("CHECK FAILED"), std::string::npos) << describe(r);
}

TEST_P(MpiCommunicatorTest, UsersOwnModelWithAdamMatchesTheOneProcessLoop) {
    const RunResult r = mpirun_np(GetParam(), MPI_WORKER, {"custom", "adam", "20", "fitted.txt"});
    ASSERT_EQ(r.exit_code, 0) << describe(r);
    expect_relatively_equal(read_fitted(path("fitted.txt")), train_custom_model(nullptr, "adam", 20));
}

TEST_P(MpiCommunicatorTest, UsersOwnModelWithSgdMatchesTheOneProcessLoop) {
    const RunResult r = mpirun_np(GetParam(), MPI_WORKER, {"custom", "sgd", "20", "fitted.txt"});
    ASSERT_EQ(r.exit_code, 0) << describe(r);
    expect_relatively_equal(read_fitted(path("fitted.txt")), train_custom_model(nullptr, "sgd", 20));
}

INSTANTIATE_TEST_SUITE_P(Ranks, MpiCommunicatorTest, ::testing::Values(2, 4),
                         [](const ::testing::TestParamInfo<int>& info) { return "np" + std::to_string(info.param); });

}  // namespace
}  // namespace mpi_test
