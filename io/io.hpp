#pragma once
/// Reading and writing users' files: numpy .npy, CSV, atomic writes.

#include "atomic_file.hpp"
#include "csv.hpp"
#include "error.hpp"
#include "npy.hpp"
