// The command line's reliability:
//   - files it writes are all-or-nothing: a write that fails (here: the file size limit of
//     `ulimit -f`, which fails write() with EFBIG as a full disk fails it with ENOSPC) or a process
//     killed in the middle of writing leaves the previous file byte for byte; no writer in cli/,
//     io/ or examples/ opens an output file except through io::write_file_atomically;
//   - `fit --anomaly` stops at the first NaN or inf, naming the op;
//   - the same data and --random-state give the same model file byte for byte, from process to
//     process, with OpenBLAS on 1 thread and on 2.

#include <csignal>
#include <fstream>

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include "cli_runner.hpp"

namespace {

using cli_test::CliTest;
using cli_test::RunResult;
using cli_test::shell_quote;
using ::testing::HasSubstr;
namespace fs = std::filesystem;

/// Runs the CLI from a bash command line with a set-up of its own.
class ShellCliTest : public CliTest {
protected:
    /// Runs the CLI after `shell_setup` (e.g. "ulimit -f 1", "export X=1") in a bash of its own;
    /// exit code -1 when a signal ended it (killed_by_ says which).
    RunResult run_limited(const std::string& shell_setup, const std::vector<std::string>& args) const {
        std::string command = "cd " + shell_quote(dir_.string()) + " && " + shell_setup + " && exec " + shell_quote(TAPEGRAD_CLI);
        for (const auto& arg : args) command += " " + shell_quote(arg);
        command += " > " + shell_quote(path(".stdout")) + " 2> " + shell_quote(path(".stderr")) + " < /dev/null";
        const int status = std::system(("/bin/bash -c " + shell_quote(command)).c_str());
        RunResult result;
        result.exit_code = WIFEXITED(status) ? WEXITSTATUS(status) : -1;
        // A shell reports its child's death by a signal as 128 + the signal.
        killed_by_ = WIFSIGNALED(status) ? WTERMSIG(status) : (result.exit_code > 128 ? result.exit_code - 128 : 0);
        result.out = read(".stdout");
        result.err = read(".stderr");
        fs::remove(path(".stdout"));
        fs::remove(path(".stderr"));
        return result;
    }

    mutable int killed_by_ = 0;  ///< the signal that ended the last run_limited, or 0
};

class CliFiles : public ShellCliTest {
protected:
    void SetUp() override {
        ShellCliTest::SetUp();
        std::string data = "x1,x2,label\n";
        for (int i = 0; i < 40; ++i) data += std::to_string(i % 7) + "," + std::to_string((i * 3) % 5) + "," + (i % 2 ? "a" : "b") + "\n";
        write("train.csv", data);
    }

    std::vector<std::string> fit_args(const std::string& hidden) const {
        return {"fit", "--data", "train.csv", "--label-column", "label", "--hidden-layer-sizes", hidden,
                "--max-iter", "3", "--random-state", "0", "--save", "model.json", "--loss-curve", "loss.txt"};
    }

    /// The model from a small first fit: the file the failed writes must leave alone.
    void first_fit() {
        const RunResult first = run(fit_args("2"));
        ASSERT_EQ(first.exit_code, 0) << first.err;
        old_model_ = read("model.json");
        old_loss_ = read("loss.txt");
        ASSERT_LT(old_model_.size(), 8192u);  // fits under the limits below
    }

    /// No temporary file (".model.json.tmp.<pid>.<n>") is left next to the outputs.
    void expect_no_temporary() const {
        for (const auto& name : files()) EXPECT_EQ(name.find(".tmp."), std::string::npos) << "left behind: " << name;
    }

