#include "sequential.hpp"

#include <string>

namespace tapegrad::nn {

template <class T>
Module<T>& Sequential<T>::add(std::unique_ptr<Module<T>> m) {
    if (!m) throw Error("Sequential::add: null module at index " + std::to_string(modules_.size()));
    this->register_module(std::to_string(modules_.size()), *m);
    modules_.push_back(std::move(m));
    return *modules_.back();
}

template <class T>
Module<T>& Sequential<T>::operator[](std::size_t i) {
    if (i >= modules_.size())
        throw Error("Sequential: index " + std::to_string(i) + " out of range for " +
                    std::to_string(modules_.size()) + " modules");
    return *modules_[i];
}

template <class T>
Var<T> Sequential<T>::forward(Var<T> x) {
    for (auto& m : modules_) x = m->forward(x);
    return x;
}

template class Sequential<float>;
template class Sequential<double>;

}  // namespace tapegrad::nn
