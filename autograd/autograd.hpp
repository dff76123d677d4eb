#pragma once
/// tapegrad's autograd: the tape, every op, gradcheck, DOT export, anomaly mode.

#include "anomaly.hpp"
#include "array.hpp"
#include "broadcast.hpp"
#include "dot.hpp"
#include "gradcheck.hpp"
#include "op_helpers.hpp"
#include "ops/activation.hpp"
#include "ops/elementwise.hpp"
#include "ops/linalg.hpp"
#include "ops/loss.hpp"
#include "ops/reduce.hpp"
#include "tape.hpp"
#include "vector_math.hpp"
