#pragma once
/// Runs an example program as a user does and captures what it prints.

#include <array>
#include <cstdio>
#include <filesystem>
#include <fstream>
#include <regex>
#include <sstream>
#include <stdexcept>
#include <string>
#include <sys/wait.h>
#include <unistd.h>
#include <vector>

namespace run_example {

struct Result {
    int exit_code = -1;
    std::string out, err;
};

/// A fresh, empty folder under the system's temporary folder, removed at destruction.
class TempDir {
public:
    TempDir() {
        std::string pattern = (std::filesystem::temp_directory_path() / "tapegrad_example_XXXXXX").string();
        if (!mkdtemp(pattern.data())) throw std::runtime_error("mkdtemp failed");
        path_ = pattern;
    }
    ~TempDir() {
        std::error_code ignored;
        std::filesystem::remove_all(path_, ignored);
    }
    TempDir(const TempDir&) = delete;
    TempDir& operator=(const TempDir&) = delete;
    const std::filesystem::path& path() const { return path_; }

private:
    std::filesystem::path path_;
};

inline std::string read_text(const std::filesystem::path& path) {
    std::ifstream in(path, std::ios::binary);
    std::ostringstream text;
    text << in.rdbuf();
    return text.str();
}

/// Runs `program` with `args` (each single-quoted for the shell) in `working_dir`.
inline Result run(const std::string& program, const std::vector<std::string>& args,
                  const std::filesystem::path& working_dir) {
    auto quote = [](const std::string& s) {
        std::string q = "'";
        for (char c : s) q += c == '\'' ? std::string("'\\''") : std::string(1, c);
        return q + "'";
    };
    const auto err_path = working_dir / "stderr.txt";
    std::string command = "cd " + quote(working_dir.string()) + " && " + quote(program);
    for (const auto& arg : args) command += " " + quote(arg);
    command += " 2>" + quote(err_path.string());
    Result result;
    FILE* pipe = popen(command.c_str(), "r");
    if (!pipe) throw std::runtime_error("popen failed for " + program);
    std::array<char, 4096> buffer;
    for (std::size_t n; (n = fread(buffer.data(), 1, buffer.size(), pipe)) > 0;) result.out.append(buffer.data(), n);
    const int status = pclose(pipe);
    result.exit_code = WIFEXITED(status) ? WEXITSTATUS(status) : -1;
    result.err = read_text(err_path);
    std::filesystem::remove(err_path);
    return result;
}

/// Every match of `pattern`'s first group in `text`, as numbers.
inline std::vector<double> numbers_after(const std::string& text, const std::string& pattern) {
    std::vector<double> values;
    const std::regex re(pattern);
    for (auto it = std::sregex_iterator(text.begin(), text.end(), re); it != std::sregex_iterator(); ++it)
        values.push_back(std::stod((*it)[1].str()));
    return values;
}

inline std::size_t count_lines(const std::string& text) {
    std::size_t n = 0;
    for (char c : text) n += c == '\n';
    return n;
}

}  // namespace run_example
