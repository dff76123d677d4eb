// nn::Random against numpy's legacy RandomState. Expected values from Debian's numpy 1.24.2
// (/usr/bin/python3); each test names the snippet that produced them.
#include <gtest/gtest.h>

#include <numeric>

#include <tapegrad/nn/random.hpp>

using tapegrad::nn::Random;

TEST(Random, RawOutputsAreMT19937) {
    // np.random.RandomState(s).randint(0, 2**32, 4, dtype=np.uint64)  (full range = raw outputs)
    const std::vector<std::pair<std::uint32_t, std::vector<std::uint32_t>>> cases{
        {0, {2357136044u, 2546248239u, 3071714933u, 3626093760u}},
        {5489, {3499211612u, 581869302u, 3890346734u, 3586334585u}},
        {42, {1608637542u, 3421126067u, 4083286876u, 787846414u}},
    };
    for (const auto& [seed, expected] : cases) {
        Random rng(seed);
        for (auto value : expected) EXPECT_EQ(rng.next_u32(), value) << "seed " << seed;
    }
}

TEST(Random, UniformMatchesNumpyForSeveralSeeds) {
    // np.random.RandomState(s).uniform(-1, 1, 5)
    const std::vector<std::pair<std::uint32_t, std::vector<double>>> cases{
        {0, {0.0976270078546495, 0.43037873274483895, 0.20552675214328775, 0.08976636599379373, -0.15269040132219058}},
        {1, {-0.165955990594852, 0.4406489868843162, -0.9997712503653102, -0.39533485473632046, -0.7064882183657739}},
        {42, {-0.250919762305275, 0.9014286128198323, 0.4639878836228102, 0.1973169683940732, -0.687962719115127}},
        {4294967295u,
         {-0.8047359420119724, 0.8247656906052436, 0.5780706037032799, 0.5600071962269355, -0.9641206520265095}},
    };
    for (const auto& [seed, expected] : cases) {
        Random rng(seed);
        for (double value : expected) EXPECT_EQ(rng.uniform(-1, 1), value) << "seed " << seed;
    }
}

TEST(Random, PermutationMatchesNumpy) {
    // np.random.RandomState(s).permutation(10)
    EXPECT_EQ(Random(0).permutation(10), (std::vector<std::size_t>{2, 8, 4, 9, 1, 6, 7, 3, 0, 5}));
    EXPECT_EQ(Random(42).permutation(10), (std::vector<std::size_t>{8, 1, 5, 0, 7, 2, 9, 4, 3, 6}));
    EXPECT_EQ(Random(123).permutation(10), (std::vector<std::size_t>{4, 0, 7, 5, 8, 3, 1, 6, 9, 2}));
    // np.random.RandomState(3).permutation(1000)[:8]
    const auto long_permutation = Random(3).permutation(1000);
    EXPECT_EQ(std::vector<std::size_t>(long_permutation.begin(), long_permutation.begin() + 8),
              (std::vector<std::size_t>{642, 762, 909, 199, 586, 797, 652, 755}));
    EXPECT_TRUE(Random(1).permutation(0).empty());
    EXPECT_EQ(Random(1).permutation(1), std::vector<std::size_t>{0});
}

TEST(Random, StreamContinuesAcrossDrawKinds) {
    // r = np.random.RandomState(7); r.random_sample(3); x = np.arange(20); r.shuffle(x);
    // r.permutation(5); r.uniform(2, 3)
    Random rng(7);
    EXPECT_EQ(rng.random_sample(), 0.07630828937395717);
    EXPECT_EQ(rng.random_sample(), 0.7799187922401146);
    EXPECT_EQ(rng.random_sample(), 0.4384092314408935);
    std::vector<int> x(20);
    std::iota(x.begin(), x.end(), 0);
    rng.shuffle(x.begin(), x.end());
    EXPECT_EQ(x, (std::vector<int>{1, 5, 11, 13, 2, 3, 9, 16, 12, 0, 4, 6, 19, 17, 15, 10, 18, 8, 14, 7}));
    EXPECT_EQ(rng.permutation(5), (std::vector<std::size_t>{2, 3, 1, 4, 0}));
    EXPECT_EQ(rng.uniform(2, 3), 2.6005489174641223);
}

TEST(Random, RandomIntervalMatchesNumpyMaskedDraws) {
    // np.random.RandomState(9).randint(0, 11, 6, dtype=np.uint64)      (32-bit masked rejection)
    Random small(9);
    for (std::uint64_t v : {5u, 6u, 8u, 6u, 1u, 6u}) EXPECT_EQ(small.random_interval(10), v);
    // np.random.RandomState(9).randint(0, 2**40 + 1, 4, dtype=np.uint64)  (64-bit masked rejection)
    Random large(9);
    for (std::uint64_t v : {543309627893ull, 1079394964374ull, 536928129601ull, 98256916916ull})
        EXPECT_EQ(large.random_interval(1ull << 40), v);
    Random zero(9);
    EXPECT_EQ(zero.random_interval(0), 0u);
    EXPECT_EQ(zero.next_u32(), Random(9).next_u32());  // max = 0 draws nothing
}

TEST(Random, SameSeedSameStream) {
    Random a(2024), b(2024), c(2025);
    bool any_difference = false;
    for (int i = 0; i < 100; ++i) {
        const double va = a.random_sample();
        EXPECT_EQ(va, b.random_sample());
        EXPECT_GE(va, 0.0);
        EXPECT_LT(va, 1.0);
        any_difference = any_difference || va != c.random_sample();
    }
    EXPECT_TRUE(any_difference);
}
