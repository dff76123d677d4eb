#pragma once
// Runs the built `tapegrad` binary (path from CMake: TAPEGRAD_CLI) in a temporary directory of its
// own per test, capturing stdout, stderr and the exit code.

#include <sys/wait.h>
#include <unistd.h>

#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <sstream>
#include <string>
#include <vector>

#include <gtest/gtest.h>

namespace cli_test {

namespace fs = std::filesystem;

struct RunResult {
    int exit_code = -1;
    std::string out, err;
    /// The lines of stderr.
    std::vector<std::string> err_lines() const {
        std::vector<std::string> lines;
        std::istringstream in(err);
        for (std::string line; std::getline(in, line);) lines.push_back(line);
        return lines;
    }
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

/// A fresh directory per test, removed afterwards; `run` executes the CLI inside it.
class CliTest : public ::testing::Test {
protected:
    void SetUp() override {
        const auto* info = ::testing::UnitTest::GetInstance()->current_test_info();
        dir_ = fs::temp_directory_path() /
               (std::string("tapegrad_cli_") + std::to_string(::getpid()) + "_" + info->test_suite_name() + "_" + info->name());
        fs::remove_all(dir_);
        fs::create_directories(dir_);
    }
    void TearDown() override {
        if (!HasFailure()) fs::remove_all(dir_);
    }

    std::string path(const std::string& name) const { return (dir_ / name).string(); }
    void write(const std::string& name, const std::string& text) const {
        std::ofstream(path(name), std::ios::binary) << text;
    }
    std::string read(const std::string& name) const { return read_text(path(name)); }
    bool exists(const std::string& name) const { return fs::exists(path(name)); }
    /// Every file name in the test directory (to see that nothing, not even a temporary, was left).
    std::vector<std::string> files() const {
        std::vector<std::string> names;
        for (const auto& entry : fs::recursive_directory_iterator(dir_)) names.push_back(entry.path().filename().string());
        std::sort(names.begin(), names.end());
        return names;
    }

    RunResult run(const std::vector<std::string>& args) const {
        std::string command = "cd " + shell_quote(dir_.string()) + " && " + shell_quote(TAPEGRAD_CLI);
        for (const auto& arg : args) command += " " + shell_quote(arg);
        command += " > " + shell_quote(path(".stdout")) + " 2> " + shell_quote(path(".stderr")) + " < /dev/null";
        const int status = std::system(command.c_str());
        RunResult result;
        result.exit_code = WIFEXITED(status) ? WEXITSTATUS(status) : -1;
        result.out = read(".stdout");
        result.err = read(".stderr");
        fs::remove(path(".stdout"));
        fs::remove(path(".stderr"));
        return result;
    }

    fs::path dir_;
};

}  // namespace cli_test
