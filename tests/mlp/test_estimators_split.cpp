// The early-stopping split and the scores against scikit-learn 1.2.1's own numbers.
//
// Split cases from (run with /usr/bin/python3):
//   rng = np.random.RandomState(seed); rng.uniform(-1, 1, draws_before)
//   train, test = train_test_split(np.arange(n), random_state=rng, test_size=fraction,
//                                  stratify=None | strata (as sklearn's MLP passes it: a bool
//                                  column for binary))
//   after = rng.random_sample()          # the stream position after the split
// Scores: sklearn.metrics.r2_score and numpy's sum on the inputs below.

#include <cmath>
#include <string>
#include <vector>

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <tapegrad/mlp/labels.hpp>
#include <tapegrad/mlp/metrics.hpp>
#include <tapegrad/mlp/split.hpp>

namespace {

using tapegrad::Array;
using tapegrad::mlp::approximate_mode;
using tapegrad::mlp::train_validation_split;
using tapegrad::nn::Random;

struct SplitCase {
    const char* name;
    std::size_t n;
    double validation_fraction;
    std::uint32_t seed;
    std::size_t draws_before;  ///< uniform draws made before the split (the weight init)
    std::vector<std::size_t> strata;
    std::vector<std::size_t> train, validation;
    double next_sample;  ///< rng.random_sample() right after the split
};

const std::vector<SplitCase> kSplitCases = {
    {"shuffle_10", 10, 0.1, 0, 0, {}, {8, 4, 9, 1, 6, 7, 3, 0, 5}, {2}, 0.4375872112626925},
    {"shuffle_30_after_draws", 30, 0.1, 3, 7, {}, {18, 4, 16, 25, 3, 13, 11, 22, 15, 29, 24, 28, 8, 5, 1, 19, 2, 17, 14, 7, 12, 20, 0, 6, 23, 21, 10}, {26, 27, 9}, 0.7184220249681447},
    {"shuffle_25_frac_0.3", 25, 0.3, 42, 0, {}, {22, 5, 2, 12, 15, 3, 4, 20, 17, 21, 18, 24, 7, 10, 14, 19, 6}, {8, 16, 0, 23, 11, 9, 13, 1}, 0.3042422429595377},
    {"binary_20", 20, 0.1, 0, 0, {0, 1, 0, 0, 0, 0, 0, 1, 1, 0, 1, 1, 0, 1, 0, 1, 0, 1, 1, 0}, {12, 1, 10, 3, 15, 8, 13, 5, 19, 9, 7, 18, 0, 2, 16, 4, 11, 14}, {6, 17}, 0.5204774795512048},
    {"binary_33_after_draws", 33, 0.2, 5, 11, {0, 0, 1, 1, 1, 0, 1, 0, 0, 0, 0, 1, 1, 1, 0, 0, 1, 0, 0, 1, 0, 1, 0, 1, 1, 1, 0, 0, 0, 0, 1, 1, 0}, {3, 6, 12, 28, 23, 30, 7, 16, 4, 0, 25, 5, 15, 18, 9, 17, 19, 2, 24, 32, 27, 13, 10, 1, 8, 14}, {22, 26, 31, 21, 11, 20, 29}, 0.25124511169054764},
    {"binary_unbalanced", 17, 0.25, 9, 0, {1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 0, 0, 0, 0}, {9, 7, 12, 2, 0, 1, 4, 13, 3, 14, 16, 10}, {6, 11, 15, 5, 8}, 0.9433069034403351},
    {"three_classes_30", 30, 0.2, 1, 0, {2, 2, 1, 0, 0, 2, 1, 0, 2, 2, 2, 2, 1, 2, 0, 1, 0, 2, 0, 2, 1, 2, 0, 2, 2, 0, 2, 1, 2, 1}, {17, 20, 4, 9, 22, 16, 19, 2, 29, 5, 7, 13, 12, 21, 15, 28, 10, 1, 25, 8, 6, 3, 23, 0}, {26, 24, 18, 27, 11, 14}, 0.5331652849730171},
    {"four_classes_ties", 14, 0.3, 2, 0, {0, 0, 1, 1, 2, 2, 3, 3, 0, 1, 2, 3, 0, 1}, {2, 5, 8, 12, 7, 3, 0, 6, 10}, {9, 11, 1, 13, 4}, 0.18443986564691528},
};

TEST(MLPSplit, MatchesSklearnsTrainTestSplit) {
    for (const SplitCase& c : kSplitCases) {
        SCOPED_TRACE(c.name);
        Random rng(c.seed);
        for (std::size_t i = 0; i < c.draws_before; ++i) rng.uniform(-1, 1);
        const auto split =
            train_validation_split(c.n, c.validation_fraction, rng, c.strata.empty() ? nullptr : &c.strata);
        EXPECT_EQ(split.train, c.train);
        EXPECT_EQ(split.validation, c.validation);
        EXPECT_EQ(rng.random_sample(), c.next_sample);
    }
}

TEST(MLPSplit, ApproximateModeMatchesSklearnsDocstring) {
    // sklearn.utils._approximate_mode's examples (rng=0 and rng=42)
    Random zero(0);
    EXPECT_EQ(approximate_mode({4, 2}, 3, zero), (std::vector<std::size_t>{2, 1}));
    Random zero_again(0);
    EXPECT_EQ(approximate_mode({5, 2}, 4, zero_again), (std::vector<std::size_t>{3, 1}));
    Random ties(0);
    EXPECT_EQ(approximate_mode({2, 2, 2, 1}, 2, ties), (std::vector<std::size_t>{0, 1, 1, 0}));
    Random ties42(42);
    EXPECT_EQ(approximate_mode({2, 2, 2, 1}, 2, ties42), (std::vector<std::size_t>{1, 1, 0, 0}));
}

TEST(MLPSplit, ValidationSizeIsTheCeilingOfTheFloatingPointProduct) {
    // 0.28 * 25 is 7.000000000000001 in floating point: sklearn's ceil makes it 8 rows
    Random rng(0);
    const auto split = train_validation_split(25, 0.28, rng, nullptr);
    EXPECT_EQ(split.validation.size(), 8u);
    EXPECT_EQ(split.train.size(), 17u);
}

TEST(MLPSplit, Errors) {
    Random rng(0);
    EXPECT_THAT([&] { train_validation_split(10, 0.0, rng, nullptr); },
                testing::ThrowsMessage<tapegrad::Error>(testing::HasSubstr("validation_fraction=0.0")));
    const std::vector<std::size_t> three_classes = {0, 1, 2, 0, 1, 2, 0, 1, 2, 0};
    EXPECT_THAT([&] { train_validation_split(10, 0.1, rng, &three_classes); },
                testing::ThrowsMessage<tapegrad::Error>(testing::HasSubstr(
                    "the validation part of the split (1 rows) should be greater or equal to the number of classes = 3")));
}

TEST(MLPScores, R2MatchesSklearn) {
    using tapegrad::mlp::r2_score;
    EXPECT_EQ(r2_score(Array<double>{3, -0.5, 2, 7}, Array<double>{2.5, 0.0, 2, 8}), 0.9486081370449679);
    EXPECT_EQ(r2_score(Array<double>{{0.5, 1}, {-1, 1}, {7, -6}}, Array<double>{{0, 2}, {-1, 2}, {8, -5}}),
              0.9368005266622779);
    EXPECT_EQ(r2_score(Array<double>{1, 1, 1}, Array<double>{1, 1, 1}), 1.0);  // both sums zero
    EXPECT_EQ(r2_score(Array<double>{1, 1, 1}, Array<double>{1, 2, 1}), 0.0);  // constant target
    EXPECT_TRUE(std::isnan(r2_score(Array<double>{1}, Array<double>{2})));    // one sample
}

TEST(MLPScores, PairwiseSumMatchesNumpy) {
    // v = np.array([1.0 / (i + 1) * 10 ** (i % 7) for i in range(1000)]); v.sum() and the naive sum
    std::vector<double> v(1000);
    for (std::size_t i = 0; i < v.size(); ++i) v[i] = 1.0 / static_cast<double>(i + 1) * std::pow(10.0, i % 7);
    EXPECT_EQ(tapegrad::mlp::pairwise_sum(v.data(), v.size()), 883717.4842990144);
    double naive = 0;
    for (double x : v) naive += x;
    EXPECT_EQ(naive, 883717.4842990149);  // so the test tells the two apart
}

TEST(MLPLabelsEncoding, BinarizeAndEncode) {
    using tapegrad::mlp::Labels;
    const Labels classes(std::vector<std::string>{"a", "b", "c"});
    const auto codes = tapegrad::mlp::encode_labels(Labels(std::vector<std::string>{"c", "a", "b"}), classes, "test");
    EXPECT_EQ(codes, (std::vector<std::size_t>{2, 0, 1}));
    const Array<double> onehot = tapegrad::mlp::binarize<double>(codes, 3);
    EXPECT_EQ(onehot, (Array<double>{{0, 0, 1}, {1, 0, 0}, {0, 1, 0}}));
    const Array<double> binary = tapegrad::mlp::binarize<double>({1, 0, 1}, 2);
    ASSERT_EQ(binary.shape(), (tapegrad::Shape{3, 1}));
    EXPECT_EQ(binary(0, 0), 1.0);
    EXPECT_EQ(binary(1, 0), 0.0);
    EXPECT_EQ(binary(2, 0), 1.0);
    EXPECT_THAT([&] { tapegrad::mlp::encode_labels(Labels(std::vector<std::string>{"a", "z", "y", "z"}), classes, "fit"); },
                testing::ThrowsMessage<tapegrad::Error>(
                    testing::HasSubstr("fit: y has labels not in classes_: ['y' 'z']; classes_ are ['a' 'b' 'c']")));
}

}  // namespace
