// The README quotes code that the test suite compiles; these tests keep the quotes true.
#include <fstream>
#include <sstream>
#include <string>
#include <vector>

#include <gtest/gtest.h>

namespace {

std::string read(const std::string& relative_path) {
    std::ifstream in(std::string(TAPEGRAD_SOURCE_DIR) + "/" + relative_path);
    EXPECT_TRUE(in) << relative_path;
    std::stringstream text;
    text << in.rdbuf();
    return text.str();
}

/// The lines strictly between the lines containing `begin` and `end`, with the indentation of the
/// first line removed from every line.
std::string region(const std::string& text, const std::string& begin, const std::string& end) {
    std::istringstream in(text);
    std::vector<std::string> lines;
    bool inside = false;
    for (std::string line; std::getline(in, line);) {
        if (line.find(end) != std::string::npos && inside) break;
        if (inside) lines.push_back(line);
        if (line.find(begin) != std::string::npos) inside = true;
    }
    if (lines.empty()) return {};
    const std::size_t indent = lines.front().find_first_not_of(' ');
    std::string out;
    for (const auto& line : lines) out += (line.size() >= indent ? line.substr(indent) : line) + "\n";
    return out;
}

}  // namespace

TEST(Readme, QuotesTheCustomOpExampleThatTheTestsCompile) {
    const std::string snippet = region(read("tests/autograd/test_custom_op.cpp"), "[readme-custom-op]", "[readme-custom-op-end]");
    ASSERT_FALSE(snippet.empty());
    EXPECT_NE(read("README.md").find(snippet), std::string::npos) << "README lacks:\n" << snippet;
}

TEST(Readme, QuotesTheCustomModelTour) {
    std::string snippet = region(read("examples/custom_model.cpp"), "[readme-tour]", "[readme-tour-end]");
    ASSERT_FALSE(snippet.empty());
    // the example also reports progress each step; the README leaves that line out
    const std::string report = "report(step, loss.item(), adam.learning_rate());\n";
    const auto at = snippet.find(report);
    ASSERT_NE(at, std::string::npos);
    snippet.erase(snippet.rfind('\n', at - 1) + 1, snippet.find('\n', at) - snippet.rfind('\n', at - 1));
    EXPECT_NE(read("README.md").find(snippet), std::string::npos) << "README lacks:\n" << snippet;
}

TEST(Readme, QuotesTheSmallestProgramThatTheInstallTestBuilds) {
    const std::string program = read("tests/install/consumer/main.cpp");
    EXPECT_NE(read("README.md").find(program), std::string::npos) << "README lacks:\n" << program;
}

TEST(Readme, TestCommandIsTheOneCiRuns) {
    const std::string command = "cmake --build build -j2 && ctest --test-dir build --output-on-failure -j2";
    EXPECT_NE(read("README.md").find("```sh\n" + command + "\n```"), std::string::npos);
    EXPECT_NE(read(".ci/run").find("\n" + command + "\n"), std::string::npos);
}
