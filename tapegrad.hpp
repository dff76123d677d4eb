#pragma once
/// Everything tapegrad offers: `#include <tapegrad/tapegrad.hpp>`.

#include "autograd/autograd.hpp"  // the tape, the ops, gradcheck
#include "nn/nn.hpp"              // modules, layers, activations, losses, init, Random
#include "optim/optim.hpp"        // SGD, Adam, L-BFGS
#include "io/io.hpp"              // .npy and CSV files, atomic writes
#include "mlp/mlp.hpp"            // MLPClassifier, MLPRegressor
