#pragma once
/// The tape: reverse-mode automatic differentiation by recording every operation in creation
/// order and walking the record backwards.
///
/// - `Tape<T>` owns every recorded node: its value, its gradient, what its vjp saved.
/// - `Var<T>` is a cheap handle `{tape, index, generation}` onto one node.
/// - `Parameter<T>` lives outside any tape (a model's weights persist from one minibatch to the
///   next); `tape.param(p)` puts it on the tape as a leaf whose gradient accumulates into `p.grad`.
/// - `backward(loss)` seeds 1 (or a given seed) and runs each node's vjp in reverse order.
/// - `clear()` forgets the nodes but keeps their buffers: the next minibatch records the same
///   ops with the same shapes into the same memory, so a training step allocates nothing.
///
/// An op is a forward function that calls `tape.record(...)` and fills the new node's value,
/// plus a vjp `void(Tape<T>&, Node<T>&)` held as a plain function pointer in a static `Op<T>`.
/// See `ops/` for the built-in ones and the README for writing your own.

#include <array>
#include <cstdint>
#include <initializer_list>
#include <memory>
#include <set>
#include <string>
#include <vector>

#include "array.hpp"

namespace tapegrad {

template <class T> class Tape;
template <class T> struct Node;

/// Thrown in anomaly mode (anomaly.hpp) for the first NaN or infinity in a value or a gradient;
/// the message names the op, its shapes, the node's position on the tape and the element.
class AnomalyError : public Error {
public:
    using Error::Error;
};

/// True while a `DetectAnomaly` guard (anomaly.hpp) is alive on the calling thread.
bool thread_detects_anomalies();

/// Vector-Jacobian product of one op: reads `node.grad()` (dL/d output) and adds each input's
/// contribution into `tape.grad(input)` for the inputs where `tape.needs_grad(input)`; or, faster,
/// writes it through `tape.grad_target(input)` (assigning on the first write of a backward).
template <class T>
using VjpFn = void (*)(Tape<T>& tape, Node<T>& node);

/// Every op name constructed so far (built-in ops and user ops alike): the gradcheck table's
/// coverage test compares its rows with this set.
const std::set<std::string>& registered_ops();
void register_op(const char* name);

/// What an op is: its name (used in errors, DOT graphs and the gradcheck registry) and its vjp.
/// Define one per op at namespace scope, e.g. `template <class T> const Op<T> kExp{"exp", exp_vjp<T>};`
template <class T>
struct Op {
    const char* name;
    VjpFn<T> vjp;
    Op(const char* op_name, VjpFn<T> op_vjp) : name(op_name), vjp(op_vjp) { register_op(op_name); }
};

/// A tensor that persists across tapes and receives accumulated gradients (a model weight).
template <class T>
struct Parameter {
    Array<T> value;
    Array<T> grad;  ///< same shape as value; accumulates (+=) until zero_grad()

    Parameter() = default;
    explicit Parameter(Array<T> initial) : value(std::move(initial)), grad(xt::zeros<T>(value.shape())) {}
    /// Sets grad to zeros of the value's shape (reusing its memory).
    void zero_grad() {
        grad.resize(value.shape());
        std::fill(grad.begin(), grad.end(), T(0));
    }
};

/// One recorded operation (or leaf). Owned by the tape; reused after `clear()`.
template <class T>
struct Node {
    static constexpr int kMaxInputs = 4;

    const Op<T>* op = nullptr;  ///< nullptr for leaves
    const Op<T>* source_op = nullptr;  ///< the op that computed the value, also when recorded as a
                                       ///< constant (no-grad); nullptr for leaves. For messages.
    std::array<std::int32_t, kMaxInputs> inputs{};
    int n_inputs = 0;
    bool requires_grad = false;
    Parameter<T>* param = nullptr;  ///< set for parameter leaves

    Array<T> own_value;   ///< value storage unless the node is a parameter leaf
    Array<T> own_grad;    ///< gradient storage unless the node is a parameter leaf
    bool grad_ready = false;  ///< an op node's own_grad holds this backward's gradient (else stale)
    Array<T> saved;       ///< what the op keeps for its vjp (mask, probabilities, ...)
    std::vector<std::size_t> saved_index;  ///< integer data the op keeps (argmax positions, ...)
    std::array<double, 2> scalars{};       ///< scalar arguments (exponent, clip bounds, ...)
    Shape axes;                            ///< axes argument of reductions and softmax
    bool keepdims = false;

