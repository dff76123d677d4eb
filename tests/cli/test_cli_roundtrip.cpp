// `tapegrad fit / predict / export-weights` end to end: the files the binary writes against the
// same estimator run in this process (bit for bit), for CSV and .npy, classifier and regressor,
// integer, string and multilabel targets, float64 and float32.

#include <cmath>
#include <cstdlib>
#include <cstring>

#include <fmt/format.h>
#include <gmock/gmock.h>

#include <tapegrad/cli/model_file.hpp>
#include <tapegrad/io/csv.hpp>
#include <tapegrad/io/npy.hpp>
#include <tapegrad/mlp/mlp.hpp>

#include "cli_runner.hpp"

namespace {

using cli_test::CliTest;
using tapegrad::Array;
using tapegrad::mlp::Labels;
using tapegrad::mlp::MLPClassifier;
using tapegrad::mlp::MLPParams;
using tapegrad::mlp::MLPRegressor;
using ::testing::HasSubstr;

const std::string kMoonsTrain = std::string(TAPEGRAD_SOURCE_DIR) + "/examples/data/moons_train.csv";
const std::string kMoonsTest = std::string(TAPEGRAD_SOURCE_DIR) + "/examples/data/moons_test.csv";

/// Deterministic data: n rows of `features` columns in [-1, 1).
template <class T>
Array<T> make_X(std::size_t n, std::size_t features, unsigned seed) {
    Array<T> X = Array<T>::from_shape({n, features});
    unsigned state = seed;
    for (auto& v : X) {
        state = state * 1103515245u + 12345u;
        v = static_cast<T>(static_cast<double>((state >> 8) % 20000) / 10000.0 - 1.0);
    }
    return X;
}

template <class T>
bool bitwise_equal(const Array<T>& a, const Array<T>& b) {
    return a.shape() == b.shape() && std::memcmp(a.data(), b.data(), a.size() * sizeof(T)) == 0;
}

/// A CSV file written by the CLI, parsed back with io (numbers as text).
tapegrad::io::CsvTable read_csv(const std::string& path) { return tapegrad::io::read_csv(path); }

double number(const std::string& text) {
    char* end = nullptr;
    const double v = std::strtod(text.c_str(), &end);
    EXPECT_EQ(*end, '\0') << text;
    return v;
}

/// Every cell of a numeric output CSV, as T, row-major.
template <class T>
Array<T> csv_values(const std::string& path) {
    const auto table = read_csv(path);
    Array<T> a = Array<T>::from_shape({table.rows.size(), table.header.size()});
    for (std::size_t i = 0; i < table.rows.size(); ++i)
        for (std::size_t j = 0; j < table.header.size(); ++j) a(i, j) = static_cast<T>(number(table.rows[i][j]));
    return a;
}

MLPParams small_params() {
    MLPParams p;
    p.hidden_layer_sizes = {8};
    p.random_state = 3;
    p.max_iter = 30;
    return p;
}
const std::vector<std::string> kSmallFlags = {"--hidden-layer-sizes", "8", "--random-state", "3", "--max-iter", "30"};

std::vector<std::string> concat(std::vector<std::string> a, const std::vector<std::string>& b) {
    a.insert(a.end(), b.begin(), b.end());
    return a;
}

template <class T>
Array<T> moons_columns(const std::string& path, const std::vector<std::size_t>& columns) {
    const auto table = tapegrad::io::read_csv(path);
    return tapegrad::io::numeric_columns<T>(table, columns, path);
}

Labels moons_labels(const std::string& path) {
    const auto table = tapegrad::io::read_csv(path);
    std::vector<std::int64_t> labels;
    for (const auto& row : table.rows) labels.push_back(std::stoll(row[2]));
    return Labels(labels);
}

TEST_F(CliTest, CsvClassifierMatchesInProcessFitBitForBit) {
    const auto fit = run(concat({"fit", "--data", kMoonsTrain, "--label-column", "label", "--save", "model.json"}, kSmallFlags));
    ASSERT_EQ(fit.exit_code, 0) << fit.err;
    EXPECT_THAT(fit.out, HasSubstr("MLPClassifier fitted: 30 iterations"));
    // the test file holds a label column too: the model picks x0, x1 by name
    const auto labels = run({"predict", "--model", "model.json", "--data", kMoonsTest, "--out", "labels.csv"});
    ASSERT_EQ(labels.exit_code, 0) << labels.err;
    const auto proba = run({"predict", "--model", "model.json", "--data", kMoonsTest, "--proba", "--out", "proba.csv"});
    ASSERT_EQ(proba.exit_code, 0) << proba.err;

    MLPClassifier<double> clf(small_params());
    clf.fit(moons_columns<double>(kMoonsTrain, {0, 1}), moons_labels(kMoonsTrain));
    const Array<double> X_test = moons_columns<double>(kMoonsTest, {0, 1});

    const auto label_table = read_csv(path("labels.csv"));
    EXPECT_EQ(label_table.header, std::vector<std::string>{"label"});
    const Labels expected = clf.predict(X_test);
    ASSERT_EQ(label_table.rows.size(), expected.size());
    for (std::size_t i = 0; i < expected.size(); ++i) EXPECT_EQ(label_table.rows[i][0], expected.to_string(i)) << i;

    EXPECT_EQ(read_csv(path("proba.csv")).header, (std::vector<std::string>{"0", "1"}));
    EXPECT_TRUE(bitwise_equal(csv_values<double>(path("proba.csv")), clf.predict_proba(X_test)));

    const auto model = tapegrad::cli::load_model(path("model.json"));
    EXPECT_EQ(model.feature_names, (std::vector<std::string>{"x0", "x1"}));
    EXPECT_EQ(model.target_names, std::vector<std::string>{"label"});
    EXPECT_EQ(model.loss, clf.loss_());
    EXPECT_EQ(model.loss_curve, clf.loss_curve_());
    EXPECT_EQ(model.n_iter, 30u);
    EXPECT_EQ(model.stop_reason, "max_iter");
    for (std::size_t i = 0; i < model.coefs.size(); ++i) EXPECT_TRUE(bitwise_equal(model.coefs[i], clf.coefs_()[i]));
}

TEST_F(CliTest, NpyRegressorMatchesInProcessFit) {
    const Array<double> X = make_X<double>(40, 3, 1);
    Array<double> y = Array<double>::from_shape({40});
    for (std::size_t i = 0; i < 40; ++i) y(i) = 2 * X(i, 0) - X(i, 1) * X(i, 2) + 0.5;
    tapegrad::io::save_npy(path("X.npy"), X);
    tapegrad::io::save_npy(path("y.npy"), y);
    const auto fit = run(concat({"fit", "--data", "X.npy", "--target", "y.npy", "--task", "regression", "--save", "m.json",
                                 "--loss-curve", "loss.txt"},
                                kSmallFlags));
    ASSERT_EQ(fit.exit_code, 0) << fit.err;
    EXPECT_THAT(fit.out, HasSubstr("MLPRegressor fitted"));
    const auto predict = run({"predict", "--model", "m.json", "--data", "X.npy", "--out", "p.csv"});
    ASSERT_EQ(predict.exit_code, 0) << predict.err;

    MLPRegressor<double> reg(small_params());
    reg.fit(X, y);
    Array<double> expected = reg.predict(X);
    expected.reshape({40, 1});
    EXPECT_EQ(read_csv(path("p.csv")).header, std::vector<std::string>{"prediction"});
    EXPECT_TRUE(bitwise_equal(csv_values<double>(path("p.csv")), expected));

    // --loss-curve: the model's curve, one value a line, 17 significant digits (exact)
    const auto model = tapegrad::cli::load_model(path("m.json"));
    std::istringstream lines(read("loss.txt"));
    std::vector<double> curve;
    for (std::string line; std::getline(lines, line);) curve.push_back(number(line));
    EXPECT_EQ(curve, model.loss_curve);
    EXPECT_EQ(curve, reg.loss_curve_());
}

TEST_F(CliTest, MultiOutputRegressionFromCsvTargetColumns) {
    std::string data = "a,b,c,t1,t2\n";
    const Array<double> X = make_X<double>(30, 3, 2);
    for (std::size_t i = 0; i < 30; ++i)
        data += fmt::format("{:.17g},{:.17g},{:.17g},{:.17g},{:.17g}\n", X(i, 0), X(i, 1), X(i, 2), X(i, 0) + X(i, 1),
                            X(i, 1) - X(i, 2));
    write("train.csv", data);
    const auto fit = run(concat({"fit", "--data", "train.csv", "--label-column", "t1", "--label-column", "t2", "--task",
                                 "regression", "--save", "m.json"},
                                kSmallFlags));
    ASSERT_EQ(fit.exit_code, 0) << fit.err;
    const auto predict = run({"predict", "--model", "m.json", "--data", "train.csv", "--out", "p.csv"});
    ASSERT_EQ(predict.exit_code, 0) << predict.err;
    Array<double> Y = Array<double>::from_shape({30, 2});
    for (std::size_t i = 0; i < 30; ++i) {
        Y(i, 0) = X(i, 0) + X(i, 1);
        Y(i, 1) = X(i, 1) - X(i, 2);
    }
    MLPRegressor<double> reg(small_params());
    reg.fit(X, Y);
    EXPECT_EQ(read_csv(path("p.csv")).header, (std::vector<std::string>{"t1", "t2"}));
    EXPECT_TRUE(bitwise_equal(csv_values<double>(path("p.csv")), reg.predict(X)));
}

TEST_F(CliTest, StringLabelsComeBackAsWritten) {
    std::string data = "f1,species,f2\n";
    const char* names[] = {"Iris setosa", "versicolor, \"big\"", "virginica"};
    const Array<double> X = make_X<double>(45, 2, 5);
    std::vector<std::string> labels;
    for (std::size_t i = 0; i < 45; ++i) {
        labels.push_back(names[i % 3]);
        std::string escaped;
        for (char c : labels.back()) escaped += c == '"' ? std::string("\"\"") : std::string(1, c);
        data += fmt::format("{:.17g},\"{}\",{:.17g}\n", X(i, 0), escaped, X(i, 1));
    }
    write("train.csv", data);
    const auto fit = run(concat({"fit", "--data", "train.csv", "--label-column", "species", "--save", "m.json"}, kSmallFlags));
    ASSERT_EQ(fit.exit_code, 0) << fit.err;
    const auto predict = run({"predict", "--model", "m.json", "--data", "train.csv", "--out", "p.csv"});
    ASSERT_EQ(predict.exit_code, 0) << predict.err;
    const auto proba = run({"predict", "--model", "m.json", "--data", "train.csv", "--proba", "--out", "q.csv"});
    ASSERT_EQ(proba.exit_code, 0) << proba.err;

    MLPClassifier<double> clf(small_params());
    clf.fit(X, Labels(labels));
    const Labels expected = clf.predict(X);
    const auto table = read_csv(path("p.csv"));
    EXPECT_EQ(table.header, std::vector<std::string>{"species"});
    for (std::size_t i = 0; i < 45; ++i) EXPECT_EQ(table.rows[i][0], expected.to_string(i));
    // one probability column a class, named by the class, sorted as np.unique
    EXPECT_EQ(read_csv(path("q.csv")).header,
              (std::vector<std::string>{"Iris setosa", "versicolor, \"big\"", "virginica"}));
    EXPECT_TRUE(bitwise_equal(csv_values<double>(path("q.csv")), clf.predict_proba(X)));
}

TEST_F(CliTest, Float32NpyTrainsInFloat32) {
    const Array<float> X = make_X<float>(50, 2, 7);
    std::vector<std::int64_t> y;
    for (std::size_t i = 0; i < 50; ++i) y.push_back(X(i, 0) * X(i, 1) > 0 ? 5 : -2);
    tapegrad::io::save_npy(path("X.npy"), X);
    Array<double> y_array = Array<double>::from_shape({50});
    for (std::size_t i = 0; i < 50; ++i) y_array(i) = static_cast<double>(y[i]);
    tapegrad::io::save_npy(path("y.npy"), y_array);  // float holding integers: integer labels
    const auto fit = run(concat({"fit", "--data", "X.npy", "--target", "y.npy", "--save", "m.json"}, kSmallFlags));
    ASSERT_EQ(fit.exit_code, 0) << fit.err;
    const auto model = tapegrad::cli::load_model(path("m.json"));
    EXPECT_EQ(model.dtype, "float32");
    const auto proba = run({"predict", "--model", "m.json", "--data", "X.npy", "--proba", "--out", "q.csv"});
    ASSERT_EQ(proba.exit_code, 0) << proba.err;

    MLPClassifier<float> clf(small_params());
    clf.fit(X, Labels(y));
    EXPECT_EQ(read_csv(path("q.csv")).header, (std::vector<std::string>{"-2", "5"}));
    EXPECT_TRUE(bitwise_equal(csv_values<float>(path("q.csv")), clf.predict_proba(X)));

    // --dtype float64 overrides
    const auto fit64 = run(concat({"fit", "--data", "X.npy", "--target", "y.npy", "--dtype", "float64", "--save", "m64.json"},
                                  kSmallFlags));
    ASSERT_EQ(fit64.exit_code, 0) << fit64.err;
    EXPECT_EQ(tapegrad::cli::load_model(path("m64.json")).dtype, "float64");
}

TEST_F(CliTest, MultilabelFromIndicatorNpy) {
    const Array<double> X = make_X<double>(40, 3, 11);
    Array<double> Y = Array<double>::from_shape({40, 3});
    for (std::size_t i = 0; i < 40; ++i) {
        Y(i, 0) = X(i, 0) > 0;
        Y(i, 1) = X(i, 1) > 0.2;
        Y(i, 2) = X(i, 0) + X(i, 2) > 0;
    }
    tapegrad::io::save_npy(path("X.npy"), X);
    tapegrad::io::save_npy(path("Y.npy"), Y);
    const auto fit = run(concat({"fit", "--data", "X.npy", "--target", "Y.npy", "--save", "m.json"}, kSmallFlags));
    ASSERT_EQ(fit.exit_code, 0) << fit.err;
    ASSERT_EQ(run({"predict", "--model", "m.json", "--data", "X.npy", "--out", "p.csv"}).exit_code, 0);
    ASSERT_EQ(run({"predict", "--model", "m.json", "--data", "X.npy", "--proba", "--out", "q.csv"}).exit_code, 0);
    MLPClassifier<double> clf(small_params());
    clf.fit(X, Y);
    EXPECT_TRUE(tapegrad::cli::load_model(path("m.json")).multilabel);
    EXPECT_EQ(read_csv(path("p.csv")).header, (std::vector<std::string>{"label_0", "label_1", "label_2"}));
    EXPECT_TRUE(bitwise_equal(csv_values<double>(path("p.csv")), clf.predict_indicator(X)));
    EXPECT_TRUE(bitwise_equal(csv_values<double>(path("q.csv")), clf.predict_proba(X)));
}

TEST_F(CliTest, ExportWeightsThenInitWeightsRoundTrip) {
    const auto fit = run(concat({"fit", "--data", kMoonsTrain, "--label-column", "label", "--save", "a.json"}, kSmallFlags));
    ASSERT_EQ(fit.exit_code, 0) << fit.err;
    const auto exported = run({"export-weights", "--model", "a.json", "--out", "weights"});
    ASSERT_EQ(exported.exit_code, 0) << exported.err;
    EXPECT_THAT(exported.out, HasSubstr("4 weight files written to weights"));

    // export-weights gives the model's arrays bit for bit
    const auto model = tapegrad::cli::load_model(path("a.json"));
    std::vector<Array<double>> coefs, intercepts;
    for (std::size_t i = 0; i < 2; ++i) {
        coefs.push_back(tapegrad::io::load_npy<double>(path("weights/coef_" + std::to_string(i) + ".npy")));
        intercepts.push_back(tapegrad::io::load_npy<double>(path("weights/intercept_" + std::to_string(i) + ".npy")));
        EXPECT_TRUE(bitwise_equal(coefs[i], model.coefs[i])) << i;
        EXPECT_TRUE(bitwise_equal(intercepts[i], model.intercepts[i])) << i;
    }
    EXPECT_EQ(tapegrad::io::read_npy_header(path("weights/coef_0.npy")).shape, (tapegrad::Shape{2, 8}));
    EXPECT_EQ(tapegrad::io::read_npy_header(path("weights/intercept_1.npy")).shape, (tapegrad::Shape{1}));

    // fit --init-weights starts from exactly those arrays: the same as set_initial_weights in process
    const auto refit = run({"fit", "--data", kMoonsTrain, "--label-column", "label", "--init-weights", "weights",
                            "--hidden-layer-sizes", "8", "--random-state", "9", "--max-iter", "5", "--save", "b.json"});
    ASSERT_EQ(refit.exit_code, 0) << refit.err;
    MLPParams params = small_params();
    params.random_state = 9;
    params.max_iter = 5;
    MLPClassifier<double> clf(params);
    clf.set_initial_weights(coefs, intercepts);
    clf.fit(moons_columns<double>(kMoonsTrain, {0, 1}), moons_labels(kMoonsTrain));
    const auto refitted = tapegrad::cli::load_model(path("b.json"));
    for (std::size_t i = 0; i < 2; ++i) {
        EXPECT_TRUE(bitwise_equal(refitted.coefs[i], clf.coefs_()[i])) << i;
        EXPECT_TRUE(bitwise_equal(refitted.intercepts[i], clf.intercepts_()[i])) << i;
    }

    // exporting a shallower model over a deeper one's files removes the deeper layers
    const auto deep = run({"fit", "--data", kMoonsTrain, "--label-column", "label", "--hidden-layer-sizes", "4,3",
                           "--random-state", "1", "--max-iter", "3", "--save", "deep.json"});
    ASSERT_EQ(deep.exit_code, 0) << deep.err;
    ASSERT_EQ(run({"export-weights", "--model", "deep.json", "--out", "weights"}).exit_code, 0);
    EXPECT_TRUE(exists("weights/coef_2.npy"));
    ASSERT_EQ(run({"export-weights", "--model", "a.json", "--out", "weights"}).exit_code, 0);
    EXPECT_FALSE(exists("weights/coef_2.npy"));
    EXPECT_FALSE(exists("weights/intercept_2.npy"));
}

TEST_F(CliTest, Float32ExportKeepsTheDtype) {
    const Array<float> X = make_X<float>(30, 2, 4);
    Array<float> y = Array<float>::from_shape({30});
    for (std::size_t i = 0; i < 30; ++i) y(i) = X(i, 0) - X(i, 1);
    tapegrad::io::save_npy(path("X.npy"), X);
    tapegrad::io::save_npy(path("y.npy"), y);
    ASSERT_EQ(run(concat({"fit", "--data", "X.npy", "--target", "y.npy", "--task", "regression", "--save", "m.json"},
                         kSmallFlags))
                  .exit_code,
              0);
    ASSERT_EQ(run({"export-weights", "--model", "m.json", "--out", "w"}).exit_code, 0);
    EXPECT_EQ(tapegrad::io::read_npy_header(path("w/coef_0.npy")).dtype, "<f4");
    MLPRegressor<float> reg(small_params());
    reg.fit(X, y);
    EXPECT_TRUE(bitwise_equal(tapegrad::io::load_npy<float>(path("w/coef_1.npy")), reg.coefs_()[1]));
}

TEST_F(CliTest, LbfgsLossCurveEndsWithTheFinalLoss) {
    const auto fit = run({"fit", "--data", kMoonsTrain, "--label-column", "label", "--solver", "lbfgs",
                          "--hidden-layer-sizes", "5", "--random-state", "0", "--max-iter", "15", "--save", "m.json",
                          "--loss-curve", "loss.txt"});
    ASSERT_EQ(fit.exit_code, 0) << fit.err;
    const auto model = tapegrad::cli::load_model(path("m.json"));
    std::istringstream lines(read("loss.txt"));
    std::vector<double> curve;
    for (std::string line; std::getline(lines, line);) {
        EXPECT_EQ(line, fmt::format("{:.17g}", number(line)));  // 17 significant digits
        curve.push_back(number(line));
    }
    ASSERT_FALSE(curve.empty());
    EXPECT_EQ(curve, model.lbfgs_losses);
    EXPECT_EQ(curve.back(), model.loss);
    EXPECT_TRUE(model.loss_curve.empty());  // sklearn 1.2 keeps no loss_curve_ for lbfgs
}

TEST_F(CliTest, VerbosePrintsSklearnsIterationLines) {
    for (const char* flag : {"--verbose", "--verbose=true"}) {
        const auto fit = run({"fit", "--data", kMoonsTrain, "--label-column", "label", "--hidden-layer-sizes", "4",
                              "--random-state", "0", "--max-iter", "3", flag});
        ASSERT_EQ(fit.exit_code, 0) << fit.err;
        EXPECT_THAT(fit.out, HasSubstr("Iteration 1, loss = 0."));
        EXPECT_THAT(fit.out, HasSubstr("Iteration 3, loss = "));
        EXPECT_THAT(fit.err, HasSubstr("ConvergenceWarning"));
    }
    const auto quiet = run({"fit", "--data", kMoonsTrain, "--label-column", "label", "--hidden-layer-sizes", "4",
                            "--random-state", "0", "--max-iter", "3", "--verbose", "false"});
    EXPECT_THAT(quiet.out, ::testing::Not(HasSubstr("Iteration")));
}

TEST_F(CliTest, BooleanFlagsTakeEverySpelling) {
    // shuffle=false: the same model whatever the spelling; and it differs from shuffle=true
    // (batches of 10 rows: the order matters)
    std::vector<std::vector<std::string>> spellings = {{"--shuffle=false", "--batch-size=10"},
                                                       {"--shuffle", "false", "--batch-size", "10"}};
    std::vector<double> losses;
    for (const auto& spelling : spellings) {
        const auto fit = run(concat(concat({"fit", "--data", kMoonsTrain, "--label-column", "label", "--save", "m.json"},
                                           kSmallFlags),
                                    spelling));
        ASSERT_EQ(fit.exit_code, 0) << fit.err;
        losses.push_back(tapegrad::cli::load_model(path("m.json")).loss);
        EXPECT_FALSE(tapegrad::cli::load_model(path("m.json")).params.shuffle);
    }
    EXPECT_EQ(losses[0], losses[1]);
    const auto fit = run(concat({"fit", "--data", kMoonsTrain, "--label-column", "label", "--save", "m.json", "--shuffle",
                                 "--batch-size", "10"},
                                kSmallFlags));
    ASSERT_EQ(fit.exit_code, 0) << fit.err;
    EXPECT_TRUE(tapegrad::cli::load_model(path("m.json")).params.shuffle);
    EXPECT_NE(tapegrad::cli::load_model(path("m.json")).loss, losses[0]);
}

TEST_F(CliTest, EveryParameterFlagReachesTheModel) {
    const auto fit = run({"fit", "--data", kMoonsTrain, "--label-column", "label", "--save", "m.json",
                          "--hidden-layer-sizes=6,5", "--activation", "tanh", "--solver", "sgd", "--alpha", "0.01",
                          "--batch-size", "16", "--learning-rate", "invscaling", "--learning-rate-init", "0.05",
                          "--power-t", "0.25", "--max-iter", "4", "--shuffle", "false", "--random-state", "42",
                          "--tol", "1e-3", "--warm-start", "true", "--momentum", "0.5", "--nesterovs-momentum=false",
                          "--early-stopping", "--validation-fraction", "0.2", "--beta-1", "0.8", "--beta-2", "0.99",
                          "--epsilon", "1e-7", "--n-iter-no-change", "inf", "--max-fun", "100"});
    ASSERT_EQ(fit.exit_code, 0) << fit.err;
    const MLPParams p = tapegrad::cli::load_model(path("m.json")).params;
    EXPECT_EQ(p.hidden_layer_sizes, (std::vector<std::size_t>{6, 5}));
    EXPECT_EQ(p.activation, "tanh");
    EXPECT_EQ(p.solver, "sgd");
    EXPECT_EQ(p.alpha, 0.01);
    EXPECT_EQ(p.batch_size, std::optional<std::size_t>(16));
    EXPECT_EQ(p.learning_rate, "invscaling");
    EXPECT_EQ(p.learning_rate_init, 0.05);
    EXPECT_EQ(p.power_t, 0.25);
    EXPECT_EQ(p.max_iter, 4u);
    EXPECT_FALSE(p.shuffle);
    EXPECT_EQ(p.random_state, std::optional<std::uint32_t>(42));
    EXPECT_EQ(p.tol, 1e-3);
    EXPECT_TRUE(p.warm_start);
    EXPECT_EQ(p.momentum, 0.5);
    EXPECT_FALSE(p.nesterovs_momentum);
    EXPECT_TRUE(p.early_stopping);
    EXPECT_EQ(p.validation_fraction, 0.2);
    EXPECT_EQ(p.beta_1, 0.8);
    EXPECT_EQ(p.beta_2, 0.99);
    EXPECT_EQ(p.epsilon, 1e-7);
    EXPECT_EQ(p.n_iter_no_change, tapegrad::mlp::kNeverStop);
    EXPECT_EQ(p.max_fun, 100u);
    EXPECT_FALSE(p.verbose);
}

TEST_F(CliTest, HelpListsEveryFlagWithItsDefault) {
    const auto top = run({"--help"});
    EXPECT_EQ(top.exit_code, 0);
    for (const char* command : {"fit", "predict", "export-weights"}) EXPECT_THAT(top.out, HasSubstr(command));
    const auto fit = run({"fit", "--help"});
    EXPECT_EQ(fit.exit_code, 0);
    for (const char* flag : {"--data", "--target", "--label-column", "--task", "--dtype", "--init-weights", "--save",
                             "--loss-curve", "--explain"})
        EXPECT_THAT(fit.out, HasSubstr(flag));
    const std::vector<std::pair<std::string, std::string>> defaults = {
        {"--hidden-layer-sizes", "(default: 100)"}, {"--activation", "(default: relu)"}, {"--solver", "(default: adam)"},
        {"--alpha", "(default: 0.0001)"}, {"--batch-size", "(default: auto)"}, {"--learning-rate ", "(default: constant)"},
        {"--learning-rate-init", "(default: 0.001)"}, {"--power-t", "(default: 0.5)"}, {"--max-iter", "(default: 200)"},
        {"--shuffle", "(default: true)"}, {"--random-state", "(default: none)"}, {"--tol", "(default: 0.0001)"},
        {"--verbose", "(default: false)"}, {"--warm-start", "(default: false)"}, {"--momentum", "(default: 0.9)"},
        {"--nesterovs-momentum", "(default: true)"}, {"--early-stopping", "(default: false)"},
        {"--validation-fraction", "(default: 0.1)"}, {"--beta-1", "(default: 0.9)"}, {"--beta-2", "(default: 0.999)"},
        {"--epsilon", "(default: 1e-08)"}, {"--n-iter-no-change", "(default: 10)"}, {"--max-fun", "(default: 15000)"}};
    for (const auto& [flag, text] : defaults) {
        const auto at = fit.out.find(flag);
        ASSERT_NE(at, std::string::npos) << flag;
        EXPECT_THAT(fit.out.substr(at, fit.out.find('\n', fit.out.find('\n', at) + 1) - at), HasSubstr(text)) << flag;
    }
    EXPECT_EQ(run({"predict", "--help"}).exit_code, 0);
    EXPECT_THAT(run({"--version"}).out, HasSubstr("tapegrad 0."));
    EXPECT_THAT(run({"export-weights", "--help"}).out, HasSubstr("--out"));
}

TEST_F(CliTest, ExplainPrintsTheFirstStep) {
    const auto fit = run({"fit", "--data", kMoonsTrain, "--label-column", "label", "--random-state", "0", "--max-iter",
                          "2", "--explain"});
    ASSERT_EQ(fit.exit_code, 0) << fit.err;
    for (const char* text : {"layer_units           [2, 100, 1]", "coefs_[0]             (2, 100)",
                             "logistic: binary: 2 classes [0 1] -> ONE logistic unit", "deltas[1]", "coef_grads[0]",
                             "intercept_grads[1]", "formula", "== Update: adam, step t = 1 ==", "lr_t", "m coefs_[0]",
                             "v intercepts_[1]", "update coefs_[1]", "MLPClassifier fitted: 2 iterations"})
        EXPECT_THAT(fit.out, HasSubstr(text));
    // every difference between the tape and the formulas printed is tiny
    std::istringstream lines(fit.out);
    int differences = 0;
    for (std::string line; std::getline(lines, line);) {
        const auto at = line.find("max |tape - formula| ");
        if (at == std::string::npos) continue;
        ++differences;
        const auto value = line.find_first_of("0123456789", at);
        EXPECT_LT(std::strtod(line.c_str() + value, nullptr), 1e-12) << line;
    }
    EXPECT_GE(differences, 8);
    // without a random_state the CLI picks one so that the trace is the fit's own first step
    const auto unseeded = run({"fit", "--data", kMoonsTrain, "--label-column", "label", "--hidden-layer-sizes", "3",
                               "--max-iter", "1", "--explain"});
    ASSERT_EQ(unseeded.exit_code, 0) << unseeded.err;
    EXPECT_THAT(unseeded.out, HasSubstr("random_state not given: this fit uses random_state="));
}

TEST_F(CliTest, DivergenceIsOneLineAndWritesNothing) {
    // sgd with a huge learning rate and momentum on unscaled data
    Array<double> X = make_X<double>(40, 3, 1) * 100.0;
    Array<double> y = Array<double>::from_shape({40});
    for (std::size_t i = 0; i < 40; ++i) y(i) = X(i, 0) * X(i, 1);
    tapegrad::io::save_npy(path("X.npy"), X);
    tapegrad::io::save_npy(path("y.npy"), y);
    const auto fit = run({"fit", "--data", "X.npy", "--target", "y.npy", "--task", "regression", "--solver", "sgd",
                          "--learning-rate-init", "1e6", "--momentum", "0.9", "--batch-size", "10", "--random-state",
                          "0", "--save", "m.json", "--loss-curve", "loss.txt"});
    EXPECT_NE(fit.exit_code, 0);
    ASSERT_EQ(fit.err_lines().size(), 1u) << fit.err;
    EXPECT_THAT(fit.err, HasSubstr("MLPRegressor: training diverged at epoch 1, batch "));
    EXPECT_THAT(fit.err, HasSubstr(": loss is "));
    EXPECT_EQ(files(), (std::vector<std::string>{"X.npy", "y.npy"}));  // no model, no loss curve, no temporary
}

TEST_F(CliTest, ProgressLineOnATerminal) {
    // script(1) runs the command on a pseudo-terminal: stderr is then a terminal.
    if (!cli_test::fs::exists("/usr/bin/script")) GTEST_SKIP() << "no /usr/bin/script to give the CLI a terminal";
    std::string command = cli_test::shell_quote(TAPEGRAD_CLI);
    for (const char* arg : {"fit", "--data", kMoonsTrain.c_str(), "--label-column", "label", "--hidden-layer-sizes", "3",
                            "--random-state", "0", "--max-iter", "3", "--save", "m.json"})
        command += " " + cli_test::shell_quote(arg);
    const std::string script = "cd " + cli_test::shell_quote(dir_.string()) + " && /usr/bin/script -qec " +
                               cli_test::shell_quote(command) + " /dev/null > terminal.txt 2>&1 < /dev/null";
    ASSERT_EQ(std::system(script.c_str()), 0) << read("terminal.txt");
    const std::string terminal = read("terminal.txt");
    EXPECT_THAT(terminal, HasSubstr("epoch 1/3  loss 0."));
    EXPECT_THAT(terminal, HasSubstr("epoch 3/3  loss "));
    EXPECT_THAT(terminal, HasSubstr("left at most"));
    EXPECT_THAT(terminal, ::testing::Not(HasSubstr("Iteration 1")));  // not asked for --verbose
    EXPECT_THAT(terminal, HasSubstr("MLPClassifier fitted: 3 iterations"));
    // the model records the user's verbose=false, not the progress line's verbose fit
    EXPECT_FALSE(tapegrad::cli::load_model(path("m.json")).params.verbose);
}

}  // namespace
