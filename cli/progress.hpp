#pragma once
/// The progress line of `tapegrad fit` on a terminal: epoch (lbfgs: iteration), loss, elapsed
/// time and time left, rewritten in place on stderr after every epoch through the estimator's
/// epoch callback. Shown only when stderr is a terminal and --verbose is off (the verbose lines,
/// exactly sklearn's, are the progress report then); never in pipes, files or tests.

#include <chrono>
#include <cstddef>

#include <tapegrad/mlp/params.hpp>
#include <tapegrad/mlp/train_loop.hpp>

namespace tapegrad::cli {

class ProgressLine {
public:
    explicit ProgressLine(const mlp::MLPParams& params);
    ~ProgressLine();
    ProgressLine(const ProgressLine&) = delete;
    ProgressLine& operator=(const ProgressLine&) = delete;

    bool enabled() const { return enabled_; }
    /// The callback to give the estimator (set_epoch_callback): draws the line; empty when the
    /// line is not shown. The clock starts when it is made.
    mlp::EpochCallback callback();
    /// Clears the line (also done by the destructor).
    void finish();

private:
    void epoch_done(std::size_t epoch, double loss);

    std::size_t max_iter_;
    bool enabled_ = false;
    bool drawn_ = false;
    std::chrono::steady_clock::time_point started_;
};

}  // namespace tapegrad::cli
