#pragma once
/// GoogleTest assertions on top of `gradcheck`:
///
///     EXPECT_GRADCHECK(f, inputs);            // default options
///     EXPECT_GRADCHECK_OPTS(f, inputs, opts);
///
/// On failure the message names the input, the element, the numerical and analytical values.

#include <gtest/gtest.h>

#include "gradcheck.hpp"

namespace tapegrad {

inline ::testing::AssertionResult gradcheck_passes(const GradcheckFunction& f, const std::vector<Array<double>>& inputs,
                                                   const GradcheckOptions& options = {}) {
    const GradcheckResult result = gradcheck(f, inputs, options);
    if (result.ok) return ::testing::AssertionSuccess() << result.checked << " Jacobian entries agree";
    return ::testing::AssertionFailure() << result.message;
}

}  // namespace tapegrad

// The arguments are not parenthesized, so that a braced list works: EXPECT_GRADCHECK(f, {x}).
// (A list with a comma must be wrapped: EXPECT_GRADCHECK(f, (std::vector{x, w})).)
#define EXPECT_GRADCHECK(f, inputs) EXPECT_TRUE(::tapegrad::gradcheck_passes(f, inputs))
#define EXPECT_GRADCHECK_OPTS(f, inputs, options) EXPECT_TRUE(::tapegrad::gradcheck_passes(f, inputs, options))