    const Array<T>& value() const { return param ? param->value : own_value; }
    Array<T>& value() { return param ? param->value : own_value; }
    Array<T>& grad() { return param ? param->grad : own_grad; }
    const Array<T>& grad() const { return param ? param->grad : own_grad; }
    int input(int k) const { return inputs[static_cast<std::size_t>(k)]; }
    const char* name() const { return op ? op->name : (param ? "parameter" : "leaf"); }
};

/// A handle onto one node of a tape. Copy it freely; it is valid until the tape is cleared.
template <class T>
class Var {
public:
    Var() = default;
    Var(Tape<T>* tape, std::int32_t index, std::uint32_t generation)
        : tape_(tape), index_(index), generation_(generation) {}

    Tape<T>& tape() const;
    std::int32_t index() const { return index_; }
    std::uint32_t generation() const { return generation_; }
    bool valid() const { return tape_ != nullptr; }

    const Array<T>& value() const;
    const Array<T>& grad() const;
    const Shape& shape() const;
    std::size_t dim() const { return shape().size(); }
    std::size_t size() const { return value().size(); }
    bool requires_grad() const;
    /// The single element of a one-element value (a scalar loss).
    T item() const;

private:
    Tape<T>* tape_ = nullptr;
    std::int32_t index_ = -1;
    std::uint32_t generation_ = 0;
};

template <class T>
class Tape {
public:
    Tape() : detect_anomalies_(thread_detects_anomalies()) {}
    Tape(const Tape&) = delete;
    Tape& operator=(const Tape&) = delete;

    // ---- leaves -------------------------------------------------------------------------
    /// A leaf holding a copy of `value` that receives a gradient (an input we differentiate by).
    Var<T> variable(const Array<T>& value);
    /// A leaf that needs no gradient (data, targets).
    Var<T> constant(const Array<T>& value);
    /// A constant leaf whose value buffer is filled by the caller (no copy).
    Var<T> constant(const Shape& shape);
    /// A parameter leaf: its value is read from `p.value` (no copy), its gradient accumulates
    /// into `p.grad` on backward.
    Var<T> param(Parameter<T>& p);
    /// A new constant leaf with a copy of v's value: the graph is cut there.
    Var<T> detach(Var<T> v);

    // ---- backward -----------------------------------------------------------------------
    /// Seeds d(loss)/d(loss) = 1 and runs every vjp from `loss` back to the first node.
    /// Throws if `loss` has more than one element (give a seed then).
    void backward(Var<T> loss);
    /// Seeds d(L)/d(output) = seed (same shape as output) and runs the vjps.
    void backward(Var<T> output, const Array<T>& seed);

    /// Forgets all nodes (Vars of this tape become invalid) and keeps their memory. Anomaly mode
    /// is then on if an `AnomalyMode` guard of this tape or a `DetectAnomaly` of this thread lives.
    void clear();
    /// Zeroes the gradients of variable leaves (parameter gradients: `Parameter::zero_grad`).
    void zero_grad();

    // ---- recording (for op writers) ------------------------------------------------------
    /// Records a node of `op` over `inputs`; its value is resized to `out_shape` for the caller
    /// to fill. In a no-grad scope, or when no input requires a gradient, the node is a leaf.
    Var<T> record(const Op<T>* op, std::initializer_list<Var<T>> inputs, const Shape& out_shape);
    Node<T>& node(Var<T> v);
    const Node<T>& node(Var<T> v) const;
    Node<T>& node_at(std::int32_t index) { return *nodes_[static_cast<std::size_t>(index)]; }
    const Node<T>& node_at(std::int32_t index) const { return *nodes_[static_cast<std::size_t>(index)]; }
    const Array<T>& value(std::int32_t index) const { return node_at(index).value(); }
    /// The gradient buffer of node `index`, to add a contribution into (zeroed first if nothing
    /// has been written to it in this backward).
    Array<T>& grad(std::int32_t index);
    /// Where a vjp writes input `index`'s gradient: the buffer and whether this is the first write
    /// of this backward to an intermediate node. Then the buffer holds stale numbers and the vjp
    /// must assign (`=`, GEMM beta 0) instead of adding; this saves zeroing every intermediate
    /// gradient before backward. Leaves always accumulate (assign is false).
    struct GradTarget {
        Array<T>& grad;
        bool assign;
    };
    GradTarget grad_target(std::int32_t index);
    bool needs_grad(std::int32_t index) const { return node_at(index).requires_grad; }
    /// A scratch buffer of the given shape, owned by the tape and reused by every vjp.
    Array<T>& scratch(const Shape& shape, int slot = 0);

