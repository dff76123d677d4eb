// Bad input anywhere in the CLI: ONE line on stderr naming the problem, a non-zero exit code
// (2 for usage, 1 for data and files), and no output file left behind.

#include <cmath>
#include <limits>

#include <gmock/gmock.h>

#include <tapegrad/io/npy.hpp>

#include "cli_runner.hpp"

namespace {

using cli_test::CliTest;
namespace fs = std::filesystem;
using tapegrad::Array;
using ::testing::HasSubstr;

const std::string kMoonsTrain = std::string(TAPEGRAD_SOURCE_DIR) + "/examples/data/moons_train.csv";

class CliErrors : public CliTest {
protected:
    void SetUp() override {
        CliTest::SetUp();
        write("good.csv", "x0,x1,label\n0.5,1.5,0\n-1,2,1\n0.25,-3,0\n1,1,1\n");
    }
    /// Runs `args` (a fit writing m.json and loss.txt, or a predict writing out.csv) and checks the
    /// failure: the exit code, one line on stderr with every `parts`, and no new file.
    void expect_failure(const std::vector<std::string>& args, int exit_code, const std::vector<std::string>& parts) {
        const std::vector<std::string> before = files();
        const cli_test::RunResult result = run(args);
        EXPECT_EQ(result.exit_code, exit_code) << result.err;
        const auto lines = result.err_lines();
        ASSERT_EQ(lines.size(), 1u) << result.err;
        EXPECT_THAT(lines[0], HasSubstr(": error: "));
        for (const auto& part : parts) EXPECT_THAT(lines[0], HasSubstr(part));
        EXPECT_EQ(files(), before) << "a file was left behind";
    }
    std::vector<std::string> fit(const std::vector<std::string>& extra) const {
        std::vector<std::string> args = {"fit", "--save", "m.json", "--loss-curve", "loss.txt", "--max-iter", "3",
                                         "--hidden-layer-sizes", "3", "--random-state", "0"};
        args.insert(args.end(), extra.begin(), extra.end());
        return args;
    }
};

TEST_F(CliErrors, MissingDataFile) {
    expect_failure(fit({"--data", "absent.csv", "--label-column", "label"}), 1, {"tapegrad fit", "absent.csv"});
    expect_failure(fit({"--data", "absent.npy", "--target", "y.npy"}), 1, {"absent.npy"});
}

TEST_F(CliErrors, RaggedCsv) {
    write("ragged.csv", "x0,x1,label\n1,2,0\n3,4\n5,6,1\n");
    expect_failure(fit({"--data", "ragged.csv", "--label-column", "label"}), 1,
                   {"ragged.csv", "line 3 has 2 fields, the header has 3"});
}

TEST_F(CliErrors, NonNumericCsvCell) {
    write("text.csv", "x0,x1,label\n1,2,0\n3,abc,1\n");
    expect_failure(fit({"--data", "text.csv", "--label-column", "label"}), 1, {"text.csv", "line 3", "x1", "abc"});
}

TEST_F(CliErrors, NanInCsvAndInNpy) {
    write("nan.csv", "x0,x1,label\n1,nan,0\n3,4,1\n");
    expect_failure(fit({"--data", "nan.csv", "--label-column", "label"}), 1, {"nan.csv", "line 2", "x1"});
    Array<double> X = {{1.0, 2.0}, {3.0, std::numeric_limits<double>::quiet_NaN()}};
    tapegrad::io::save_npy(path("X.npy"), X);
    tapegrad::io::save_npy(path("y.npy"), Array<double>{0.0, 1.0});
    expect_failure(fit({"--data", "X.npy", "--target", "y.npy"}), 1, {"X.npy", "NaN at row 1, column 1"});
}

TEST_F(CliErrors, UnknownLabelColumn) {
    expect_failure(fit({"--data", "good.csv", "--label-column", "species"}), 1, {"good.csv", "species", "x0", "label"});
}

TEST_F(CliErrors, EmptyLabel) {
    write("empty_label.csv", "x0,label\n1,a\n2,\n3,b\n");
    expect_failure(fit({"--data", "empty_label.csv", "--label-column", "label"}), 1, {"empty_label.csv", "empty"});
}

TEST_F(CliErrors, InitWeightsOfTheWrongShapes) {
    fs::create_directories(path("w"));
    tapegrad::io::save_npy(path("w/coef_0.npy"), Array<double>(xt::zeros<double>({2, 4})));
    tapegrad::io::save_npy(path("w/intercept_0.npy"), Array<double>(xt::zeros<double>({4})));
    tapegrad::io::save_npy(path("w/coef_1.npy"), Array<double>(xt::zeros<double>({4, 1})));
    tapegrad::io::save_npy(path("w/intercept_1.npy"), Array<double>(xt::zeros<double>({1})));
    // hidden layer of 3 asked, the files hold 4 units
    expect_failure(fit({"--data", "good.csv", "--label-column", "label", "--init-weights", "w"}), 1,
                   {"coefs[0] has shape (2, 4)", "(2, 3)"});
    fs::remove(path("w/intercept_1.npy"));
    expect_failure(fit({"--data", "good.csv", "--label-column", "label", "--init-weights", "w"}), 1,
                   {"--init-weights", "coef_1.npy", "intercept_1.npy"});
    expect_failure(fit({"--data", "good.csv", "--label-column", "label", "--init-weights", "nowhere"}), 1,
                   {"--init-weights", "nowhere"});
}

TEST_F(CliErrors, UnknownFlag) {
    expect_failure(fit({"--data", "good.csv", "--label-column", "label", "--hidden-layers", "3"}), 2, {"--hidden-layers"});
    expect_failure({"train", "--data", "good.csv"}, 2, {"train"});
    expect_failure({}, 2, {"subcommand"});
}

TEST_F(CliErrors, BadValues) {
    expect_failure(fit({"--data", "good.csv", "--label-column", "label", "--alpha", "abc"}), 2, {"--alpha: 'abc' is not a number"});
    expect_failure(fit({"--data", "good.csv", "--label-column", "label", "--alpha", "nan"}), 2, {"--alpha", "finite"});
    expect_failure(fit({"--data", "good.csv", "--label-column", "label", "--max-iter", "-5"}), 2, {"--max-iter", "-5"});
    expect_failure(fit({"--data", "good.csv", "--label-column", "label", "--shuffle=maybe"}), 2,
                   {"--shuffle: 'maybe' is not true or false"});
    expect_failure(fit({"--data", "good.csv", "--label-column", "label", "--hidden-layer-sizes", "10,,5"}), 2,
                   {"--hidden-layer-sizes"});
    expect_failure(fit({"--data", "good.csv", "--label-column", "label", "--random-state", "4294967296"}), 2,
                   {"--random-state"});
    expect_failure(fit({"--data", "good.csv", "--label-column", "label", "--task", "ranking"}), 2, {"--task", "ranking"});
    expect_failure(fit({"--data", "good.csv", "--label-column", "label", "--dtype", "int8"}), 2, {"--dtype", "int8"});
    expect_failure(fit({"--data", "good.csv", "--label-column", "label", "--alpha"}), 2, {"--alpha"});
}

TEST_F(CliErrors, ParametersOutOfRangeUseSklearnsWords) {
    expect_failure(fit({"--data", "good.csv", "--label-column", "label", "--alpha", "-1"}), 2,
                   {"The 'alpha' parameter of MLPClassifier must be a float in the range [0, inf). Got -1.0 instead."});
    expect_failure(fit({"--data", "good.csv", "--label-column", "label", "--solver", "newton", "--task", "regression"}), 2,
                   {"The 'solver' parameter of MLPRegressor must be a str among"});
    expect_failure(fit({"--data", "good.csv", "--label-column", "label", "--max-iter", "0"}), 2, {"'max_iter'"});
    expect_failure(fit({"--data", "good.csv", "--label-column", "label", "--hidden-layer-sizes", "3,0"}), 2,
                   {"hidden_layer_sizes must be > 0, got [3, 0]."});
}

TEST_F(CliErrors, TargetsGivenTwiceOrNever) {
    expect_failure(fit({"--data", "good.csv"}), 2, {"--target", "--label-column"});
    expect_failure(fit({"--data", "good.csv", "--label-column", "label", "--target", "good.csv"}), 2,
                   {"--target", "--label-column"});
    expect_failure(fit({"--label-column", "label"}), 2, {"--data"});
}

TEST_F(CliErrors, TargetsOfTheWrongLengthOrKind) {
    tapegrad::io::save_npy(path("X.npy"), Array<double>(xt::zeros<double>({4, 2})));
    tapegrad::io::save_npy(path("y3.npy"), Array<double>{0.0, 1.0, 1.0});
    expect_failure(fit({"--data", "X.npy", "--target", "y3.npy"}), 1, {"X.npy has 4 samples but y3.npy has 3 targets"});
    tapegrad::io::save_npy(path("y_half.npy"), Array<double>{0.0, 1.5, 1.0, 0.0});
    expect_failure(fit({"--data", "X.npy", "--target", "y_half.npy"}), 1, {"y_half.npy", "--task regression"});
    tapegrad::io::save_npy(path("Y_two.npy"), Array<double>{{0, 1}, {1, 2}, {0, 0}, {1, 1}});
    expect_failure(fit({"--data", "X.npy", "--target", "Y_two.npy"}), 1,
                   {"Y_two.npy", "multilabel targets must be 0 or 1, found 2 at row 1, column 1"});
    tapegrad::io::save_npy(path("X1.npy"), Array<double>{1.0, 2.0, 3.0, 4.0});
    expect_failure(fit({"--data", "X1.npy", "--target", "y3.npy"}), 1, {"X1.npy", "2-D", "(4,)"});
    write("one_class.csv", "x,label\n1,a\n2,a\n");
    expect_failure(fit({"--data", "one_class.csv", "--label-column", "label"}), 1, {"class"});
}

TEST_F(CliErrors, OutputsThatCannotBeWrittenFailBeforeTraining) {
    expect_failure({"fit", "--data", "good.csv", "--label-column", "label", "--save", "missing_dir/m.json"}, 2,
                   {"--save", "missing_dir"});
    fs::create_directories(path("a_dir"));
    expect_failure({"fit", "--data", "good.csv", "--label-column", "label", "--loss-curve", "a_dir"}, 2,
                   {"--loss-curve", "is a directory"});
}

TEST_F(CliErrors, PredictWithABadModelFile) {
    write("x.csv", "x0,x1\n1,2\n");
    expect_failure({"predict", "--model", "absent.json", "--data", "x.csv", "--out", "out.csv"}, 1, {"absent.json"});
    write("garbage.json", "{\"format\": \"tapegrad-mlp\", \"version\": 1, \"checksum\": \"fnv1a64:0\", \"mo");
    expect_failure({"predict", "--model", "garbage.json", "--data", "x.csv", "--out", "out.csv"}, 1,
                   {"garbage.json", "truncated or corrupted"});

    ASSERT_EQ(run({"fit", "--data", "good.csv", "--label-column", "label", "--hidden-layer-sizes", "3", "--max-iter", "2",
                   "--random-state", "0", "--save", "m.json"})
                  .exit_code,
              0);
    std::string text = read("m.json");
    write("truncated.json", text.substr(0, text.size() / 2));
    expect_failure({"predict", "--model", "truncated.json", "--data", "x.csv", "--out", "out.csv"}, 1,
                   {"truncated.json", "truncated or corrupted"});
    const auto digit = text.find("\"loss\": ") + 10;
    text[digit] = text[digit] == '1' ? '2' : '1';
    write("edited.json", text);
    expect_failure({"predict", "--model", "edited.json", "--data", "x.csv", "--out", "out.csv"}, 1,
                   {"edited.json", "checksum"});
    std::string v2 = read("m.json");
    v2.replace(v2.find("\"version\": 1"), 12, "\"version\": 7");
    write("v7.json", v2);
    expect_failure({"predict", "--model", "v7.json", "--data", "x.csv", "--out", "out.csv"}, 1,
                   {"v7.json", "format version 7 is not supported"});
    expect_failure({"export-weights", "--model", "v7.json", "--out", "w"}, 1, {"v7.json"});
}

TEST_F(CliErrors, PredictWithTheWrongData) {
    ASSERT_EQ(run({"fit", "--data", "good.csv", "--label-column", "label", "--hidden-layer-sizes", "3", "--max-iter", "2",
                   "--random-state", "0", "--save", "m.json"})
                  .exit_code,
              0);
    write("other_columns.csv", "a,b\n1,2\n");
    expect_failure({"predict", "--model", "m.json", "--data", "other_columns.csv", "--out", "out.csv"}, 1,
                   {"other_columns.csv", "x0"});
    tapegrad::io::save_npy(path("three.npy"), Array<double>(xt::zeros<double>({2, 3})));
    expect_failure({"predict", "--model", "m.json", "--data", "three.npy", "--out", "out.csv"}, 1,
                   {"three.npy", "3 features, but the model was fitted on 2"});
    write("x.csv", "x0,x1\n1,2\n");
    expect_failure({"predict", "--model", "m.json", "--data", "x.csv", "--out", "missing_dir/out.csv"}, 2, {"--out"});
    expect_failure({"predict", "--model", "m.json", "--data", "x.csv"}, 2, {"--out"});

    tapegrad::io::save_npy(path("X.npy"), Array<double>{{1, 2}, {3, 4}, {5, 6}});
    tapegrad::io::save_npy(path("y.npy"), Array<double>{1.5, 2.5, 3.5});
    ASSERT_EQ(run({"fit", "--data", "X.npy", "--target", "y.npy", "--task", "regression", "--hidden-layer-sizes", "3",
                   "--max-iter", "2", "--random-state", "0", "--save", "r.json"})
                  .exit_code,
              0);
    expect_failure({"predict", "--model", "r.json", "--data", "X.npy", "--proba", "--out", "out.csv"}, 2,
                   {"--proba", "MLPRegressor"});
}

TEST_F(CliErrors, LabelsAModelFileCannotStoreFailBeforeTraining) {
    write("latin1.csv", "x,label\n1,caf\xe9\n2,tea\n3,caf\xe9\n");
    expect_failure(fit({"--data", "latin1.csv", "--label-column", "label"}), 1,
                   {"latin1.csv: label 'caf\\xe9' is not valid UTF-8"});
}

TEST_F(CliErrors, ExistingOutputSurvivesAFailure) {
    write("m.json", "old model");
    write("loss.txt", "old curve");
    const auto result = run(fit({"--data", "good.csv", "--label-column", "nope"}));
    EXPECT_EQ(result.exit_code, 1);
    EXPECT_EQ(read("m.json"), "old model");
    EXPECT_EQ(read("loss.txt"), "old curve");
}

}  // namespace
