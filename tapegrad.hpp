#pragma once
/// Everything tapegrad offers: `#include <tapegrad/tapegrad.hpp>`.

#include "autograd/autograd.hpp"
