#pragma once
/// `Module<T>`: something with parameters that maps one Var to another on a tape.
///
/// A module registers its own parameters (`register_parameter`) and its child modules
/// (`register_module`) by name, once, in its constructor; `named_parameters()` then walks the tree:
/// own parameters first, in registration order, then each child's, prefixed "child_name."
/// (e.g. "0.coef", "0.intercept", "1.coef" in a Sequential).
///
/// Modules hold pointers to their own members, so they are neither copyable nor movable: keep
/// them in place, or behind a `std::unique_ptr` (as `Sequential` does).

#include <string>
#include <utility>
#include <vector>

#include <tapegrad/autograd/tape.hpp>

namespace tapegrad::nn {

template <class T>
class Module {
public:
    Module() = default;
    Module(const Module&) = delete;
    Module& operator=(const Module&) = delete;
    Module(Module&&) = delete;
    Module& operator=(Module&&) = delete;
    virtual ~Module() = default;

    /// Records the module's computation on `x.tape()` and returns its output.
    virtual Var<T> forward(Var<T> x) = 0;
    Var<T> operator()(Var<T> x) { return forward(x); }

    /// Every parameter of this module and its submodules with its dotted name: own parameters
    /// first (registration order), then each submodule's, prefixed "name.".
    std::vector<std::pair<std::string, Parameter<T>*>> named_parameters();
    /// The same parameters in the same order, without names.
    std::vector<Parameter<T>*> parameters();
    /// Sets every parameter's grad to zeros of its value's shape.
    void zero_grad();

protected:
    /// Registers `p` (a member of the derived module) under `name`: non-empty, no '.', unique
    /// among this module's parameters and submodules; else Error.
    void register_parameter(std::string name, Parameter<T>& p);
    /// Registers a submodule `m` (owned by the derived module) under `name` (same rules).
    void register_module(std::string name, Module<T>& m);

private:
    void check_new_name(const std::string& name) const;
    void collect(const std::string& prefix, std::vector<std::pair<std::string, Parameter<T>*>>& out);

    std::vector<std::pair<std::string, Parameter<T>*>> own_parameters_;
    std::vector<std::pair<std::string, Module<T>*>> submodules_;
};

extern template class Module<float>;
extern template class Module<double>;

}  // namespace tapegrad::nn
