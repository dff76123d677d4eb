#include "progress.hpp"

#include <cstdio>
#include <cstdlib>

#include <unistd.h>

#include <fmt/format.h>

namespace tapegrad::cli {

/// A std::cout buffer that hands every complete line to the progress line and passes it on to the
/// real stdout buffer when `forward`.
class ProgressLine::Filter : public std::streambuf {
public:
    Filter(ProgressLine& owner, std::streambuf* out, bool forward) : owner_(owner), out_(out), forward_(forward) {}

protected:
    int_type overflow(int_type c) override {
        if (traits_type::eq_int_type(c, traits_type::eof())) return traits_type::not_eof(c);
        line_ += traits_type::to_char_type(c);
        if (line_.back() == '\n') flush_line();
        return c;
    }
    int sync() override { return forward_ ? out_->pubsync() : 0; }

private:
    void flush_line() {
        std::size_t epoch = 0;
        double loss = 0;
        if (std::sscanf(line_.c_str(), "Iteration %zu, loss = %lf", &epoch, &loss) == 2) owner_.epoch_done(epoch, loss);
        if (forward_) {
            std::fputs("\r\033[K", stderr);  // the line first, so the text does not land beside it
            out_->sputn(line_.data(), static_cast<std::streamsize>(line_.size()));
            out_->pubsync();
        }
        line_.clear();
    }
    ProgressLine& owner_;
    std::streambuf* out_;
    bool forward_;
    std::string line_;
};

ProgressLine::ProgressLine(const mlp::MLPParams& params)
    : params_(params), enabled_(::isatty(STDERR_FILENO) == 1 && params.solver != "lbfgs") {}

ProgressLine::~ProgressLine() { finish(); }

mlp::MLPParams ProgressLine::fit_params() const {
    mlp::MLPParams p = params_;
    if (enabled_) p.verbose = true;
    return p;
}

void ProgressLine::start() {
    if (!enabled_ || filter_) return;
    started_ = std::chrono::steady_clock::now();
    std::cout.flush();
    original_ = std::cout.rdbuf();
    filter_ = std::make_unique<Filter>(*this, original_, params_.verbose);
    std::cout.rdbuf(filter_.get());
}

void ProgressLine::finish() {
    if (!filter_) return;
    std::cout.flush();
    std::cout.rdbuf(original_);
    filter_.reset();
    std::fputs("\r\033[K", stderr);
    std::fflush(stderr);
}

void ProgressLine::epoch_done(std::size_t epoch, double loss) {
    const double elapsed = std::chrono::duration<double>(std::chrono::steady_clock::now() - started_).count();
    const double per_epoch = elapsed / static_cast<double>(epoch);
    const double left = per_epoch * static_cast<double>(params_.max_iter > epoch ? params_.max_iter - epoch : 0);
    std::fprintf(stderr, "\r\033[Kepoch %zu/%zu  loss %.6g  elapsed %.1fs  left at most %.1fs", epoch, params_.max_iter,
                 loss, elapsed, left);
    std::fflush(stderr);
}

}  // namespace tapegrad::cli
