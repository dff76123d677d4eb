// MLPClassifier / MLPRegressor with set_communicator under `mpirun --oversubscribe -np 2` and
// `-np 4`: the loss curve (lbfgs: the loss of each iteration), the validation scores and the
// final weights equal the one-process fit's to 1e-10 relative, for adam, sgd (constant,
// invscaling, adaptive) and lbfgs; an error on one rank stops every rank.
#include <string>

#include <gtest/gtest.h>

#include "compare.hpp"
#include "fitted_file.hpp"
#include "mlp_cases.hpp"
#include "mpirun.hpp"

namespace mpi_test {
namespace {

struct Case {
    std::string name;
    int ranks;
};

class MpiEstimatorTest : public MpiTest, public ::testing::WithParamInterface<Case> {};

TEST_P(MpiEstimatorTest, MatchesTheOneProcessFit) {
    const Case& c = GetParam();
    const RunResult r = mpirun_np(c.ranks, MPI_WORKER, {"mlp", c.name, "fitted.txt"});
    ASSERT_EQ(r.exit_code, 0) << describe(r);
    expect_relatively_equal(read_fitted(path("fitted.txt")), fit_mlp_case(c.name, nullptr));
}

std::vector<Case> all_cases() {
    std::vector<Case> cases;
    for (const std::string& name : mlp_case_names())
        for (int ranks : {2, 4}) cases.push_back({name, ranks});
    return cases;
}

INSTANTIATE_TEST_SUITE_P(Cases, MpiEstimatorTest, ::testing::ValuesIn(all_cases()),
                         [](const ::testing::TestParamInfo<Case>& info) {
                             return info.param.name + "_np" + std::to_string(info.param.ranks);
                         });

class MpiEstimatorFloatTest : public MpiTest {};

TEST_F(MpiEstimatorFloatTest, AFloatFitMatchesTheOneProcessFitToFloatPrecision) {
    const RunResult r = mpirun_np(4, MPI_WORKER, {"mlp-float", "fitted.txt"});
    ASSERT_EQ(r.exit_code, 0) << describe(r);
    const Fitted got = read_fitted(path("fitted.txt")), want = fit_float_case(nullptr);
    ASSERT_EQ(got.losses.size(), want.losses.size());
    for (std::size_t i = 0; i < want.losses.size(); ++i) EXPECT_NEAR(got.losses[i], want.losses[i], 1e-4 * want.losses[i]);
    ASSERT_EQ(got.weights.size(), want.weights.size());
    for (std::size_t k = 0; k < want.weights.size(); ++k)
        for (std::size_t i = 0; i < want.weights[k].size(); ++i)
            EXPECT_NEAR(got.weights[k].data()[i], want.weights[k].data()[i], 1e-4) << "weight " << k << " element " << i;
}

class MpiEstimatorFailureTest : public MpiTest {};

TEST_F(MpiEstimatorFailureTest, BadDataOnOneRankStopsEveryRankBeforeTraining) {
    const RunResult r = mpirun_np(4, MPI_WORKER, {"mlp-nan-on", "2"});
    ASSERT_FALSE(r.timed_out()) << describe(r);
    EXPECT_EQ(r.exit_code, 3) << describe(r);
    EXPECT_EQ(count_of(r.out, "rank 2: stopped: own error: "), 1) << describe(r);
    EXPECT_EQ(count_of(r.out, "stopped: RankError from rank 2: rank 2 of 4: "), 3) << describe(r);
    EXPECT_EQ(count_of(r.out, "NaN"), 4) << describe(r);  // check_X's message, on every rank
}

TEST_F(MpiEstimatorFailureTest, DifferentDataOnOneRankIsAnErrorOnEveryRank) {
    const RunResult r = mpirun_np(2, MPI_WORKER, {"mlp-other-data-on", "1"});
    ASSERT_FALSE(r.timed_out()) << describe(r);
    EXPECT_EQ(r.exit_code, 3) << describe(r);
    EXPECT_EQ(count_of(r.out, "MLPClassifier: the training data on rank 1 (X (40, 4), targets (40, 3)) differ from "
                              "rank 0's: every rank must fit the same data"),
              2)
        << describe(r);
}

}  // namespace
}  // namespace mpi_test
