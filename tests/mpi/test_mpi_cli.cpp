// `mpirun -np N tapegrad fit ...` against `tapegrad fit ...` in one process: the same loss curve
// and model to 1e-10 relative; only rank 0 prints and writes; a bad data file on one rank (an
// MPMD line gives each rank its own --data) stops every rank with that rank's error.
#include <cmath>
#include <sstream>
#include <string>
#include <vector>

#include <gtest/gtest.h>

#include <tapegrad/cli/model_file.hpp>
#include <tapegrad/io/npy.hpp>

#include "compare.hpp"
#include "mlp_cases.hpp"
#include "mpirun.hpp"

namespace mpi_test {
namespace {

class MpiCliTest : public MpiTest {
protected:
    void SetUp() override {
        MpiTest::SetUp();
        tapegrad::Array<double> X;
        std::vector<std::int64_t> labels;
        make_classification(60, 3, X, labels);
        tapegrad::Array<double> y = tapegrad::Array<double>::from_shape({labels.size()});
        for (std::size_t i = 0; i < labels.size(); ++i) y(i) = static_cast<double>(labels[i]);
        tapegrad::io::save_npy(path("X.npy"), X);
        tapegrad::io::save_npy(path("y.npy"), y);
    }

    /// The fit's flags after `tapegrad`.
    std::vector<std::string> fit_args(const std::string& solver, const std::string& data = "X.npy") const {
        return {"fit", "--data", data, "--target", "y.npy", "--solver", solver, "--hidden-layer-sizes", "6",
                "--max-iter", "8", "--batch-size", "16", "--random-state", "1", "--save", "model.json",
                "--loss-curve", "loss.txt"};
    }

    /// What a fit wrote: the loss curve, then the model's coefs and intercepts.
    Fitted written() const {
        Fitted fitted;
        std::istringstream losses(read_text(path("loss.txt")));
        for (double loss; losses >> loss;) fitted.losses.push_back(loss);
        const tapegrad::cli::ModelFile model = tapegrad::cli::load_model(path("model.json"));
        fitted.weights = model.coefs;
        for (const auto& b : model.intercepts) fitted.weights.push_back(b);
        return fitted;
    }

    /// `tapegrad fit` in one process, without mpirun.
    RunResult run_alone(const std::vector<std::string>& args) const {
        std::string command = "cd " + shell_quote(dir_.string()) + " && " + shell_quote(TAPEGRAD_CLI);
        for (const auto& arg : args) command += " " + shell_quote(arg);
        command += " > .out 2> .err < /dev/null";
        const int status = std::system(command.c_str());
        return RunResult{WIFEXITED(status) ? WEXITSTATUS(status) : -1, read_text(path(".out")), read_text(path(".err"))};
    }

    void expect_same_fit_as_one_process(int ranks, const std::string& solver) {
        const RunResult alone = run_alone(fit_args(solver));
        ASSERT_EQ(alone.exit_code, 0) << describe(alone);
        const Fitted want = written();
        fs::remove(path("model.json"));
        fs::remove(path("loss.txt"));

        std::vector<std::string> launch{"-np", std::to_string(ranks), TAPEGRAD_CLI};
        for (const auto& arg : fit_args(solver)) launch.push_back(arg);
        const RunResult r = mpirun(launch);
        ASSERT_EQ(r.exit_code, 0) << describe(r);
        EXPECT_EQ(count_of(r.out, "MLPClassifier fitted: "), 1) << describe(r);  // rank 0 alone prints
        EXPECT_EQ(count_of(r.out, "model written to model.json"), 1) << describe(r);
        expect_relatively_equal(written(), want);
    }
};

TEST_F(MpiCliTest, AdamOnTwoRanksWritesTheOneProcessModel) { expect_same_fit_as_one_process(2, "adam"); }
TEST_F(MpiCliTest, SgdOnFourRanksWritesTheOneProcessModel) { expect_same_fit_as_one_process(4, "sgd"); }
TEST_F(MpiCliTest, LbfgsOnFourRanksWritesTheOneProcessModel) { expect_same_fit_as_one_process(4, "lbfgs"); }

TEST_F(MpiCliTest, ABadDataFileOnOneRankStopsEveryRankWithItsError) {
    {
        std::ofstream bad(path("bad.npy"), std::ios::binary);
        bad << read_text(path("X.npy")).substr(0, 300);  // truncated
    }
    std::vector<std::string> launch{"-np", "1", TAPEGRAD_CLI};
    for (const auto& arg : fit_args("adam", "X.npy")) launch.push_back(arg);
    launch.insert(launch.end(), {":", "-np", "1", TAPEGRAD_CLI});
    for (const auto& arg : fit_args("adam", "bad.npy")) launch.push_back(arg);
    const RunResult r = mpirun(launch, 60);
    ASSERT_FALSE(r.timed_out()) << describe(r);
    EXPECT_EQ(r.exit_code, 1) << describe(r);
    // rank 0 prints rank 1's error once; rank 1 is silent
    EXPECT_EQ(count_of(r.err, "tapegrad fit: error: rank 1 of 2: "), 1) << describe(r);
    EXPECT_EQ(count_of(r.err, "bad.npy"), 1) << describe(r);
    EXPECT_FALSE(fs::exists(path("model.json")));
    EXPECT_FALSE(fs::exists(path("loss.txt")));
}

TEST_F(MpiCliTest, LbfgsRanksReadOnlyTheirRowsOfTheNpyData) {
    // A NaN in row 50 of 60: in rank 3's share of 4 ([45, 60)) only. Had every rank read all rows,
    // rank 0 would be the (lowest) failing rank.
    tapegrad::Array<double> X = tapegrad::io::load_npy<double>(path("X.npy"));
    X(50, 1) = std::nan("");
    tapegrad::io::save_npy(path("X.npy"), X);
    std::vector<std::string> launch{"-np", "4", TAPEGRAD_CLI};
    for (const auto& arg : fit_args("lbfgs")) launch.push_back(arg);
    const RunResult r = mpirun(launch, 60);
    ASSERT_FALSE(r.timed_out()) << describe(r);
    EXPECT_EQ(r.exit_code, 1) << describe(r);
    EXPECT_EQ(count_of(r.err, "tapegrad fit: error: rank 3 of 4: X.npy: NaN at row 50, column 1"), 1) << describe(r);
}

TEST_F(MpiCliTest, ABadFlagStopsEveryRankAsInOneProcess) {
    std::vector<std::string> launch{"-np", "2", TAPEGRAD_CLI};
    for (const auto& arg : fit_args("adam")) launch.push_back(arg);
    launch.insert(launch.end(), {"--alpha", "-1"});
    const RunResult r = mpirun(launch, 60);
    ASSERT_FALSE(r.timed_out()) << describe(r);
    EXPECT_EQ(r.exit_code, 2) << describe(r);
    EXPECT_EQ(count_of(r.err, "tapegrad fit: error: The 'alpha' parameter of MLPClassifier"), 1) << describe(r);
}

}  // namespace
}  // namespace mpi_test
