#pragma once
/// `Random`: numpy's legacy `np.random.RandomState(seed)` stream, reproduced exactly.
///
/// scikit-learn turns `random_state=int` into `RandomState(int)`; drawing from this class in the
/// same order gives the same initial weights and the same shuffles as sklearn.
///
/// - engine: MT19937 seeded with `init_genrand(seed)` (= `std::mt19937(seed)`, whose output
///   sequence the C++ standard fixes);
/// - `random_sample()`: ((a >> 5) * 2^26 + (b >> 6)) / 2^53 from two consecutive outputs a, b;
/// - `uniform(lo, hi)`: lo + (hi - lo) * random_sample();
/// - `random_interval(max)`: in [0, max]; mask = smallest 2^k - 1 >= max, draw (32-bit output &
///   mask) until <= max (64-bit outputs, hi << 32 | lo, when max > 0xffffffff);
/// - `shuffle`: for i = n-1 down to 1: j = random_interval(i), swap(x[i], x[j]);
/// - `permutation(n)`: arange(n), then shuffle.

#include <cstddef>
#include <cstdint>
#include <iterator>
#include <random>
#include <utility>
#include <vector>

namespace tapegrad::nn {

class Random {
public:
    /// numpy's `RandomState(seed)` for an integer seed in [0, 2^32).
    explicit Random(std::uint32_t seed) : engine_(seed) {}

    /// The next raw 32-bit output of MT19937.
    std::uint32_t next_u32() { return static_cast<std::uint32_t>(engine_()); }
    /// A double in [0, 1) with 53 random bits (numpy's legacy `random_sample`).
    double random_sample();
    /// lo + (hi - lo) * random_sample() (numpy's legacy `uniform`).
    double uniform(double lo, double hi);
    /// A uniform integer in [0, max] by masked rejection (numpy's legacy `random_interval`).
    std::uint64_t random_interval(std::uint64_t max);

    /// numpy's legacy `RandomState.shuffle` of a 1-D array, over random-access iterators.
    template <class It>
    void shuffle(It first, It last) {
        const auto n = static_cast<std::uint64_t>(std::distance(first, last));
        for (std::uint64_t i = n > 0 ? n - 1 : 0; i >= 1; --i) {
            const std::uint64_t j = random_interval(i);
            using std::swap;
            swap(first[static_cast<std::ptrdiff_t>(i)], first[static_cast<std::ptrdiff_t>(j)]);
        }
    }
    /// numpy's legacy `RandomState.permutation(n)`: 0, ..., n-1 shuffled.
    std::vector<std::size_t> permutation(std::size_t n);

private:
    std::mt19937 engine_;
};

}  // namespace tapegrad::nn
