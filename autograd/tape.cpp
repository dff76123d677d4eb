#include "tape.hpp"

#include <algorithm>

namespace tapegrad {

namespace {
std::set<std::string>& op_registry() {
    static std::set<std::string> names;
    return names;
}
}  // namespace

const std::set<std::string>& registered_ops() { return op_registry(); }
void register_op(const char* name) { op_registry().insert(name); }

template <class T>
void Tape<T>::check(Var<T> v, const char* op) const {
    if (!v.valid()) throw Error(std::string(op) + ": empty variable");
    if (&v.tape() != this) throw Error(std::string(op) + ": variable belongs to another tape");
    if (v.generation() != generation_ || v.index() < 0 || static_cast<std::size_t>(v.index()) >= size_)
        throw Error(std::string(op) + ": variable is stale (its tape was cleared since it was made)");
}

template <class T>
Node<T>& Tape<T>::node(Var<T> v) {
    check(v, "node");
    return node_at(v.index());
}

template <class T>
const Node<T>& Tape<T>::node(Var<T> v) const {
    check(v, "node");
    return node_at(v.index());
}

template <class T>
Var<T> Tape<T>::leaf(const Shape& shape, bool requires_grad) {
    Var<T> v = record(nullptr, {}, shape);
    node_at(v.index()).requires_grad = requires_grad;
    return v;
}

template <class T>
Var<T> Tape<T>::record(const Op<T>* op, std::initializer_list<Var<T>> inputs, const Shape& out_shape) {
    const char* name = op ? op->name : "leaf";
    if (inputs.size() > static_cast<std::size_t>(Node<T>::kMaxInputs))
        throw Error(std::string(name) + ": too many inputs");
    if (detect_anomalies_) check_new_values();  // every node recorded so far is complete
    bool any_requires_grad = false;
    for (const auto& input : inputs) {
        check(input, name);
        any_requires_grad = any_requires_grad || node_at(input.index()).requires_grad;
    }
    if (size_ == nodes_.size()) nodes_.push_back(std::make_unique<Node<T>>());
    Node<T>& n = *nodes_[size_];
    const bool records = grad_enabled() && any_requires_grad;
    n.op = records ? op : nullptr;
    n.source_op = op;
    n.n_inputs = 0;
    if (records)
        for (const auto& input : inputs) n.inputs[static_cast<std::size_t>(n.n_inputs++)] = input.index();
    n.requires_grad = records;
    n.param = nullptr;
    n.keepdims = false;
    n.grad_ready = false;
    n.own_value.resize(out_shape);
    ++size_;
    return Var<T>(this, static_cast<std::int32_t>(size_ - 1), generation_);
}

template <class T>
Var<T> Tape<T>::variable(const Array<T>& value) {
    Var<T> v = leaf(value.shape(), true);
    Node<T>& n = node_at(v.index());
    std::copy(value.begin(), value.end(), n.own_value.begin());
    n.own_grad.resize(value.shape());
    std::fill(n.own_grad.begin(), n.own_grad.end(), T(0));
    return v;
}

template <class T>
Var<T> Tape<T>::constant(const Array<T>& value) {
    Var<T> v = leaf(value.shape(), false);
    std::copy(value.begin(), value.end(), node_at(v.index()).own_value.begin());
    return v;
}

template <class T>
Var<T> Tape<T>::constant(const Shape& shape) {
    return leaf(shape, false);
}

template <class T>
Var<T> Tape<T>::param(Parameter<T>& p) {
    if (p.grad.shape() != p.value.shape()) p.zero_grad();
    Var<T> v = leaf(Shape{}, true);
    Node<T>& n = node_at(v.index());
    n.param = &p;
    return v;
}

template <class T>
Var<T> Tape<T>::detach(Var<T> v) {
    check(v, "detach");
    Var<T> out = leaf(v.shape(), false);
    const Array<T>& source = value(v.index());
    std::copy(source.begin(), source.end(), node_at(out.index()).own_value.begin());
    return out;
}

template <class T>
Array<T>& Tape<T>::scratch(const Shape& shape, int slot) {
    Array<T>& buffer = scratch_.at(static_cast<std::size_t>(slot));
    buffer.resize(shape);
    return buffer;
}

template <class T>
typename Tape<T>::GradTarget Tape<T>::grad_target(std::int32_t index) {
    Node<T>& n = node_at(index);
    if (!n.op || n.grad_ready) return {n.grad(), false};
    n.grad_ready = true;
    n.own_grad.resize(n.own_value.shape());
    return {n.own_grad, true};
}

template <class T>
Array<T>& Tape<T>::grad(std::int32_t index) {
    GradTarget target = grad_target(index);
    if (target.assign) std::fill(target.grad.begin(), target.grad.end(), T(0));
    return target.grad;
}

template <class T>
Node<T>& Tape<T>::prepare_backward(Var<T> output, const Shape& seed_shape) {
    check(output, "backward");
    Node<T>& out = node_at(output.index());
    if (seed_shape != out.value().shape())
        throw Error("backward: seed of shape " + shape_str(seed_shape) + " for output of shape " +
                    shape_str(out.value().shape()));
    if (!out.requires_grad) throw Error("backward: output does not depend on any variable or parameter");
    // Intermediate gradients start at zero on every backward (the first vjp to write one assigns
    // it, see grad_target; run_backward zeroes those nobody writes); leaves accumulate until
    // zeroed. Nodes recorded after the output are not touched.
    for (std::int32_t i = 0; i <= output.index(); ++i) node_at(i).grad_ready = false;
    if (out.op) grad(output.index());  // the seed is added to zeros
    return out;
}

template <class T>
void Tape<T>::backward(Var<T> loss) {
    check(loss, "backward");
    const Array<T>& value = this->value(loss.index());
    if (value.size() != 1)
        throw Error("backward: output of shape " + shape_str(value.shape()) +
                    " is not a scalar; pass a seed gradient of that shape");
    Node<T>& out = prepare_backward(loss, value.shape());
    out.grad().data()[0] += T(1);  // d(loss)/d(loss) = 1, without allocating a seed array
    if (detect_anomalies_) run_backward_checking(loss.index());
    else run_backward(loss.index());
}

template <class T>
void Tape<T>::backward(Var<T> output, const Array<T>& seed) {
    Node<T>& out = prepare_backward(output, seed.shape());
    Array<T>& g = out.grad();
    std::transform(g.begin(), g.end(), seed.begin(), g.begin(), [](T a, T b) { return a + b; });
    if (detect_anomalies_) {
        check_seed(output.index());
        run_backward_checking(output.index());
    } else {
        run_backward(output.index());
    }
}

template <class T>
bool Tape<T>::skip_unreached(Node<T>& n) {
    if (n.grad_ready) return false;
    n.grad_ready = true;
    n.own_grad.resize(n.own_value.shape());
    std::fill(n.own_grad.begin(), n.own_grad.end(), T(0));
    return true;
}

template <class T>
void Tape<T>::run_backward(std::int32_t from) {
    for (std::int32_t i = from; i >= 0; --i) {
        Node<T>& n = node_at(i);
        if (n.op && n.requires_grad && !skip_unreached(n)) n.op->vjp(*this, n);
    }
}

template <class T>
void Tape<T>::clear() {
    size_ = 0;
    ++generation_;
    values_checked_ = 0;
    detect_anomalies_ = anomaly_depth_ > 0 || thread_detects_anomalies();
}

template <class T>
void Tape<T>::zero_grad() {
    for (std::size_t i = 0; i < size_; ++i) {
        Node<T>& n = *nodes_[i];
        if (!n.op && !n.param && n.requires_grad) std::fill(n.own_grad.begin(), n.own_grad.end(), T(0));
    }
}

template class Tape<float>;
template class Tape<double>;

}  // namespace tapegrad
