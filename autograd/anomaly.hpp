#pragma once
/// Anomaly mode: find the op that first produced a NaN or an infinity (PyTorch's detect_anomaly).
///
/// While it is on for a tape:
///   - forward: every node's value (op outputs and leaves: data, variables, parameters) is checked
///     once it is complete, that is when the next node is recorded or when backward starts;
///   - backward: after each vjp runs, the gradients it adds into (its inputs' gradients) are
///     checked; a seed given to backward is checked before the first vjp.
/// Nodes are checked in the tape's order, so the error names the first node that went bad. It is
/// an AnomalyError (a tapegrad::Error) such as
///   anomaly in forward: op 'log' (node 3 on the tape; input shapes (2, 3); output shape (2, 3))
///     produced NaN at element 4 of its output
///   anomaly in backward: the vjp of op 'sqrt' (node 5 on the tape; input shapes (3,); output
///     shape (3,)) produced inf at element 0 of the gradient of input 0 (node 4, shape (3,))
///
/// Two switches, both scope guards:
///   AnomalyMode<double> guard(tape);  // this tape, until the guard goes away
///   DetectAnomaly guard;              // every tape of this thread that is constructed or cleared
///                                     // while the guard lives (the estimators clear their tape at
///                                     // every minibatch: this is what `tapegrad fit --anomaly` uses)
///
/// Off (the default) it costs one branch per recorded node and one per backward call. On, every
/// number is looked at once more: a debugging aid, not for production training.
///
/// Not checked: a parameter's gradient that was already non-finite before this backward (from an
/// earlier backward without zero_grad) is reported as made by the first vjp that adds into it.

#include "tape.hpp"

namespace tapegrad {

/// Anomaly mode on `tape` while alive (nests; the tape keeps checking until its next clear() if
/// a DetectAnomaly guard of the thread is alive).
template <class T>
class AnomalyMode {
public:
    explicit AnomalyMode(Tape<T>& tape) : tape_(tape) {
        ++tape_.anomaly_depth_;
        tape_.detect_anomalies_ = true;
    }
    ~AnomalyMode() {
        --tape_.anomaly_depth_;
        tape_.detect_anomalies_ = tape_.anomaly_depth_ > 0 || thread_detects_anomalies();
    }
    AnomalyMode(const AnomalyMode&) = delete;
    AnomalyMode& operator=(const AnomalyMode&) = delete;

private:
    Tape<T>& tape_;
};

/// Anomaly mode for every tape of the calling thread constructed or cleared while alive (nests).
/// A tape switched on this way stays on until its next clear() after the guard is gone.
class DetectAnomaly {
public:
    DetectAnomaly();
    ~DetectAnomaly();
    DetectAnomaly(const DetectAnomaly&) = delete;
    DetectAnomaly& operator=(const DetectAnomaly&) = delete;
};

}  // namespace tapegrad