    std::string old_model_, old_loss_;
};

// A failed write (EFBIG, as ENOSPC on a full disk): a clear error, the old files, no temporary.
TEST_F(CliFiles, FailedWriteLeavesTheOldModelFile) {
    first_fit();
    // 200 hidden units: a model file of ~ 20 kB against a limit of 8 kB. SIGXFSZ ignored: write()
    // fails with EFBIG instead of the signal killing the process.
    const RunResult failed = run_limited("trap '' XFSZ && ulimit -f 8", fit_args("200"));
    EXPECT_EQ(failed.exit_code, 1) << failed.err;
    EXPECT_THAT(failed.err, HasSubstr("model.json: writing failed"));
    EXPECT_THAT(failed.err, HasSubstr("the file was left unchanged"));
    EXPECT_EQ(read("model.json"), old_model_);
    EXPECT_EQ(read("loss.txt"), old_loss_);  // written first or not at all: both outputs or none
    expect_no_temporary();
}

// Killed while writing (SIGXFSZ's default action ends the process mid-write, as a crash or a
// power cut would): the old model file is intact. Only a stray temporary can remain.
TEST_F(CliFiles, ProcessKilledWhileWritingLeavesTheOldModelFile) {
    first_fit();
    const RunResult killed = run_limited("ulimit -f 8", fit_args("200"));
    EXPECT_EQ(killed_by_, SIGXFSZ) << "exit code " << killed.exit_code << ": " << killed.err;
    EXPECT_EQ(read("model.json"), old_model_);
    EXPECT_EQ(read("loss.txt"), old_loss_);
}

TEST_F(CliFiles, FailedPredictionWriteLeavesTheOldOutput) {
    first_fit();
    std::string test = "x1,x2\n";
    for (int i = 0; i < 3000; ++i) test += std::to_string(i % 11) + "," + std::to_string(i % 13) + "\n";
    write("test.csv", test);
    write("predicted.csv", "old predictions\n");
    const RunResult failed = run_limited("trap '' XFSZ && ulimit -f 16",
                                         {"predict", "--model", "model.json", "--data", "test.csv", "--proba", "--out", "predicted.csv"});
    EXPECT_EQ(failed.exit_code, 1) << failed.err;
    EXPECT_THAT(failed.err, HasSubstr("predicted.csv: writing failed"));
    EXPECT_EQ(read("predicted.csv"), "old predictions\n");
    expect_no_temporary();
}

TEST_F(CliFiles, FailedExportLeavesTheOldWeights) {
    const RunResult fitted = run(fit_args("200"));
    ASSERT_EQ(fitted.exit_code, 0) << fitted.err;
    fs::create_directory(path("weights"));
    write("weights/coef_0.npy", "old coef");
    const RunResult failed = run_limited("trap '' XFSZ && ulimit -f 2", {"export-weights", "--model", "model.json", "--out", "weights"});
    EXPECT_EQ(failed.exit_code, 1) << failed.err;
    EXPECT_THAT(failed.err, HasSubstr("coef_0.npy: writing failed"));
    EXPECT_EQ(read("weights/coef_0.npy"), "old coef");
    expect_no_temporary();
}

// Every output file of the library, the command line and the examples goes through
// io::write_file_atomically: no other code opens a file for writing.
TEST(Writers, OnlyTheAtomicWriterOpensFilesForWriting) {
    const fs::path root = TAPEGRAD_SOURCE_DIR;
    const char* opens_for_writing[] = {"std::ofstream", "std::fstream", "fopen(", "creat(", "O_WRONLY", "O_RDWR"};
    std::vector<std::string> offenders;
    std::size_t files_scanned = 0;
    for (const char* part : {"autograd", "nn", "optim", "io", "mlp", "mpi", "cli", "examples"}) {
        if (!fs::is_directory(root / part)) continue;
        for (const auto& entry : fs::recursive_directory_iterator(root / part)) {
            const std::string ext = entry.path().extension().string();
            if (ext != ".cpp" && ext != ".hpp") continue;
            if (entry.path().filename() == "atomic_file.cpp") continue;  // the one place that may
            ++files_scanned;
            std::ifstream in(entry.path());
            std::string line;
            for (std::size_t number = 1; std::getline(in, line); ++number) {
                const auto code = line.find_first_not_of(" \t");
                if (code != std::string::npos && line.compare(code, 2, "//") == 0) continue;  // comments may say it
                for (const char* call : opens_for_writing)
                    if (line.find(call) != std::string::npos)
                        offenders.push_back(entry.path().string() + ":" + std::to_string(number) + ": " + line);
            }
        }
    }
    EXPECT_GT(files_scanned, 50u);
    EXPECT_TRUE(offenders.empty()) << ::testing::PrintToString(offenders);
}

// ---- anomaly mode ------------------------------------------------------------------------

class CliAnomaly : public ShellCliTest {};

TEST_F(CliAnomaly, NamesTheOpThatOverflowed) {
    // Features of 1e200: every value in the network is finite up to the squared error, which is not.
    write("X.csv", "x\n1e200\n-1e200\n3e200\n-2e200\n");
    write("y.csv", "y\n1\n2\n3\n4\n");
    const std::vector<std::string> fit = {"fit", "--task", "regression", "--data", "X.csv", "--target", "y.csv",
                                          "--hidden-layer-sizes", "3", "--random-state", "0", "--save", "model.json"};
    std::vector<std::string> with_anomaly = fit;
    with_anomaly.push_back("--anomaly");
    const RunResult result = run(with_anomaly);
    EXPECT_EQ(result.exit_code, 1);
    EXPECT_THAT(result.err, HasSubstr("anomaly in forward: op 'squared_loss' (node "));
    EXPECT_THAT(result.err, HasSubstr("input shapes (4, 1), (4, 1); output shape ()) produced inf in its output"));
    EXPECT_FALSE(exists("model.json"));
}

TEST_F(CliAnomaly, ChangesNothingInAFiniteFit) {
    std::string data = "x1,x2,label\n";
    for (int i = 0; i < 30; ++i) data += std::to_string(i % 5) + "," + std::to_string(i % 3) + "," + std::to_string(i % 2) + "\n";
    write("train.csv", data);
    std::vector<std::string> fit = {"fit", "--data", "train.csv", "--label-column", "label", "--max-iter", "5",
                                    "--random-state", "1", "--save", "plain.json"};
    ASSERT_EQ(run(fit).exit_code, 0);
    fit.back() = "checked.json";
    fit.push_back("--anomaly");
    const RunResult checked = run(fit);
    ASSERT_EQ(checked.exit_code, 0) << checked.err;
    EXPECT_EQ(read("checked.json"), read("plain.json"));
}

// ---- determinism ---------------------------------------------------------------------------

class CliDeterminism : public ShellCliTest {};

TEST_F(CliDeterminism, SameSeedSameModelFileFromProcessToProcess) {
    // 600 x 64 features into 128 hidden units: OpenBLAS splits these products between threads.
    std::string data = "label";
    for (int j = 0; j < 64; ++j) data += ",f" + std::to_string(j);
    data += "\n";
    unsigned state = 12345;
    for (int i = 0; i < 600; ++i) {
        data += std::to_string(i % 3);
        for (int j = 0; j < 64; ++j) {
            state = state * 1103515245u + 12345u;
            data += "," + std::to_string(static_cast<double>(state >> 8) / 16777216.0 + (j % 3 == i % 3 ? 1 : 0));
        }
        data += "\n";
    }
    write("train.csv", data);
    auto fit = [&](const std::string& threads, const std::string& model) {
        const RunResult result = run_limited("export OPENBLAS_NUM_THREADS=" + threads,
                                             {"fit", "--data", "train.csv", "--label-column", "label", "--hidden-layer-sizes",
                                              "128", "--max-iter", "3", "--random-state", "5", "--save", model});
        EXPECT_EQ(result.exit_code, 0) << result.err;
    };
    fit("1", "one.json");
    fit("1", "one_again.json");
    fit("2", "two.json");
    fit("2", "two_again.json");
    EXPECT_GT(read("one.json").size(), 100000u);
    EXPECT_EQ(read("one.json"), read("one_again.json"));
    EXPECT_EQ(read("two.json"), read("two_again.json"));
    // 1 against 2 threads: only where OpenBLAS's own products agree (tests/mlp/test_determinism.cpp).
}

}  // namespace
