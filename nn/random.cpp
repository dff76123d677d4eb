#include "random.hpp"

#include <numeric>

namespace tapegrad::nn {

double Random::random_sample() {
    const std::uint32_t a = next_u32() >> 5;  // 27 bits
    const std::uint32_t b = next_u32() >> 6;  // 26 bits
    return (a * 67108864.0 + b) / 9007199254740992.0;
}

double Random::uniform(double lo, double hi) { return lo + (hi - lo) * random_sample(); }

std::uint64_t Random::random_interval(std::uint64_t max) {
    if (max == 0) return 0;
    std::uint64_t mask = max;
    mask |= mask >> 1;
    mask |= mask >> 2;
    mask |= mask >> 4;
    mask |= mask >> 8;
    mask |= mask >> 16;
    mask |= mask >> 32;
    std::uint64_t value;
    if (max <= 0xffffffffULL) {
        while ((value = (next_u32() & mask)) > max) {
        }
    } else {
        auto next_u64 = [this] {
            const std::uint64_t high = next_u32();
            return (high << 32) | next_u32();
        };
        while ((value = (next_u64() & mask)) > max) {
        }
    }
    return value;
}

std::vector<std::size_t> Random::permutation(std::size_t n) {
    std::vector<std::size_t> order(n);
    std::iota(order.begin(), order.end(), std::size_t{0});
    shuffle(order.begin(), order.end());
    return order;
}

}  // namespace tapegrad::nn
