// SGD and Adam against scikit-learn's SGDOptimizer / AdamOptimizer themselves: the fixtures in
// optimizer_fixtures.hpp come from tests/optim/make_optimizer_fixtures.py.
#include <gtest/gtest.h>

#include <cmath>

#include <tapegrad/optim/optim.hpp>

#include "optimizer_fixtures.hpp"

using namespace tapegrad;
using namespace tapegrad::optim;

namespace {

const std::vector<Shape> kShapes{{2, 3}, {3}};

Array<double> array_of(const std::vector<double>& flat, const Shape& shape) {
    Array<double> a(shape);
    std::copy(flat.begin(), flat.end(), a.begin());
    return a;
}

void expect_close(const Array<double>& actual, const std::vector<double>& expected, const std::string& what) {
    ASSERT_EQ(actual.size(), expected.size()) << what;
    for (std::size_t i = 0; i < expected.size(); ++i) {
        const double tolerance = 1e-12 * std::abs(expected[i]) + 1e-300;
        EXPECT_NEAR(actual.data()[i], expected[i], tolerance) << what << " element " << i;
    }
}

}  // namespace

TEST(SklearnFixtures, SGDAndAdamMatchSklearn) {
    ASSERT_EQ(optimizer_fixtures::kCases.size(), 9u);
    for (const auto& c : optimizer_fixtures::kCases) {
        SCOPED_TRACE(c.name);
        std::vector<Parameter<double>> params;
        for (std::size_t k = 0; k < kShapes.size(); ++k) params.emplace_back(array_of(c.initial[k], kShapes[k]));
        std::vector<Parameter<double>*> pointers{&params[0], &params[1]};
        const bool is_sgd = std::string(c.kind) == "sgd";
        std::unique_ptr<SGD<double>> sgd;
        std::unique_ptr<Adam<double>> adam;
        if (is_sgd) {
            SGDOptions options;
            options.learning_rate_init = c.options.learning_rate_init;
            options.learning_rate = parse_learning_rate_schedule(c.options.schedule);
            options.momentum = c.options.momentum;
            options.nesterov = c.options.nesterov;
            options.power_t = c.options.power_t;
            sgd = std::make_unique<SGD<double>>(pointers, options);
        } else {
            adam = std::make_unique<Adam<double>>(
                pointers, AdamOptions{c.options.learning_rate_init, c.options.beta_1, c.options.beta_2, c.options.epsilon});
        }
        for (std::size_t s = 0; s < c.steps.size(); ++s) {
            const auto& step = c.steps[s];
            const std::string label = std::string(c.name) + " step " + std::to_string(s);
            for (std::size_t k = 0; k < kShapes.size(); ++k) params[k].grad = array_of(step.grads[k], kShapes[k]);
            if (is_sgd) {
                sgd->step();
                if (step.iteration_ends_time_step >= 0)
                    sgd->iteration_ends(static_cast<std::size_t>(step.iteration_ends_time_step));
                if (step.trigger_stopping_result >= 0) {
                    EXPECT_EQ(sgd->trigger_stopping("no improvement", false), step.trigger_stopping_result == 1) << label;
                }
                EXPECT_NEAR(sgd->learning_rate(), step.learning_rate_after, 1e-12 * step.learning_rate_after) << label;
            } else {
                adam->step();
                EXPECT_NEAR(adam->learning_rate(), step.learning_rate_after, 1e-12 * step.learning_rate_after) << label;
            }
            for (std::size_t k = 0; k < kShapes.size(); ++k) {
                const std::string which = label + " parameter " + std::to_string(k);
                expect_close(params[k].value, step.params_after[k], which + " value");
                if (is_sgd) {
                    expect_close(sgd->velocities()[k], step.state1_after[k], which + " velocity");
                } else {
                    expect_close(adam->first_moments()[k], step.state1_after[k], which + " first moment");
                    expect_close(adam->second_moments()[k], step.state2_after[k], which + " second moment");
                }
            }
        }
    }
}
