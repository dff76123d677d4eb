#include "schedule.hpp"

#include <tapegrad/autograd/array.hpp>

namespace tapegrad::optim {

LearningRateSchedule parse_learning_rate_schedule(const std::string& name) {
    if (name == "constant") return LearningRateSchedule::constant;
    if (name == "invscaling") return LearningRateSchedule::invscaling;
    if (name == "adaptive") return LearningRateSchedule::adaptive;
    throw Error("learning_rate '" + name + "' is not one of 'constant', 'invscaling', 'adaptive'");
}

std::string to_string(LearningRateSchedule schedule) {
    switch (schedule) {
        case LearningRateSchedule::constant: return "constant";
        case LearningRateSchedule::invscaling: return "invscaling";
        case LearningRateSchedule::adaptive: return "adaptive";
    }
    throw Error("to_string: invalid LearningRateSchedule value " + std::to_string(static_cast<int>(schedule)));
}

}  // namespace tapegrad::optim
