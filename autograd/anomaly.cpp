#include "anomaly.hpp"

#include <cmath>
#include <string>

namespace tapegrad {

namespace {

thread_local int thread_anomaly_depth = 0;

/// The flat index of the first NaN or infinity in `a`, or a.size() if every number is finite.
template <class T>
std::size_t first_non_finite(const Array<T>& a) {
    const T* p = a.data();
    const std::size_t n = a.size();
    for (std::size_t i = 0; i < n; ++i)
        if (!std::isfinite(p[i])) return i;
    return n;
}

/// "NaN at index (1, 2)" for the element at flat position `flat` of `a` ("NaN" alone for rank 0).
template <class T>
std::string bad_number(const Array<T>& a, std::size_t flat) {
    const T v = a.data()[flat];
    std::string text = std::isnan(v) ? "NaN" : (v > 0 ? "inf" : "-inf");
    const auto& shape = a.shape();
    if (shape.empty()) return text;
    Shape index(shape.size());
    for (std::size_t k = shape.size(); k-- > 0;) {
        index[k] = flat % shape[k];
        flat /= shape[k];
    }
    return text + " at index " + shape_str(index);
}

/// "op 'log' (node 3 on the tape; input shapes (2, 3); output shape (2, 3))", or for a leaf
/// "parameter (node 0 on the tape; shape (2, 3))".
template <class T>
std::string describe(const Tape<T>& tape, std::int32_t index) {
    const Node<T>& n = tape.node_at(index);
    const std::string where = "node " + std::to_string(index) + " on the tape";
    if (!n.source_op) {
        const char* kind = n.param ? "parameter" : (n.requires_grad ? "variable" : "constant");
        return std::string(kind) + " (" + where + "; shape " + shape_str(n.value().shape()) + ")";
    }
    std::string text = std::string("op '") + n.source_op->name + "' (" + where;
    if (n.n_inputs > 0) {
        text += "; input shapes ";
        for (int k = 0; k < n.n_inputs; ++k)
            text += (k ? ", " : "") + shape_str(tape.value(n.input(k)).shape());
    } else {
        text += ", recorded without gradient";
    }
    return text + "; output shape " + shape_str(n.value().shape()) + ")";
}

}  // namespace

bool thread_detects_anomalies() { return thread_anomaly_depth > 0; }

DetectAnomaly::DetectAnomaly() { ++thread_anomaly_depth; }
DetectAnomaly::~DetectAnomaly() { --thread_anomaly_depth; }

template <class T>
void Tape<T>::check_new_values() {
    for (; values_checked_ < size_; ++values_checked_) {
        const auto index = static_cast<std::int32_t>(values_checked_);
        const Array<T>& value = node_at(index).value();
        const std::size_t bad = first_non_finite(value);
        if (bad == value.size()) continue;
        const Node<T>& n = node_at(index);
        const std::string what = n.source_op ? " produced " + bad_number(value, bad) + " in its output"
                                             : " holds " + bad_number(value, bad);
        throw AnomalyError("anomaly in forward: " + describe(*this, index) + what);
    }
}

template <class T>
void Tape<T>::check_seed(std::int32_t output) {
    const Array<T>& seed = node_at(output).grad();
    const std::size_t bad = first_non_finite(seed);
    if (bad != seed.size())
        throw AnomalyError("anomaly in backward: the seed gradient of " + describe(*this, output) + " holds " +
                           bad_number(seed, bad));
}

template <class T>
void Tape<T>::run_backward_checking(std::int32_t from) {
    check_new_values();  // the last nodes' values, before any vjp reads them
    for (std::int32_t i = from; i >= 0; --i) {
        Node<T>& n = node_at(i);
        if (!n.op || !n.requires_grad || skip_unreached(n)) continue;
        n.op->vjp(*this, n);
        for (int k = 0; k < n.n_inputs; ++k) {
            const std::int32_t input = n.input(k);
            if (!needs_grad(input)) continue;
            if (node_at(input).op && !node_at(input).grad_ready) continue;  // nothing written (an empty product)
            const Array<T>& grad = node_at(input).grad();
            const std::size_t bad = first_non_finite(grad);
            if (bad == grad.size()) continue;
            throw AnomalyError("anomaly in backward: the vjp of " + describe(*this, i) + " produced " +
                               bad_number(grad, bad) + " in the gradient of input " + std::to_string(k) + " (node " +
                               std::to_string(input) + ", shape " + shape_str(grad.shape()) + ")");
        }
    }
}

template void Tape<float>::check_new_values();
template void Tape<double>::check_new_values();
template void Tape<float>::check_seed(std::int32_t);
template void Tape<double>::check_seed(std::int32_t);
template void Tape<float>::run_backward_checking(std::int32_t);
template void Tape<double>::run_backward_checking(std::int32_t);

}  // namespace tapegrad
