// examples/custom_model: a tanh network by hand, trained with Adam, run as a user runs it.
#include <gtest/gtest.h>

#include <algorithm>

#include "run_example.hpp"

using namespace run_example;

TEST(CustomModel, LearnsTheSineBelowTheNoiseLevel) {
    TempDir dir;
    const Result run_result = run(CUSTOM_MODEL_BIN, {}, dir.path());
    ASSERT_EQ(run_result.exit_code, 0) << run_result.err;
    const std::string& out = run_result.out;
    EXPECT_NE(out.find("model      Linear(1, 16) -> Tanh -> Linear(16, 1)"), std::string::npos) << out;
    EXPECT_NE(out.find("parameters: 0.coef (1, 16), 0.intercept (16,), 2.coef (16, 1), 2.intercept (1,)"),
              std::string::npos) << out;
    // linear (3 nodes) + tanh + linear (3 nodes), two constants, sub, square, mean.
    EXPECT_NE(out.find("each step recorded 12 nodes on the tape"), std::string::npos) << out;

    // The table: step 1, every 250th step, 2000; the loss falls from ~0.17 to the noise level:
    // the noise U(-0.1, 0.1) has variance 0.0033.
    const auto losses = numbers_after(out, R"(\n +\d+ +(\d+\.\d{6}) +\d+\.\d{6}(?=\n))");
    ASSERT_EQ(losses.size(), 9u) << out;
    EXPECT_GT(losses.front(), 0.1);
    EXPECT_LT(losses.back(), 0.0035);
    EXPECT_GT(losses.back(), 0.001);  // it fits the sine, not the noise
    const auto max_error = numbers_after(out, R"(max \|model\(x\) - sin\(x\)\| over the 64 points: (\d+\.\d+))");
    ASSERT_EQ(max_error.size(), 1u) << out;
    EXPECT_LT(max_error[0], 0.1);
}

TEST(CustomModel, RejectsABadStepCount) {
    TempDir dir;
    const Result run_result = run(CUSTOM_MODEL_BIN, {"--steps", "0"}, dir.path());
    EXPECT_NE(run_result.exit_code, 0);
    EXPECT_NE(run_result.err.find("--steps"), std::string::npos) << run_result.err;
}

TEST(CustomModel, MarksAShortReadmeTour) {
    const std::string source = read_text(std::string(TAPEGRAD_SOURCE_DIR) + "/examples/custom_model.cpp");
    const auto begin = source.find("// [readme-tour]\n");
    const auto end = source.find("// [readme-tour-end]\n");
    ASSERT_NE(begin, std::string::npos);
    ASSERT_NE(end, std::string::npos);
    ASSERT_LT(begin, end);
    EXPECT_EQ(source.find("// [readme-tour]\n", begin + 1), std::string::npos);
    const std::string tour = source.substr(begin, end - begin);
    EXPECT_LE(count_lines(tour), 25u);
    // Balanced braces: the quoted part reads as complete code.
    EXPECT_EQ(std::count(tour.begin(), tour.end(), '{'), std::count(tour.begin(), tour.end(), '}'));
}