    // ---- inspection ---------------------------------------------------------------------
    std::size_t size() const { return size_; }
    std::size_t capacity() const { return nodes_.size(); }
    std::uint32_t generation() const { return generation_; }
    bool grad_enabled() const { return no_grad_depth_ == 0; }
    /// True while values and gradients are checked for NaN and infinity (anomaly.hpp).
    bool detects_anomalies() const { return detect_anomalies_; }
    /// Throws naming `op` if v is not a live handle onto this tape.
    void check(Var<T> v, const char* op) const;

private:
    template <class U> friend class NoGrad;
    template <class U> friend class AnomalyMode;
    Var<T> leaf(const Shape& shape, bool requires_grad);
    /// Checks `output`, zeroes the gradients of the op nodes up to it; returns its node.
    Node<T>& prepare_backward(Var<T> output, const Shape& seed_shape);
    void run_backward(std::int32_t from);
    /// For an op node that no vjp wrote a gradient to (the output does not depend on it): zeroes
    /// its gradient and returns true, its vjp then has nothing to add.
    bool skip_unreached(Node<T>& n);
    // Anomaly mode (anomaly.cpp): the value of every node in [values_checked_, size_) is complete
    // (checked when the next node is recorded or backward starts); each vjp's input gradients are
    // checked right after it runs.
    void check_new_values();
    void check_seed(std::int32_t output);
    void run_backward_checking(std::int32_t from);

    std::vector<std::unique_ptr<Node<T>>> nodes_;
    std::size_t size_ = 0;
    std::uint32_t generation_ = 1;
    int no_grad_depth_ = 0;
    int anomaly_depth_ = 0;          ///< live AnomalyMode guards of this tape
    bool detect_anomalies_ = false;  ///< anomaly mode on: the one branch per recorded node
    std::size_t values_checked_ = 0; ///< nodes [0, values_checked_) have had their value checked
    std::array<Array<T>, 3> scratch_;
};

/// While alive, ops on `tape` compute values but record no graph: results are constant leaves.
template <class T>
class NoGrad {
public:
    explicit NoGrad(Tape<T>& tape) : tape_(tape) { ++tape_.no_grad_depth_; }
    ~NoGrad() { --tape_.no_grad_depth_; }
    NoGrad(const NoGrad&) = delete;
    NoGrad& operator=(const NoGrad&) = delete;

private:
    Tape<T>& tape_;
};

// ---- Var members that need the tape --------------------------------------------------------
template <class T>
Tape<T>& Var<T>::tape() const {
    if (!tape_) throw Error("tapegrad: use of an empty Var");
    return *tape_;
}
template <class T>
const Array<T>& Var<T>::value() const { tape().check(*this, "value"); return tape_->node(*this).value(); }
template <class T>
const Array<T>& Var<T>::grad() const { tape().check(*this, "grad"); return tape_->node(*this).grad(); }
template <class T>
const Shape& Var<T>::shape() const { return value().shape(); }
template <class T>
bool Var<T>::requires_grad() const { tape().check(*this, "requires_grad"); return tape_->node(*this).requires_grad; }
template <class T>
T Var<T>::item() const {
    const auto& v = value();
    if (v.size() != 1) throw Error("item: value of shape " + shape_str(v.shape()) + " is not a single element");
    return v.data()[0];
}

extern template class Tape<float>;
extern template class Tape<double>;

}  // namespace tapegrad
