#include "module.hpp"

namespace tapegrad::nn {

template <class T>
std::vector<std::pair<std::string, Parameter<T>*>> Module<T>::named_parameters() {
    std::vector<std::pair<std::string, Parameter<T>*>> out;
    collect("", out);
    return out;
}

template <class T>
std::vector<Parameter<T>*> Module<T>::parameters() {
    std::vector<Parameter<T>*> out;
    for (auto& named : named_parameters()) out.push_back(named.second);
    return out;
}

template <class T>
void Module<T>::zero_grad() {
    // walks the tree directly: no list of names is built, so a training step allocates nothing
    for (auto& own : own_parameters_) own.second->zero_grad();
    for (auto& sub : submodules_) sub.second->zero_grad();
}

template <class T>
void Module<T>::check_new_name(const std::string& name) const {
    if (name.empty()) throw Error("Module: empty parameter or submodule name");
    if (name.find('.') != std::string::npos)
        throw Error("Module: name '" + name + "' contains '.', which separates nested names");
    for (const auto& own : own_parameters_)
        if (own.first == name) throw Error("Module: name '" + name + "' is already a parameter");
    for (const auto& sub : submodules_)
        if (sub.first == name) throw Error("Module: name '" + name + "' is already a submodule");
}

template <class T>
void Module<T>::register_parameter(std::string name, Parameter<T>& p) {
    check_new_name(name);
    own_parameters_.emplace_back(std::move(name), &p);
}

template <class T>
void Module<T>::register_module(std::string name, Module<T>& m) {
    check_new_name(name);
    if (&m == this) throw Error("Module: cannot register a module as its own submodule '" + name + "'");
    submodules_.emplace_back(std::move(name), &m);
}

template <class T>
void Module<T>::collect(const std::string& prefix, std::vector<std::pair<std::string, Parameter<T>*>>& out) {
    for (auto& own : own_parameters_) out.emplace_back(prefix + own.first, own.second);
    for (auto& sub : submodules_) sub.second->collect(prefix + sub.first + ".", out);
}

template class Module<float>;
template class Module<double>;

}  // namespace tapegrad::nn
