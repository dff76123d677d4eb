#pragma once
/// Checks shared by the optimizers: the parameter list they are given and, at each step, that
/// every parameter still has the shape its state was made for and a gradient of that shape.

#include <string>
#include <vector>

#include <tapegrad/autograd/tape.hpp>

namespace tapegrad::optim {

/// Error naming `optimizer` if `params` is empty or holds a null pointer, or a parameter's grad
/// has another shape than its value.
template <class T>
void check_parameters(const char* optimizer, const std::vector<Parameter<T>*>& params) {
    if (params.empty()) throw Error(std::string(optimizer) + ": no parameters to optimize");
    for (std::size_t i = 0; i < params.size(); ++i) {
        if (!params[i]) throw Error(std::string(optimizer) + ": parameter " + std::to_string(i) + " is null");
        if (params[i]->grad.shape() != params[i]->value.shape())
            throw Error(std::string(optimizer) + ": parameter " + std::to_string(i) + " has value of shape " +
                        shape_str(params[i]->value.shape()) + " but grad of shape " +
                        shape_str(params[i]->grad.shape()));
    }
}

/// Error unless parameter i's value and grad both still have the shape of its state.
template <class T>
void check_step_shapes(const char* optimizer, std::size_t i, const Parameter<T>& p, const Array<T>& state) {
    if (p.value.shape() != state.shape() || p.grad.shape() != state.shape())
        throw Error(std::string(optimizer) + ": parameter " + std::to_string(i) + " has value of shape " +
                    shape_str(p.value.shape()) + " and grad of shape " + shape_str(p.grad.shape()) +
                    ", but the optimizer was made for shape " + shape_str(state.shape()));
}

/// Error naming the hyperparameter unless lo < value (or lo <= value) and value < hi (or <=).
void check_range(const char* optimizer, const char* name, double value, double lo, bool lo_closed, double hi,
                 bool hi_closed);

}  // namespace tapegrad::optim
