#pragma once
/// Learning-rate schedules of scikit-learn's SGD (`learning_rate` of MLPClassifier/MLPRegressor).
///
/// | schedule   | learning rate                                                              |
/// |------------|----------------------------------------------------------------------------|
/// | constant   | learning_rate_init, always                                                 |
/// | invscaling | learning_rate_init / (t + 1)^power_t after each epoch, t = samples seen    |
/// | adaptive   | learning_rate_init, divided by 5 each time the no-improvement rule fires;  |
/// |            | training stops once it is <= 1e-6                                          |

#include <string>

namespace tapegrad::optim {

enum class LearningRateSchedule { constant, invscaling, adaptive };

/// "constant" | "invscaling" | "adaptive"; else an Error naming the value and the choices.
LearningRateSchedule parse_learning_rate_schedule(const std::string& name);
/// The name `parse_learning_rate_schedule` accepts.
std::string to_string(LearningRateSchedule schedule);

}  // namespace tapegrad::optim
