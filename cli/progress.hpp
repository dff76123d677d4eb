#pragma once
/// The progress line of `tapegrad fit` on a terminal: epoch, loss, elapsed time and time left,
/// rewritten in place on stderr after every epoch (sgd and adam; lbfgs reports no epochs).
///
/// The estimators have no per-epoch callback yet (requested from mlp/), so the line follows the
/// epochs through the estimator's own verbose output: while the fit runs, the estimator is
/// verbose and std::cout goes through a filter that reads each "Iteration N, loss = X" line,
/// updates the progress line, and passes the text on to stdout only if the user asked for
/// --verbose. Nothing of this happens when stderr is not a terminal (pipes, files, tests).

#include <chrono>
#include <iostream>
#include <memory>
#include <streambuf>
#include <string>

#include <tapegrad/mlp/params.hpp>

namespace tapegrad::cli {

class ProgressLine {
public:
    /// Enabled when stderr is a terminal and the solver trains in epochs.
    explicit ProgressLine(const mlp::MLPParams& params);
    ~ProgressLine();
    ProgressLine(const ProgressLine&) = delete;
    ProgressLine& operator=(const ProgressLine&) = delete;

    bool enabled() const { return enabled_; }
    /// The parameters to fit with: `params` made verbose when the line is shown.
    mlp::MLPParams fit_params() const;
    /// From now until finish(), std::cout is filtered and the line is drawn.
    void start();
    /// Restores std::cout and clears the line.
    void finish();

private:
    class Filter;
    void epoch_done(std::size_t epoch, double loss);

    mlp::MLPParams params_;
    bool enabled_ = false;
    std::unique_ptr<Filter> filter_;
    std::streambuf* original_ = nullptr;
    std::chrono::steady_clock::time_point started_;
};

}  // namespace tapegrad::cli
