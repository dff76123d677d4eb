#include "parameters.hpp"

#include <cmath>
#include <limits>

#include <fmt/format.h>

namespace tapegrad::optim {

void check_range(const char* optimizer, const char* name, double value, double lo, bool lo_closed, double hi,
                 bool hi_closed) {
    const bool above = lo_closed ? value >= lo : value > lo;
    const bool below = hi_closed ? value <= hi : value < hi;
    if (above && below && !std::isnan(value)) return;
    const std::string upper = std::isinf(hi) ? "inf)" : fmt::format("{}{}", hi, hi_closed ? "]" : ")");
    throw Error(fmt::format("{}: {} = {} is not in {}{}, {}", optimizer, name, value, lo_closed ? "[" : "(", lo, upper));
}

}  // namespace tapegrad::optim
