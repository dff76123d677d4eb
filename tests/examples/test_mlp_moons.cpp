// examples/mlp_moons, run as a user runs it: what it prints, and the pictures it writes.
#include <gtest/gtest.h>

#include <cmath>
#include <filesystem>
#include <fstream>
#include <regex>

#include "png_check.hpp"
#include "run_example.hpp"

using namespace run_example;
namespace fs = std::filesystem;

namespace {

/// One run of the example with its default output folder, shared by the tests below.
class MlpMoons : public ::testing::Test {
protected:
    static void SetUpTestSuite() {
        dir_ = new TempDir;
        result_ = new Result(run(MLP_MOONS_BIN, {}, dir_->path()));
    }
    static void TearDownTestSuite() {
        delete result_;
        delete dir_;
    }
    static fs::path output(const std::string& name) { return dir_->path() / "mlp_moons_output" / name; }

    static TempDir* dir_;
    static Result* result_;
};
TempDir* MlpMoons::dir_ = nullptr;
Result* MlpMoons::result_ = nullptr;

/// How many pixels are within `tolerance` of the colour (r, g, b) in every channel.
std::size_t pixels_near(const png_check::Pixels& image, int r, int g, int b, int tolerance) {
    std::size_t n = 0;
    for (std::size_t i = 0; i < image.rgb.size(); i += 3)
        n += std::abs(image.rgb[i] - r) <= tolerance && std::abs(image.rgb[i + 1] - g) <= tolerance &&
             std::abs(image.rgb[i + 2] - b) <= tolerance;
    return n;
}

}  // namespace

TEST_F(MlpMoons, RunsCleanlyInUnderEightyLines) {
    ASSERT_EQ(result_->exit_code, 0) << result_->err;
    EXPECT_EQ(result_->err, "");
    EXPECT_LE(count_lines(result_->out), 80u) << result_->out;
}

TEST_F(MlpMoons, PrintsTheNetwork) {
    const std::string& out = result_->out;
    EXPECT_TRUE(std::regex_search(out, std::regex(R"(layer_units +\[2, 100, 1\])"))) << out;
    EXPECT_TRUE(std::regex_search(out, std::regex(R"(coefs_\[0\] +\(2, 100\) +intercepts_\[0\] +\(100,\))"))) << out;
    EXPECT_TRUE(std::regex_search(out, std::regex(R"(coefs_\[1\] +\(100, 1\) +intercepts_\[1\] +\(1,\))"))) << out;
    EXPECT_TRUE(std::regex_search(out, std::regex(R"(output activation +logistic: binary)"))) << out;
}

TEST_F(MlpMoons, TapeAgreesWithTheExplicitFormulas) {
    const std::string& out = result_->out;
    // activations a[1], a[2]; deltas[1], deltas[0]; coef_grads[1], [0]; intercept_grads[1], [0]; overall.
    const auto differences = numbers_after(out, R"(max \|tape - formula\|(?: over every gradient:)? ([0-9.e+-]+))");
    ASSERT_EQ(differences.size(), 9u) << out;
    for (double difference : differences) EXPECT_LT(difference, 1e-12);
    const auto loss_difference = numbers_after(out, R"(= loss \(tape\) +[0-9.e+-]+ +formula +[0-9.e+-]+ +\|diff\| ([0-9.e+-]+))");
    ASSERT_EQ(loss_difference.size(), 1u) << out;
    EXPECT_LT(loss_difference[0], 1e-12);
    EXPECT_TRUE(std::regex_search(out, std::regex(R"(\+ L2 0\.5 \* alpha \* sum\(coefs\^2\) / rows)"))) << out;
}

TEST_F(MlpMoons, TracesAdamsUpdate) {
    const std::string& out = result_->out;
    const auto lr_t = numbers_after(out, R"(lr_t = learning_rate_init .* = ([0-9.]+)\n)");
    ASSERT_EQ(lr_t.size(), 1u) << out;
    EXPECT_NEAR(lr_t[0], 0.001 * std::sqrt(1 - 0.999) / (1 - 0.9), 1e-11);
    for (const char* name : {"m coefs_[0]", "v coefs_[0]", "update coefs_[0]", "update intercepts_[1]"})
        EXPECT_NE(out.find(name), std::string::npos) << name;
}

TEST_F(MlpMoons, TrainsToGoodAccuracy) {
    const std::string& out = result_->out;
    const auto train = numbers_after(out, R"(train accuracy +\d+/60 = ([0-9.]+))");
    const auto test = numbers_after(out, R"(test accuracy +\d+/40 = ([0-9.]+))");
    ASSERT_EQ(train.size(), 1u) << out;
    ASSERT_EQ(test.size(), 1u) << out;
    EXPECT_GE(train[0], 0.9);
    EXPECT_GE(test[0], 0.9);
    const auto final_loss = numbers_after(out, R"(final loss +([0-9.]+))");
    ASSERT_EQ(final_loss.size(), 1u);
    EXPECT_LT(final_loss[0], 0.2);
    EXPECT_TRUE(std::regex_search(out, std::regex(R"(stopped after \d+ epochs: no_improvement)"))) << out;
}

