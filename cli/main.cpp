/// The `tapegrad` program: fit, predict and export-weights for MLPClassifier / MLPRegressor.
///
/// Exit codes: 0 success; 1 a problem with the data, a file or the training; 2 a usage error (an
/// unknown flag, a missing or malformed value, a hyperparameter out of range). Every error is ONE
/// line on stderr, "tapegrad <command>: error: <what>", and leaves no output file behind.

#include <cstdio>
#include <exception>
#include <iostream>
#include <string>

#include <CLI/CLI.hpp>

#include <tapegrad/mlp/params.hpp>

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

int report(const std::string& command, const std::string& message, int exit_code) {
    std::cout.flush();
    std::cerr << command << ": error: " << one_line(message) << '\n';
    return exit_code;
}

}  // namespace

int main(int argc, char** argv) {
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
        if (fit->parsed()) run_fit(fit_options);
        if (predict->parsed()) run_predict(predict_options);
        if (export_weights->parsed()) run_export_weights(export_options);
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
