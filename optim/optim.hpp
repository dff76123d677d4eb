#pragma once
/// tapegrad's optim: SGD with momentum / Nesterov and learning-rate schedules, Adam, L-BFGS, and
/// data-parallel gradients over a Communicator.

#include "adam.hpp"
#include "communicator.hpp"
#include "gradient_allreduce.hpp"
#include "lbfgs.hpp"
#include "line_search.hpp"
#include "schedule.hpp"
#include "sgd.hpp"
