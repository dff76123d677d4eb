#pragma once
// Starts programs under mpirun (the MPIEXEC that CMake's FindMPI found) on this machine, with
// --oversubscribe (more ranks than cores) and, as root, --allow-run-as-root; every run under
// `timeout`, so a hang fails the test (exit_code 124) instead of stalling the suite.
//
// Under AddressSanitizer (TAPEGRAD_SANITIZE) the ranks run with leak detection off: Open MPI's
// own allocations, some in plugins it unloads, are never freed and cannot be suppressed by
// name. Memory errors are still caught there, and leaks in tapegrad's data-parallel code are
// checked by tests/optim/test_data_parallel.cpp, which runs the same code on one rank.

#include <sys/wait.h>
#include <unistd.h>

#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <sstream>
#include <string>
#include <vector>

#include <gtest/gtest.h>

namespace mpi_test {

namespace fs = std::filesystem;

struct RunResult {
    int exit_code = -1;
    std::string out, err;
    bool timed_out() const { return exit_code == 124 || exit_code == 137; }
};

inline std::string read_text(const fs::path& path) {
    std::ifstream in(path, std::ios::binary);
    std::ostringstream text;
    text << in.rdbuf();
    return text.str();
}

inline std::string shell_quote(const std::string& arg) {
    std::string quoted = "'";
    for (char c : arg) quoted += c == '\'' ? std::string("'\\''") : std::string(1, c);
    return quoted + "'";
}

/// Count of non-overlapping occurrences of `needle` in `text`.
inline int count_of(const std::string& text, const std::string& needle) {
    int n = 0;
    for (std::size_t at = text.find(needle); at != std::string::npos; at = text.find(needle, at + needle.size())) ++n;
    return n;
}

#if defined(__SANITIZE_ADDRESS__)
inline const std::string kRankEnvironment = "ASAN_OPTIONS=detect_leaks=0 ";
#else
inline const std::string kRankEnvironment;
#endif

/// A fresh directory per test (removed when the test passed); `mpirun` runs inside it.
class MpiTest : public ::testing::Test {
protected:
    void SetUp() override {
        const auto* info = ::testing::UnitTest::GetInstance()->current_test_info();
        dir_ = fs::temp_directory_path() / (std::string("tapegrad_mpi_") + std::to_string(::getpid()) + "_" +
                                            info->test_suite_name() + "_" + info->name());
        fs::remove_all(dir_);
        fs::create_directories(dir_);
    }
    void TearDown() override {
        if (!HasFailure()) fs::remove_all(dir_);
    }
    std::string path(const std::string& name) const { return (dir_ / name).string(); }

    /// mpirun <launch_args...> in the test directory, e.g. {"-np", "2", program, args...} or an
    /// MPMD line {"-np", "1", prog, a, ":", "-np", "1", prog, b}.
    RunResult mpirun(const std::vector<std::string>& launch_args, int timeout_seconds = 90) const {
        std::string command = "cd " + shell_quote(dir_.string()) + " && " + kRankEnvironment + "timeout -k 10 " +
                              std::to_string(timeout_seconds) + " " + shell_quote(MPIEXEC) + " --oversubscribe";
        if (::geteuid() == 0) command += " --allow-run-as-root";
        for (const auto& arg : launch_args) command += " " + shell_quote(arg);
        command += " > " + shell_quote(path(".stdout")) + " 2> " + shell_quote(path(".stderr")) + " < /dev/null";
        const int status = std::system(command.c_str());
        RunResult result;
        result.exit_code = WIFEXITED(status) ? WEXITSTATUS(status) : -1;
        result.out = read_text(path(".stdout"));
        result.err = read_text(path(".stderr"));
        fs::remove(path(".stdout"));
        fs::remove(path(".stderr"));
        return result;
    }
    /// mpirun -np n program args...
    RunResult mpirun_np(int n, const std::string& program, const std::vector<std::string>& args,
                        int timeout_seconds = 90) const {
        std::vector<std::string> launch{"-np", std::to_string(n), program};
        launch.insert(launch.end(), args.begin(), args.end());
        return mpirun(launch, timeout_seconds);
    }

    fs::path dir_;
};

/// "exit 3\n--- stdout\n...\n--- stderr\n..." for failure messages.
inline std::string describe(const RunResult& r) {
    return "exit " + std::to_string(r.exit_code) + "\n--- stdout\n" + r.out + "\n--- stderr\n" + r.err;
}

}  // namespace mpi_test
