#pragma once
/// tapegrad's nn: modules, layers, activations, losses, initialisation, numpy-compatible random.

#include "activation.hpp"
#include "init.hpp"
#include "linear.hpp"
#include "loss.hpp"
#include "module.hpp"
#include "random.hpp"
#include "sequential.hpp"
