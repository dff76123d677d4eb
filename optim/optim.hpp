#pragma once
/// tapegrad's optim: SGD with momentum / Nesterov and learning-rate schedules, Adam, L-BFGS.

#include "adam.hpp"
#include "lbfgs.hpp"
#include "line_search.hpp"
#include "schedule.hpp"
#include "sgd.hpp"
