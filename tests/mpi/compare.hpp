#pragma once
// The tests' one criterion: a data-parallel fit equals the one-process fit to 1e-10 relative.

#include <algorithm>
#include <cmath>

#include <gtest/gtest.h>

#include "custom_model.hpp"

namespace mpi_test {

/// |a - b| <= 1e-10 max(|a|, |b|) for every loss (and score) and every weight element.
inline void expect_relatively_equal(const Fitted& got, const Fitted& want) {
    auto close = [](double a, double b) { return std::abs(a - b) <= 1e-10 * std::max(std::abs(a), std::abs(b)); };
    ASSERT_EQ(got.losses.size(), want.losses.size()) << "a different number of epochs, scores or iterations";
    for (std::size_t i = 0; i < want.losses.size(); ++i)
        EXPECT_TRUE(close(got.losses[i], want.losses[i])) << "loss/score " << i << ": " << got.losses[i] << " vs "
                                                           << want.losses[i];
    ASSERT_EQ(got.weights.size(), want.weights.size());
    for (std::size_t k = 0; k < want.weights.size(); ++k) {
        ASSERT_EQ(got.weights[k].shape(), want.weights[k].shape()) << "weight " << k;
        for (std::size_t i = 0; i < want.weights[k].size(); ++i)
            EXPECT_TRUE(close(got.weights[k].data()[i], want.weights[k].data()[i]))
                << "weight " << k << " element " << i << ": " << got.weights[k].data()[i] << " vs "
                << want.weights[k].data()[i];
    }
}

}  // namespace mpi_test
