#include "loss.hpp"

#include <cmath>
#include <limits>

#include "../op_helpers.hpp"
#include "../vector_math.hpp"
#include "activation.hpp"

namespace tapegrad {

namespace {

/// n: the rows of the batch (for rank 0, 1).
std::size_t batch_rows(const Shape& shape) { return shape.empty() ? 1 : shape[0]; }

/// x log y with 0 log y = 0 (scipy's xlogy).
template <class T> T xlogy(T x, T y) { return x == 0 ? T(0) : x * std::log(y); }

template <class T> T clip_probability(T p) {
    constexpr T eps = std::numeric_limits<T>::epsilon();
    return std::min(std::max(p, eps), T(1) - eps);
}

template <class T>
void check_loss_args(const char* op, Var<T> input, Var<T> target) {
    Tape<T>& tape = input.tape();
    tape.check(input, op);
    tape.check(target, op);
    if (input.shape() != target.shape())
        throw Error(std::string(op) + ": prediction of shape " + shape_str(input.shape()) + " and target of shape " +
                    shape_str(target.shape()) + " differ");
    if (target.requires_grad())
        throw Error(std::string(op) + ": target of shape " + shape_str(target.shape()) + " must be a constant");
    if (input.shape().size() == 0)
        throw Error(std::string(op) + ": prediction of shape () has no batch axis (rows)");
    if (input.size() == 0) throw Error(std::string(op) + ": empty batch of shape " + shape_str(input.shape()));
}

/// dz[i] += g * (p[i] - y[i]) / n — the delta of all three sklearn losses (p = node.saved, or
/// the prediction itself for squared_loss); = on the first write of this backward.
template <class T>
void delta_vjp(Tape<T>& tape, Node<T>& node, const Array<T>& p) {
    const std::int32_t input = node.input(0);
    if (!tape.needs_grad(input)) return;
    const T* py = tape.value(node.input(1)).data();
    const T* pp = p.data();
    const T scale = node.grad().data()[0] / static_cast<T>(batch_rows(p.shape()));
    auto target = tape.grad_target(input);
    T* dz = target.grad.data();
    const std::size_t n = p.size();
    if (target.assign) {
        for (std::size_t i = 0; i < n; ++i) dz[i] = scale * (pp[i] - py[i]);
    } else {
        for (std::size_t i = 0; i < n; ++i) dz[i] += scale * (pp[i] - py[i]);
    }
}

template <class T> void squared_loss_vjp(Tape<T>& tape, Node<T>& node) {
    delta_vjp(tape, node, tape.value(node.input(0)));
}
template <class T> const Op<T> kSquaredLoss{"squared_loss", squared_loss_vjp<T>};

template <class T> void logistic_log_loss_vjp(Tape<T>& tape, Node<T>& node) { delta_vjp(tape, node, node.saved); }
template <class T> const Op<T> kLogisticLogLoss{"logistic_log_loss", logistic_log_loss_vjp<T>};

template <class T> void softmax_log_loss_vjp(Tape<T>& tape, Node<T>& node) { delta_vjp(tape, node, node.saved); }
template <class T> const Op<T> kSoftmaxLogLoss{"softmax_log_loss", softmax_log_loss_vjp<T>};

template <class T> void l2_penalty_vjp(Tape<T>& tape, Node<T>& node) {
    // dW += 2 scale g W
    const std::int32_t input = node.input(0);
    if (!tape.needs_grad(input)) return;
    const T factor = T(2) * static_cast<T>(node.scalars[0]) * node.grad().data()[0];
    const Array<T>& w = tape.value(input);
    T* dw = tape.grad(input).data();
    for (std::size_t i = 0, n = w.size(); i < n; ++i) dw[i] += factor * w.data()[i];
}
template <class T> const Op<T> kL2Penalty{"l2_penalty", l2_penalty_vjp<T>};

}  // namespace

template <class T> Var<T> squared_loss(Var<T> prediction, Var<T> target) {
    check_loss_args("squared_loss", prediction, target);
    Tape<T>& tape = prediction.tape();
    Var<T> out = tape.record(&kSquaredLoss<T>, {prediction, target}, Shape{});
    const Array<T>& p = tape.value(prediction.index());
    const Array<T>& y = tape.value(target.index());
    T total = 0;
    for (std::size_t i = 0, n = p.size(); i < n; ++i) {
        const T d = y.data()[i] - p.data()[i];
        total += d * d;
    }
    tape.node(out).value().data()[0] = total / static_cast<T>(p.size()) / T(2);
    return out;
}

template <class T> Var<T> logistic_log_loss(Var<T> logits, Var<T> target) {
    check_loss_args("logistic_log_loss", logits, target);
    Tape<T>& tape = logits.tape();
    Var<T> out = tape.record(&kLogisticLogLoss<T>, {logits, target}, Shape{});
    Node<T>& node = tape.node(out);
    const Array<T>& z = tape.value(logits.index());
    const Array<T>& y = tape.value(target.index());
    node.saved.resize(z.shape());
    T total = 0;
    for (std::size_t i = 0, n = z.size(); i < n; ++i) {
        const T p = logistic_value(z.data()[i]);
        node.saved.data()[i] = p;
        const T pc = clip_probability(p);
        total += xlogy(y.data()[i], pc) + xlogy(T(1) - y.data()[i], T(1) - pc);
    }
    node.value().data()[0] = -total / static_cast<T>(batch_rows(z.shape()));
    return out;
}

template <class T> Var<T> softmax_log_loss(Var<T> logits, Var<T> target) {
    check_loss_args("softmax_log_loss", logits, target);
    if (logits.shape().size() != 2)
        throw Error("softmax_log_loss: logits of shape " + shape_str(logits.shape()) + " are not (n, classes)");
    Tape<T>& tape = logits.tape();
    Var<T> out = tape.record(&kSoftmaxLogLoss<T>, {logits, target}, Shape{});
    Node<T>& node = tape.node(out);
    const Array<T>& z = tape.value(logits.index());
    const Array<T>& y = tape.value(target.index());
    node.saved.resize(z.shape());
    const std::size_t rows = z.shape()[0], cols = z.shape()[1];
    T total = 0;
    for (std::size_t r = 0; r < rows; ++r) {
        const T* zr = z.data() + r * cols;
        T* pr = node.saved.data() + r * cols;
        T top = zr[0];
        for (std::size_t c = 1; c < cols; ++c) top = std::max(top, zr[c]);
        for (std::size_t c = 0; c < cols; ++c) pr[c] = zr[c] - top;
        exp_n(pr, pr, cols);  // vectorised
        T norm = 0;
        for (std::size_t c = 0; c < cols; ++c) norm += pr[c];
        for (std::size_t c = 0; c < cols; ++c) {
            pr[c] /= norm;
            total += xlogy(y.data()[r * cols + c], clip_probability(pr[c]));
        }
    }
    node.value().data()[0] = -total / static_cast<T>(rows);
    return out;
}

template <class T> Var<T> l2_penalty(Var<T> weight, double scale) {
    Tape<T>& tape = weight.tape();
    tape.check(weight, "l2_penalty");
    Var<T> out = tape.record(&kL2Penalty<T>, {weight}, Shape{});
    Node<T>& node = tape.node(out);
    node.scalars[0] = scale;
    const Array<T>& w = tape.value(weight.index());
    node.value().data()[0] = static_cast<T>(scale) * dot_n(w.data(), w.data(), w.size());  // vectorised
    return out;
}

#define TAPEGRAD_INSTANTIATE(T)                                \
    template Var<T> squared_loss(Var<T>, Var<T>);              \
    template Var<T> logistic_log_loss(Var<T>, Var<T>);         \
    template Var<T> softmax_log_loss(Var<T>, Var<T>);          \
    template Var<T> l2_penalty(Var<T>, double);
TAPEGRAD_INSTANTIATE(float)
TAPEGRAD_INSTANTIATE(double)
#undef TAPEGRAD_INSTANTIATE

}  // namespace tapegrad
