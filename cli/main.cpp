/// The `tapegrad` program: fit, predict and export-weights for MLPClassifier / MLPRegressor.
///
/// Under mpirun (built with MPI, docs/distributed.md) every rank runs the command: `fit` trains
/// across the ranks; `predict` and `export-weights` run on rank 0 alone. Only rank 0 prints and
/// writes files; an error on any rank ends every rank, rank 0 printing it.
///
/// Exit codes: 0 success; 1 a problem with the data, a file or the training; 2 a usage error (an
/// unknown flag, a missing or malformed value, a hyperparameter out of range). Every error is ONE
/// line on stderr, "tapegrad <command>: error: <what>", and leaves no output file behind.

#include <cstdio>
#include <exception>
#include <iostream>
#include <memory>
#include <streambuf>
#include <string>

#include <CLI/CLI.hpp>

#include <tapegrad/mlp/params.hpp>

#ifdef TAPEGRAD_WITH_MPI
#include <tapegrad/mpi/mpi_communicator.hpp>
#endif

#include "commands.hpp"
#include "flags.hpp"

namespace {

/// The message on one line (a message from a library may hold line breaks).
std::string one_line(std::string text) {
    for (char& c : text)
        if (c == '\n' || c == '\r') c = ' ';
    while (!text.empty() && text.back() == ' ') text.pop_back();
    return text;
}

/// The last error reported (for the abort message of a rank whose std::cerr is silenced).
std::string last_error;

int report(const std::string& command, const std::string& message, int exit_code) {
    std::cout.flush();
    last_error = command + ": error: " + one_line(message);
    std::cerr << last_error << '\n';
    return exit_code;
}

/// Parses and runs the command; `collective` is set when it was one that every rank runs
/// together (fit under mpirun).
int run_command(int argc, char** argv, const std::shared_ptr<tapegrad::optim::Communicator>& comm, bool& collective);

/// Swallows what is written to it: std::cout and std::cerr of ranks other than 0.
class NullBuffer : public std::streambuf {
protected:
    int overflow(int c) override { return c == traits_type::eof() ? 0 : c; }
    std::streamsize xsputn(const char*, std::streamsize n) override { return n; }
};

/// Once start()ed, std::cout and std::cerr write nowhere until this object goes, which gives
/// them their buffers back (before the streams are flushed at exit).
class Silence {
public:
    Silence() = default;
    Silence(const Silence&) = delete;
    Silence& operator=(const Silence&) = delete;
    void start() {
        old_out_ = std::cout.rdbuf(&null_);
        old_err_ = std::cerr.rdbuf(&null_);
    }
    ~Silence() {
        if (old_out_) std::cout.rdbuf(old_out_);
        if (old_err_) std::cerr.rdbuf(old_err_);
    }

private:
    NullBuffer null_;
    std::streambuf* old_out_ = nullptr;
    std::streambuf* old_err_ = nullptr;
};

/// The ranks of mpirun, when it started this process (else nullptr). Ranks other than 0 are
/// silenced.
std::shared_ptr<tapegrad::optim::Communicator> join_ranks([[maybe_unused]] int& argc, [[maybe_unused]] char**& argv,
                                                          [[maybe_unused]] Silence& silence) {
#ifdef TAPEGRAD_WITH_MPI
    if (tapegrad::mpi::launched_by_mpirun()) {
        auto comm = tapegrad::mpi::world(argc, argv);
        if (comm->rank() != 0) silence.start();
        return comm;
    }
#endif
    return nullptr;
}

}  // namespace

int main(int argc, char** argv) {
    Silence silence;  // outlives comm: MPI_Finalize runs first, then the streams are restored
    const std::shared_ptr<tapegrad::optim::Communicator> comm = join_ranks(argc, argv, silence);
    bool collective = false;
    const int exit_code = run_command(argc, argv, comm, collective);
    if (collective && exit_code != 0 && !comm->stopped_together()) {
        // This rank failed alone, outside the agreed steps: the others may be waiting for it.
        comm->abort(comm->rank() == 0 ? "" : "rank " + std::to_string(comm->rank()) + ": " + last_error, exit_code);
    }
    return exit_code;
}

namespace {

int run_command(int argc, char** argv, const std::shared_ptr<tapegrad::optim::Communicator>& comm, bool& collective) {
    using namespace tapegrad::cli;
    CLI::App app{"tapegrad: multi-layer perceptrons (scikit-learn's MLPClassifier and MLPRegressor) trained by "
                 "reverse-mode automatic differentiation.",
                 "tapegrad"};
    app.get_formatter()->column_width(44);
    app.require_subcommand(1);
    app.set_version_flag("--version", std::string("tapegrad ") + TAPEGRAD_VERSION);
    app.footer("Run 'tapegrad <command> --help' for the flags of a command, with their defaults.");

    FitOptions fit_options;
    PredictOptions predict_options;
    ExportWeightsOptions export_options;
    CLI::App* fit = add_fit_command(app, fit_options);
    CLI::App* predict = add_predict_command(app, predict_options);
    CLI::App* export_weights = add_export_weights_command(app, export_options);

    // CLI11 says only "A subcommand is required" for a misspelt command: name it.
    const std::string first = argc > 1 ? argv[1] : "";
    if (!first.empty() && first[0] != '-' && first != "fit" && first != "predict" && first != "export-weights")
        return report("tapegrad", std::string("unknown command '") + argv[1] + "' (commands: fit, predict, export-weights)",
                      2);

    std::string command = "tapegrad";
    try {
        app.parse(argc, argv);
        command = "tapegrad " + app.get_subcommands().front()->get_name();
        const bool root = !comm || comm->rank() == 0;
        if (comm && comm->size() > 1) fit_options.comm = comm;
        collective = fit->parsed() && fit_options.comm;
        if (fit->parsed()) run_fit(fit_options);
        if (predict->parsed() && root) run_predict(predict_options);
        if (export_weights->parsed() && root) run_export_weights(export_options);
    } catch (const CLI::Success& e) {  // --help, --version
        return app.exit(e);
    } catch (const CLI::ParseError& e) {
        for (const CLI::App* sub : app.get_subcommands()) command = "tapegrad " + sub->get_name();
        return report(command, std::string(e.what()) + " (see '" + command + " --help')", 2);
    } catch (const UsageError& e) {
        for (const CLI::App* sub : app.get_subcommands()) command = "tapegrad " + sub->get_name();
        return report(command, e.what(), 2);
    } catch (const tapegrad::mlp::InvalidParameter& e) {
        return report(command, e.what(), 2);
    } catch (const std::bad_alloc&) {
        return report(command, "out of memory", 1);
    } catch (const std::exception& e) {
        return report(command, e.what(), 1);
    }
    return 0;
}

}  // namespace