TEST_F(MlpMoons, WritesThePicturesAndSaysWhere) {
    for (const char* name : {"decision_boundary.svg", "decision_boundary.png", "loss_curve.svg", "loss_curve.png", "tape.dot"}) {
        EXPECT_NE(result_->out.find(std::string("wrote mlp_moons_output/") + name), std::string::npos) << name;
        EXPECT_TRUE(fs::is_regular_file(output(name))) << name;
    }
}

TEST_F(MlpMoons, DecisionBoundaryShowsShadingPointsAndBoundary) {
    const std::string svg = read_text(output("decision_boundary.svg"));
    EXPECT_EQ(svg.rfind("<?xml", 0), 0u);
    EXPECT_EQ(svg.substr(svg.size() - 7), "</svg>\n");
    std::size_t circles = 0;
    for (auto at = svg.find("<circle"); at != std::string::npos; at = svg.find("<circle", at + 1)) ++circles;
    EXPECT_EQ(circles, 100u + 4u);  // 60 training and 40 test points, 4 legend markers
    EXPECT_NE(svg.find("P = 0.5"), std::string::npos);

    const auto image = png_check::decode(png_check::read_binary(output("decision_boundary.png").string()));
    EXPECT_EQ(image.width, 720u);
    EXPECT_EQ(image.height, 580u);
    // Both classes' points, and shading towards both classes, are visible.
    EXPECT_GT(pixels_near(image, 215, 48, 39, 8), 1000u);    // class 0 points: red
    EXPECT_GT(pixels_near(image, 33, 102, 172, 8), 1000u);   // class 1 points: blue
    EXPECT_GT(pixels_near(image, 239, 138, 98, 12), 20000u); // shading P(class 1) near 0
    EXPECT_GT(pixels_near(image, 103, 169, 207, 12), 20000u);  // shading P(class 1) near 1
}

TEST_F(MlpMoons, LossCurveAndGraphAreWellFormed) {
    const std::string svg = read_text(output("loss_curve.svg"));
    EXPECT_NE(svg.find("<polyline"), std::string::npos);
    EXPECT_EQ(svg.substr(svg.size() - 7), "</svg>\n");
    const auto image = png_check::decode(png_check::read_binary(output("loss_curve.png").string()));
    EXPECT_EQ(image.width, 720u);
    EXPECT_EQ(image.height, 440u);

    const std::string dot = read_text(output("tape.dot"));
    EXPECT_EQ(dot.rfind("digraph tape {", 0), 0u);
    EXPECT_EQ(dot.substr(dot.size() - 2), "}\n");
    for (const char* node : {"linear\\n(60, 100)", "relu\\n(60, 100)", "linear\\n(60, 1)", "logistic_log_loss\\n()",
                             "l2_penalty\\n()", "parameter\\n(2, 100)", "constant\\n(60, 2)"})
        EXPECT_NE(dot.find(node), std::string::npos) << node;
}

TEST(MlpMoonsOptions, WritesIntoTheFolderGiven) {
    TempDir dir;
    const Result result = run(MLP_MOONS_BIN, {"--out", "pictures/moons"}, dir.path());
    ASSERT_EQ(result.exit_code, 0) << result.err;
    EXPECT_TRUE(fs::is_regular_file(dir.path() / "pictures/moons/decision_boundary.png"));
    EXPECT_NE(result.out.find("wrote pictures/moons/tape.dot"), std::string::npos);
    EXPECT_FALSE(fs::exists(dir.path() / "mlp_moons_output"));
}

TEST(MlpMoonsOptions, MissingDataIsOneClearErrorAndWritesNothing) {
    TempDir dir;
    const Result result = run(MLP_MOONS_BIN, {"--data-dir", "no/such/folder"}, dir.path());
    EXPECT_EQ(result.exit_code, 1);
    EXPECT_NE(result.err.find("no/such/folder/moons_train.csv"), std::string::npos) << result.err;
    EXPECT_EQ(count_lines(result.err), 1u) << result.err;
    EXPECT_FALSE(fs::exists(dir.path() / "mlp_moons_output"));
}

TEST(MlpMoonsOptions, DataOfAnotherShapeIsOneClearError) {
    TempDir dir;
    std::ofstream(dir.path() / "moons_train.csv") << "a,b,c,label\n1,2,3,0\n4,5,6,1\n";
    std::ofstream(dir.path() / "moons_test.csv") << "a,b,c,label\n1,2,3,0\n";
    const Result result = run(MLP_MOONS_BIN, {"--data-dir", "."}, dir.path());
    EXPECT_EQ(result.exit_code, 1);
    EXPECT_NE(result.err.find("moons_train.csv: 3 feature columns; the two moons have 2"), std::string::npos) << result.err;
}
