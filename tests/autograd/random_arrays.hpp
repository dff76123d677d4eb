#pragma once
/// Reproducible test inputs. std::mt19937_64's output is fixed by the C++ standard; the std
/// distributions are not (they differ between standard libraries), so the transforms to the
/// ranges we want are written here.

#include <algorithm>
#include <cstdint>
#include <random>
#include <utility>
#include <vector>

#include <tapegrad/autograd/array.hpp>

namespace tapegrad_test {

using tapegrad::Array;
using tapegrad::Shape;

class RandomArrays {
public:
    explicit RandomArrays(std::uint64_t seed) : engine_(seed) {}

    /// One number uniform in [lo, hi): the top 53 bits of the engine as a double in [0, 1).
    double uniform(double lo, double hi) {
        const double unit = static_cast<double>(engine_() >> 11) * 0x1.0p-53;
        return lo + (hi - lo) * unit;
    }

    /// Uniform in [lo, hi).
    Array<double> uniform(const Shape& shape, double lo, double hi) {
        Array<double> a(shape);
        for (double& x : a) x = uniform(lo, hi);
        return a;
    }

    /// |x| uniform in [lo, hi) with a random sign: keeps points off a kink at 0 (relu, abs) and
    /// denominators away from 0.
    Array<double> away_from_zero(const Shape& shape, double lo, double hi) {
        Array<double> a(shape);
        for (double& x : a) x = (engine_() & 1 ? 1 : -1) * uniform(lo, hi);
        return a;
    }

    /// Uniform in [lo, hi) but at least `margin` away from each of `kinks` (clip bounds).
    Array<double> avoiding(const Shape& shape, double lo, double hi, const std::vector<double>& kinks, double margin) {
        Array<double> a(shape);
        for (double& x : a) {
            bool near_kink = true;
            while (near_kink) {
                x = uniform(lo, hi);
                near_kink = false;
                for (double kink : kinks) near_kink = near_kink || (x > kink - margin && x < kink + margin);
            }
        }
        return a;
    }

    /// The values (k - size/2) * gap, k = 0..size-1, in random order: no two closer than `gap`,
    /// so max has no ties.
    Array<double> distinct(const Shape& shape, double gap) {
        Array<double> a(shape);
        const std::size_t n = a.size();
        for (std::size_t k = 0; k < n; ++k) a.data()[k] = (static_cast<double>(k) - static_cast<double>(n) / 2) * gap;
        for (std::size_t k = n; k-- > 1;) std::swap(a.data()[k], a.data()[engine_() % (k + 1)]);  // Fisher-Yates
        return a;
    }

    /// 0 or 1 with equal chance (binary and multilabel targets).
    Array<double> binary(const Shape& shape) {
        Array<double> a(shape);
        for (double& x : a) x = static_cast<double>(engine_() & 1);
        return a;
    }

    /// Rows with a single 1 at a random column (one-hot class targets).
    Array<double> one_hot(std::size_t rows, std::size_t classes) {
        Array<double> a(Shape{rows, classes});
        std::fill(a.begin(), a.end(), 0.0);
        for (std::size_t r = 0; r < rows; ++r) a(r, engine_() % classes) = 1.0;
        return a;
    }

private:
    std::mt19937_64 engine_;
};

}  // namespace tapegrad_test
