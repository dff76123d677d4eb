/// `tapegrad export-weights`: a saved model's weights as the .npy files `fit --init-weights` reads.

#include <filesystem>
#include <iostream>

#include <fmt/format.h>

#include <tapegrad/io/npy.hpp>

#include "commands.hpp"
#include "flags.hpp"
#include "model_file.hpp"

namespace tapegrad::cli {

namespace fs = std::filesystem;

CLI::App* add_export_weights_command(CLI::App& app, ExportWeightsOptions& o) {
    CLI::App* command =
        app.add_subcommand("export-weights", "write a saved model's weights as .npy files for --init-weights");
    command->footer(
        "Example:\n"
        "  tapegrad export-weights --model model.json --out weights/\n"
        "Writes coef_0.npy, intercept_0.npy, coef_1.npy, ... in sklearn's coefs_/intercepts_ shapes and the\n"
        "model's dtype: the files 'tapegrad fit --init-weights DIR' reads. Files coef_N.npy / intercept_N.npy\n"
        "of a deeper model already in DIR are removed.");
    command->add_option("--model", o.model, "model file written by 'tapegrad fit --save'")->required()->type_name("MODEL");
    command->add_option("--out", o.out, "directory to write into (created if missing)")->required()->type_name("DIR");
    return command;
}

namespace {

template <class T>
void save_layer(const std::string& path, const Array<double>& weights) {
    io::save_npy<T>(path, xt::eval(xt::cast<T>(weights)));
}

}  // namespace

void run_export_weights(const ExportWeightsOptions& o) {
    const ModelFile model = load_model(o.model);
    std::error_code error;
    if (fs::exists(o.out, error) && !fs::is_directory(o.out, error))
        throw UsageError("--out: " + o.out + " exists and is not a directory");
    fs::create_directories(o.out, error);
    if (error) throw Error("--out: cannot create the directory " + o.out + ": " + error.message());

    std::vector<std::string> written;
    try {
        for (std::size_t layer = 0; layer < model.coefs.size(); ++layer) {
            for (const auto& [name, weights] : {std::pair{coef_file_name(layer), &model.coefs[layer]},
                                                std::pair{intercept_file_name(layer), &model.intercepts[layer]}}) {
                const std::string path = (fs::path(o.out) / name).string();
                if (model.dtype == "float32") save_layer<float>(path, *weights);
                else save_layer<double>(path, *weights);
                written.push_back(path);
            }
        }
    } catch (...) {
        for (const auto& path : written) fs::remove(path, error);
        throw;
    }
    // Files of a deeper model exported here before would be read by --init-weights as more layers.
    for (std::size_t layer = model.coefs.size(); fs::exists(fs::path(o.out) / coef_file_name(layer), error) ||
                                                 fs::exists(fs::path(o.out) / intercept_file_name(layer), error);
         ++layer) {
        fs::remove(fs::path(o.out) / coef_file_name(layer), error);
        fs::remove(fs::path(o.out) / intercept_file_name(layer), error);
    }
    std::cout << fmt::format("{} weight files written to {}\n", written.size(), o.out);
}

}  // namespace tapegrad::cli
