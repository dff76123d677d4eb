#pragma once
/// The subcommands of the `tapegrad` program, one file each (fit.cpp, predict.cpp,
/// export_weights.cpp). Each registers its flags on a CLI11 subcommand and runs from the parsed
/// values; every failure is an exception whose message is one line (main.cpp prints it).

#include <memory>
#include <string>
#include <vector>

#include <CLI/App.hpp>

#include <tapegrad/mlp/params.hpp>
#include <tapegrad/optim/communicator.hpp>

#include "dataset.hpp"

namespace tapegrad::cli {

struct FitOptions {
    DataSource source;
    std::string task = "classification";  ///< classification | regression
    std::string dtype = "auto";           ///< auto | float32 | float64
    mlp::MLPParams params;
    std::string init_weights;             ///< directory with coef_0.npy, intercept_0.npy, ...
    std::string save;                     ///< model file to write
    std::string loss_curve;               ///< text file, one loss a line
    bool explain = false;                 ///< print the trace of the first training step
    bool anomaly = false;                 ///< anomaly mode: stop at the first NaN or inf (autograd/anomaly.hpp)
    /// The ranks of `mpirun -np N tapegrad fit` (docs/distributed.md); nullptr: one process. Every
    /// rank runs the fit; only rank 0 prints and writes files.
    std::shared_ptr<optim::Communicator> comm;
};
CLI::App* add_fit_command(CLI::App& app, FitOptions& options);
void run_fit(const FitOptions& options);

struct PredictOptions {
    std::string model;
    std::string data;
    bool proba = false;
    std::string out;
};
CLI::App* add_predict_command(CLI::App& app, PredictOptions& options);
void run_predict(const PredictOptions& options);

struct ExportWeightsOptions {
    std::string model;
    std::string out;
};
CLI::App* add_export_weights_command(CLI::App& app, ExportWeightsOptions& options);
void run_export_weights(const ExportWeightsOptions& options);

/// "coef_0.npy", "intercept_0.npy", ...: the files of `export-weights` and `--init-weights`.
std::string coef_file_name(std::size_t layer);
std::string intercept_file_name(std::size_t layer);

/// Throws UsageError when a file cannot be created at `path`: its directory does not exist, or
/// `path` is a directory. Checked before the work so that a long fit does not end in that error.
void check_output_path(const std::string& path, const std::string& flag);

}  // namespace tapegrad::cli
