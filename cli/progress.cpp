#include "progress.hpp"

#include <cstdio>

#include <unistd.h>

namespace tapegrad::cli {

ProgressLine::ProgressLine(const mlp::MLPParams& params)
    : max_iter_(params.max_iter), enabled_(::isatty(STDERR_FILENO) == 1 && !params.verbose) {}

ProgressLine::~ProgressLine() { finish(); }

mlp::EpochCallback ProgressLine::callback() {
    if (!enabled_) return {};
    started_ = std::chrono::steady_clock::now();
    return [this](std::size_t epoch, double loss) { epoch_done(epoch, loss); };
}

void ProgressLine::finish() {
    if (!drawn_) return;
    std::fputs("\r\033[K", stderr);
    std::fflush(stderr);
    drawn_ = false;
}

void ProgressLine::epoch_done(std::size_t epoch, double loss) {
    const double elapsed = std::chrono::duration<double>(std::chrono::steady_clock::now() - started_).count();
    const double per_epoch = epoch > 0 ? elapsed / static_cast<double>(epoch) : 0.0;
    const double left = per_epoch * static_cast<double>(max_iter_ > epoch ? max_iter_ - epoch : 0);
    std::fprintf(stderr, "\r\033[Kepoch %zu/%zu  loss %.6g  elapsed %.1fs  left at most %.1fs", epoch, max_iter_, loss,
                 elapsed, left);
    std::fflush(stderr);
    drawn_ = true;
}

}  // namespace tapegrad::cli
