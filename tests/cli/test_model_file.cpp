// The model file: exact round trips, and a clear ModelFileError (never a crash) for every kind of
// damaged, foreign or inconsistent file.

#include <cmath>
#include <cstring>
#include <filesystem>
#include <fstream>
#include <limits>
#include <string>

#include <cstdio>
#include <functional>

#include <gmock/gmock.h>
#include <nlohmann/json.hpp>
#include <gtest/gtest.h>

#include <tapegrad/cli/model_file.hpp>
#include <tapegrad/io/atomic_file.hpp>

namespace {

namespace fs = std::filesystem;
using tapegrad::Array;
using tapegrad::cli::ModelFile;
using tapegrad::cli::ModelFileError;
using ::testing::HasSubstr;

/// A small consistent classifier: 2 features, hidden (3,), binary, awkward weight values.
ModelFile small_classifier() {
    ModelFile m;
    m.estimator = "MLPClassifier";
    m.dtype = "float64";
    m.params.hidden_layer_sizes = {3};
    m.params.random_state = 7;
    m.params.batch_size = 16;
    m.params.n_iter_no_change = tapegrad::mlp::kNeverStop;
    m.n_features_in = 2;
    m.n_outputs = 1;
    m.out_activation = "logistic";
    m.classes = tapegrad::mlp::Labels(std::vector<std::int64_t>{-3, 7});
    m.feature_names = {"x0", "x,1 \"quoted\""};
    m.target_names = {"label"};
    m.coefs = {Array<double>::from_shape({2, 3}), Array<double>::from_shape({3, 1})};
    m.intercepts = {Array<double>::from_shape({3}), Array<double>::from_shape({1})};
    const double values[] = {0.1, -0.0, 1e-310, 1.0 / 3.0, -2.5e300, std::nextafter(1.0, 2.0),
                             0.30000000000000004, 123456789.123456789, -7.0};
    std::size_t k = 0;
    for (auto* arrays : {&m.coefs, &m.intercepts})
        for (auto& a : *arrays)
            for (auto& v : a) v = values[k++ % 9];
    m.loss = 0.6931471805599453;
    m.best_loss = 0.5;
    m.loss_curve = {0.9, 0.7, 0.6931471805599453, std::numeric_limits<double>::infinity()};
    m.validation_scores = {};
    m.n_iter = 4;
    m.t = 400;
    m.stop_reason = "max_iter";
    return m;
}

bool bitwise_equal(const Array<double>& a, const Array<double>& b) {
    return a.shape() == b.shape() && std::memcmp(a.data(), b.data(), a.size() * sizeof(double)) == 0;
}

class ModelFileTest : public ::testing::Test {
protected:
    void SetUp() override {
        dir_ = fs::temp_directory_path() /
               ("tapegrad_model_file_" + std::to_string(::getpid()) + "_" +
                ::testing::UnitTest::GetInstance()->current_test_info()->name());
        fs::create_directories(dir_);
    }
    void TearDown() override { fs::remove_all(dir_); }
    std::string path(const std::string& name) const { return (dir_ / name).string(); }
    void write(const std::string& name, const std::string& text) const {
        std::ofstream(path(name), std::ios::binary) << text;
    }
    /// The message of the ModelFileError that loading `name` throws ("" if none).
    std::string load_error(const std::string& name) const {
        try {
            tapegrad::cli::load_model(path(name));
        } catch (const ModelFileError& e) {
            return e.what();
        }
        return "";
    }
    fs::path dir_;
};

TEST_F(ModelFileTest, RoundTripKeepsEveryFieldBitForBit) {
    const ModelFile original = small_classifier();
    tapegrad::cli::save_model(path("m.json"), original);
    const ModelFile loaded = tapegrad::cli::load_model(path("m.json"));

    EXPECT_EQ(loaded.estimator, "MLPClassifier");
    EXPECT_EQ(loaded.dtype, "float64");
    EXPECT_EQ(loaded.params.hidden_layer_sizes, original.params.hidden_layer_sizes);
    EXPECT_EQ(loaded.params.random_state, original.params.random_state);
    EXPECT_EQ(loaded.params.batch_size, original.params.batch_size);
    EXPECT_EQ(loaded.params.n_iter_no_change, tapegrad::mlp::kNeverStop);
    EXPECT_EQ(loaded.params.alpha, original.params.alpha);
    EXPECT_EQ(loaded.params.solver, "adam");
    EXPECT_EQ(loaded.classes, original.classes);
    EXPECT_EQ(loaded.feature_names, original.feature_names);
    EXPECT_EQ(loaded.target_names, original.target_names);
    ASSERT_EQ(loaded.coefs.size(), 2u);
    for (std::size_t i = 0; i < 2; ++i) {
        EXPECT_TRUE(bitwise_equal(loaded.coefs[i], original.coefs[i])) << "coefs[" << i << "]";
        EXPECT_TRUE(bitwise_equal(loaded.intercepts[i], original.intercepts[i])) << "intercepts[" << i << "]";
    }
    EXPECT_TRUE(std::signbit(loaded.coefs[0](0, 1)));  // -0.0 stays negative
    EXPECT_EQ(loaded.loss, original.loss);
    EXPECT_EQ(loaded.best_loss, original.best_loss);
    ASSERT_EQ(loaded.loss_curve.size(), 4u);
    EXPECT_EQ(loaded.loss_curve[2], original.loss_curve[2]);
    EXPECT_TRUE(std::isinf(loaded.loss_curve[3]));
    EXPECT_FALSE(loaded.best_validation_score.has_value());
    EXPECT_EQ(loaded.n_iter, 4u);
    EXPECT_EQ(loaded.t, 400u);
    EXPECT_EQ(loaded.stop_reason, "max_iter");
    EXPECT_EQ(loaded.layer_units(), (std::vector<std::size_t>{2, 3, 1}));
}

TEST_F(ModelFileTest, FileIsSelfDescribingJson) {
    tapegrad::cli::save_model(path("m.json"), small_classifier());
    const std::string text = tapegrad::io::read_file(path("m.json"));
    EXPECT_THAT(text, HasSubstr("\"format\": \"tapegrad-mlp\""));
    EXPECT_THAT(text, HasSubstr("\"version\": 1"));
    EXPECT_THAT(text, HasSubstr("\"checksum\": \"fnv1a64:"));
    EXPECT_THAT(text, HasSubstr("\"learning_rate_init\":0.001"));
    EXPECT_THAT(text, HasSubstr("\"n_iter_no_change\":\"inf\""));
    EXPECT_THAT(text, HasSubstr("\"layer_units\": [2,3,1]"));
}

TEST_F(ModelFileTest, StringClassesAndFloat32RoundTrip) {
    ModelFile m = small_classifier();
    m.dtype = "float32";
    m.classes = tapegrad::mlp::Labels(std::vector<std::string>{"Iris, \"setosa\"", "versicolor \xc3\xa9"});
    for (auto* arrays : {&m.coefs, &m.intercepts})
        for (auto& a : *arrays)
            for (auto& v : a) v = static_cast<double>(static_cast<float>(v == v ? std::fmod(v, 1e30) : 0));
    tapegrad::cli::save_model(path("m.json"), m);
    const ModelFile loaded = tapegrad::cli::load_model(path("m.json"));
    EXPECT_EQ(loaded.dtype, "float32");
    EXPECT_EQ(loaded.classes, m.classes);
    EXPECT_TRUE(bitwise_equal(loaded.coefs[0], m.coefs[0]));
}

TEST_F(ModelFileTest, RegressorHasNoClasses) {
    ModelFile m = small_classifier();
    m.estimator = "MLPRegressor";
    m.classes = {};
    m.out_activation = "identity";
    tapegrad::cli::save_model(path("m.json"), m);
    const ModelFile loaded = tapegrad::cli::load_model(path("m.json"));
    EXPECT_FALSE(loaded.is_classifier());
    EXPECT_EQ(loaded.classes.size(), 0u);
}

TEST_F(ModelFileTest, MissingFileNamesThePath) {
    EXPECT_THAT(load_error("absent.json"), HasSubstr("absent.json"));
}

TEST_F(ModelFileTest, EveryTruncationIsAClearError) {
    tapegrad::cli::save_model(path("m.json"), small_classifier());
    const std::string text = tapegrad::io::read_file(path("m.json"));
    for (std::size_t length = 0; length < text.size(); length += std::max<std::size_t>(1, text.size() / 97)) {
        write("cut.json", text.substr(0, length));
        const std::string message = load_error("cut.json");
        EXPECT_THAT(message, HasSubstr("cut.json")) << "cut at " << length;
    }
    write("cut.json", text.substr(0, text.size() - 3));
    EXPECT_THAT(load_error("cut.json"), HasSubstr("truncated or corrupted"));
}

TEST_F(ModelFileTest, AChangedDigitFailsTheChecksum) {
    tapegrad::cli::save_model(path("m.json"), small_classifier());
    std::string text = tapegrad::io::read_file(path("m.json"));
    const std::size_t at = text.find("0.6931471805599453");
    ASSERT_NE(at, std::string::npos);
    text[at + 5] = text[at + 5] == '1' ? '2' : '1';
    write("edited.json", text);
    EXPECT_THAT(load_error("edited.json"), HasSubstr("checksum"));
}

TEST_F(ModelFileTest, EveryFlippedByteIsAnErrorOrHarmless) {
    // Flip bytes all over the file: loading must throw ModelFileError or (whitespace) succeed,
    // never crash or throw anything else.
    tapegrad::cli::save_model(path("m.json"), small_classifier());
    const std::string text = tapegrad::io::read_file(path("m.json"));
    for (std::size_t i = 0; i < text.size(); i += 7) {
        std::string damaged = text;
        damaged[i] = static_cast<char>(damaged[i] ^ 0x5a);
        write("damaged.json", damaged);
        try {
            tapegrad::cli::load_model(path("damaged.json"));
        } catch (const ModelFileError&) {
        }
    }
}

TEST_F(ModelFileTest, OtherVersionIsRejectedByName) {
    tapegrad::cli::save_model(path("m.json"), small_classifier());
    std::string text = tapegrad::io::read_file(path("m.json"));
    text.replace(text.find("\"version\": 1"), 12, "\"version\": 2");
    write("v2.json", text);
    EXPECT_THAT(load_error("v2.json"), HasSubstr("format version 2 is not supported; this tapegrad reads version 1"));
}

TEST_F(ModelFileTest, ForeignFilesAreNotModels) {
    write("other.json", "{\"format\": \"something-else\", \"version\": 1}");
    EXPECT_THAT(load_error("other.json"), HasSubstr("not a tapegrad model file"));
    write("list.json", "[1, 2, 3]");
    EXPECT_THAT(load_error("list.json"), HasSubstr("not a tapegrad model file"));
    write("binary.json", std::string("\x93NUMPY\x01\x00", 8));
    EXPECT_THAT(load_error("binary.json"), HasSubstr("not a tapegrad model file"));
    write("empty.json", "");
    EXPECT_THAT(load_error("empty.json"), HasSubstr("empty.json"));
}

/// A file with a valid checksum whose contents are wrong: the field is named.
TEST_F(ModelFileTest, InconsistentContentsNameTheField) {
    ModelFile m = small_classifier();
    m.coefs[1] = Array<double>::from_shape({4, 1});
    EXPECT_THROW(tapegrad::cli::model_file_text(m), ModelFileError);
    try {
        tapegrad::cli::model_file_text(m);
    } catch (const ModelFileError& e) {
        EXPECT_THAT(e.what(), HasSubstr("coefs[1] has shape (4, 1), expected (3, 1)"));
    }
    // Edited with a correct checksum: the reader still checks the contents.
    const nlohmann::json good = nlohmann::json::parse(tapegrad::cli::model_file_text(small_classifier()));
    auto write_edited = [&](const std::string& name, const std::function<void(nlohmann::json&)>& edit) {
        nlohmann::json file = good;
        edit(file["model"]);
        char checksum[32];
        std::snprintf(checksum, sizeof checksum, "fnv1a64:%016llx",
                      static_cast<unsigned long long>(tapegrad::cli::fnv1a64(file["model"].dump())));
        file["checksum"] = checksum;
        write(name, file.dump(2));
    };
    write_edited("same.json", [](nlohmann::json&) {});
    EXPECT_EQ(load_error("same.json"), "");
    write_edited("units.json", [](nlohmann::json& m) { m["n_outputs"] = 2; });
    EXPECT_THAT(load_error("units.json"), HasSubstr("coefs[1] has shape (3, 1), expected (3, 2)"));
    write_edited("act.json", [](nlohmann::json& m) { m["out_activation"] = "softmax"; });
    EXPECT_THAT(load_error("act.json"), HasSubstr("out_activation must be \"logistic\""));
    write_edited("alpha.json", [](nlohmann::json& m) { m["params"]["alpha"] = -1.0; });
    EXPECT_THAT(load_error("alpha.json"), HasSubstr("The 'alpha' parameter of MLPClassifier must be a float"));
    write_edited("type.json", [](nlohmann::json& m) { m["n_iter"] = "four"; });
    EXPECT_THAT(load_error("type.json"), HasSubstr("field 'n_iter' must be a non-negative integer"));
    write_edited("gone.json", [](nlohmann::json& m) { m.erase("t"); });
    EXPECT_THAT(load_error("gone.json"), HasSubstr("field 't' is missing"));
    write_edited("data.json", [](nlohmann::json& m) { m["coefs"][0]["data"].erase(0); });
    EXPECT_THAT(load_error("data.json"), HasSubstr("'data' has 5 values, shape (2, 3) needs 6"));
    write_edited("huge.json", [](nlohmann::json& m) { m["coefs"][0]["shape"] = {1ULL << 40, 1ULL << 40}; });
    EXPECT_THAT(load_error("huge.json"), HasSubstr("shape too large"));
    write_edited("classes.json", [](nlohmann::json& m) { m["classes"]["values"] = {1, 2, 3}; });
    EXPECT_THAT(load_error("classes.json"), HasSubstr("3 classes need 3 outputs, the model has 1"));
    write_edited("estimator.json", [](nlohmann::json& m) { m["estimator"] = "SVC"; });
    EXPECT_THAT(load_error("estimator.json"), HasSubstr("estimator must be"));
}

TEST_F(ModelFileTest, SaveIsAtomic) {
    tapegrad::cli::save_model(path("m.json"), small_classifier());
    const std::string before = tapegrad::io::read_file(path("m.json"));
    ModelFile bad = small_classifier();
    bad.intercepts.pop_back();
    EXPECT_THROW(tapegrad::cli::save_model(path("m.json"), bad), ModelFileError);
    EXPECT_EQ(tapegrad::io::read_file(path("m.json")), before);
    std::size_t files = 0;
    for ([[maybe_unused]] const auto& entry : fs::directory_iterator(dir_)) ++files;
    EXPECT_EQ(files, 1u);  // no temporary left behind
}

TEST_F(ModelFileTest, NonUtf8LabelIsAClearError) {
    ModelFile m = small_classifier();
    m.classes = tapegrad::mlp::Labels(std::vector<std::string>{"caf\xe9", "tea"});
    try {
        tapegrad::cli::save_model(path("m.json"), m);
        FAIL() << "expected ModelFileError";
    } catch (const ModelFileError& e) {
        EXPECT_THAT(e.what(), HasSubstr("not valid UTF-8"));
    }
    EXPECT_FALSE(fs::exists(path("m.json")));
}

TEST(ModelFileChecksum, Fnv1a64KnownValues) {
    // Reference values of FNV-1a 64 (http://www.isthe.com/chongo/tech/comp/fnv/).
    EXPECT_EQ(tapegrad::cli::fnv1a64(""), 0xcbf29ce484222325ULL);
    EXPECT_EQ(tapegrad::cli::fnv1a64("a"), 0xaf63dc4c8601ec8cULL);
    EXPECT_EQ(tapegrad::cli::fnv1a64("foobar"), 0x85944171f73967e8ULL);
}

}  // namespace
