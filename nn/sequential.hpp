#pragma once
/// `Sequential<T>`: modules applied one after another, y = m_{k-1}( ... m_1(m_0(x))).
///
/// The i-th module added is registered as submodule "i", so its parameters are named
/// "i.<name>" ("0.coef", "0.intercept", "2.coef", ...). An empty Sequential is the identity.

#include <cstddef>
#include <memory>
#include <utility>
#include <vector>

#include "module.hpp"

namespace tapegrad::nn {

template <class T>
class Sequential : public Module<T> {
public:
    /// Appends `m` (registered as the next index) and returns it; Error for a null module.
    Module<T>& add(std::unique_ptr<Module<T>> m);
    /// Constructs an M from args, appends it, returns it: `seq.emplace<Linear<double>>(4, 3)`.
    template <class M, class... Args>
    M& emplace(Args&&... args) {
        auto m = std::make_unique<M>(std::forward<Args>(args)...);
        M& ref = *m;
        add(std::move(m));
        return ref;
    }

    std::size_t size() const { return modules_.size(); }
    /// The i-th module; Error naming i and the size if out of range.
    Module<T>& operator[](std::size_t i);

    Var<T> forward(Var<T> x) override;

private:
    std::vector<std::unique_ptr<Module<T>>> modules_;
};

extern template class Sequential<float>;
extern template class Sequential<double>;

}  // namespace tapegrad::nn
