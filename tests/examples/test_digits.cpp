// examples/digits, run as a user runs it: accuracy and the confusion matrix.
#include <gtest/gtest.h>

#include <fstream>
#include <numeric>
#include <regex>
#include <sstream>

#include "run_example.hpp"

using namespace run_example;

TEST(Digits, ClassifiesTheTestSetAndPrintsAConsistentConfusionMatrix) {
    TempDir dir;
    const Result result = run(DIGITS_BIN, {}, dir.path());
    ASSERT_EQ(result.exit_code, 0) << result.err;
    const std::string& out = result.out;
    EXPECT_NE(out.find("layer_units [64, 100, 10], output softmax"), std::string::npos) << out;
    EXPECT_NE(out.find("1347 train / 450 test rows"), std::string::npos) << out;

    std::smatch accuracy;
    ASSERT_TRUE(std::regex_search(out, accuracy, std::regex(R"(test (\d+)/450 = ([0-9.]+))"))) << out;
    const int correct = std::stoi(accuracy[1].str());
    EXPECT_GE(std::stod(accuracy[2].str()), 0.95);

    // Ten rows "  d   n0 n1 ... n9   recall", "." for an off-diagonal zero.
    std::vector<std::vector<int>> matrix;
    const std::regex row_pattern(R"(\n +(\d) +((?:(?:\d+|\.) +){10}) *[0-9.]+(?=\n))");
    for (auto it = std::sregex_iterator(out.begin(), out.end(), row_pattern); it != std::sregex_iterator(); ++it) {
        std::istringstream cells((*it)[2].str());
        std::vector<int> row;
        for (std::string cell; cells >> cell;) row.push_back(cell == "." ? 0 : std::stoi(cell));
        matrix.push_back(row);
    }
    ASSERT_EQ(matrix.size(), 10u) << out;
    int total = 0, diagonal = 0;
    for (std::size_t r = 0; r < 10; ++r) {
        ASSERT_EQ(matrix[r].size(), 10u);
        total += std::accumulate(matrix[r].begin(), matrix[r].end(), 0);
        diagonal += matrix[r][r];
    }
    EXPECT_EQ(total, 450);
    EXPECT_EQ(diagonal, correct);
}

TEST(Digits, NamesTheFileAndLineOfABadLabel) {
    TempDir dir;
    std::ofstream(dir.path() / "digits.csv") << "p0,p1,label\n1,2,3\n4,5,0.5\n";
    const Result result = run(DIGITS_BIN, {"--data-dir", dir.path().string()}, dir.path());
    EXPECT_EQ(result.exit_code, 1);
    EXPECT_NE(result.err.find("digits.csv: line 3, column 'label': label 0.5 is not an integer"), std::string::npos)
        << result.err;
}
