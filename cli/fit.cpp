/// `tapegrad fit`: trains an MLPClassifier or MLPRegressor on the user's files.

#include <cstdio>
#include <filesystem>
#include <iostream>
#include <optional>
#include <random>

#include <fmt/format.h>

#include <tapegrad/autograd/anomaly.hpp>
#include <tapegrad/io/atomic_file.hpp>
#include <tapegrad/io/npy.hpp>
#include <tapegrad/mlp/mlp.hpp>

#include "commands.hpp"
#include "estimator_state.hpp"
#include "explain.hpp"
#include "flags.hpp"
#include "model_file.hpp"
#include "progress.hpp"

namespace tapegrad::cli {

namespace fs = std::filesystem;

std::string coef_file_name(std::size_t layer) { return fmt::format("coef_{}.npy", layer); }
std::string intercept_file_name(std::size_t layer) { return fmt::format("intercept_{}.npy", layer); }

void check_output_path(const std::string& path, const std::string& flag) {
    if (path.empty()) throw UsageError(fmt::format("--{}: the path is empty", flag));
    std::error_code error;
    if (fs::is_directory(path, error)) throw UsageError(fmt::format("--{}: {} is a directory", flag, path));
    const fs::path parent = fs::path(path).parent_path();
    if (!parent.empty() && !fs::is_directory(parent, error))
        throw UsageError(fmt::format("--{}: the directory {} does not exist", flag, parent.string()));
}

CLI::App* add_fit_command(CLI::App& app, FitOptions& o) {
    CLI::App* fit = app.add_subcommand("fit", "train an MLPClassifier (default) or an MLPRegressor on .npy or CSV files");
    fit->footer(
        "Examples:\n"
        "  tapegrad fit --data X.npy --target y.npy --hidden-layer-sizes 100,50 --save model.json\n"
        "  tapegrad fit --data train.csv --label-column species --max-iter 500 --save model.json\n"
        "  tapegrad fit --data X.csv --target y.csv --task regression --solver lbfgs --loss-curve loss.txt\n"
        "Files: a name ending in .npy is a numpy array (float64 or float32; targets also integers), any other\n"
        "name a CSV file with a header row. float32 .npy data trains in float32 unless --dtype says otherwise.\n"
        "Targets: one column of class labels - integers, or any text (then every label is a string, printed as\n"
        "written) - or of values with --task regression. Several columns (a --target file with several\n"
        "columns, or --label-column given several times): multilabel classification with 0/1 values, or\n"
        "multi-output regression.\n"
        "Values: --name=value or --name value; booleans take true|false, and --name alone means true.\n"
        "Exit status: 0 done, 1 bad data or files, 2 bad flags or parameters; errors are one line on stderr\n"
        "and leave no output file behind.");
    const std::string data_group = "Data";
    fit->add_option("--data", o.source.data_path, "features: .npy (samples, features) or CSV with a header row")
        ->required()->type_name("FILE")->group(data_group);
    fit->add_option("--target", o.source.target_path, "targets: .npy (samples,) or (samples, outputs), or CSV")
        ->type_name("FILE")->group(data_group);
    fit->add_option("--label-column", o.source.label_columns,
                    "CSV column of --data holding the targets (the other columns are the features); repeatable")
        ->type_name("NAME")->group(data_group)->take_all()->expected(1)->multi_option_policy(CLI::MultiOptionPolicy::TakeAll);
    fit->add_option("--task", o.task, "MLPClassifier or MLPRegressor (default: classification)")
        ->type_name("classification|regression")->group(data_group);
    fit->add_option("--dtype", o.dtype,
                    "element type; auto = that of .npy data, float64 for CSV (default: auto)")
        ->type_name("auto|float32|float64")->group(data_group);
    fit->add_option("--init-weights", o.init_weights,
                    "start from DIR/coef_0.npy, intercept_0.npy, ... (see export-weights), not a random init")
        ->type_name("DIR")->group(data_group);

    const std::string output_group = "Output";
    fit->add_option("--save", o.save, "write the fitted model (JSON, format tapegrad-mlp version 1)")
        ->type_name("FILE")->group(output_group);
    fit->add_option("--loss-curve", o.loss_curve,
                    "write the loss of each epoch (lbfgs: iteration), one a line, 17 digits")
        ->type_name("FILE")->group(output_group);
    fit->add_flag("--explain", o.explain,
                  "print the first training step, traced: activations, loss, gradients, update")
        ->group(output_group);
    fit->add_flag("--anomaly", o.anomaly,
                  "check every value and gradient of the training for NaN and inf, and stop at the first with "
                  "the op that made it (slower; for debugging a fit whose loss becomes nan)")
        ->group(output_group);

    const std::string params_group = "Estimator parameters (scikit-learn's names, '_' written '-')";
    const mlp::MLPParams defaults;
    for (const ParamFlag& flag : param_flags()) {
        CLI::Option* option = fit->add_option_function<std::string>(
            std::string("--") + flag.name, [&o, &flag](const std::string& text) { flag.set(o.params, text); },
            fmt::format("{} (default: {})", flag.help, flag.show(defaults).empty() ? "\"\"" : flag.show(defaults)));
        option->type_name(flag.value_hint)->group(params_group)->multi_option_policy(CLI::MultiOptionPolicy::TakeLast);
        if (flag.boolean) option->expected(0, 1);  // --shuffle alone means --shuffle=true
    }
    return fit;
}

namespace {

template <class T>
void load_initial_weights(const std::string& dir, std::vector<Array<T>>& coefs, std::vector<Array<T>>& intercepts) {
    if (!fs::is_directory(dir)) throw Error("--init-weights: " + dir + " is not a directory");
    for (std::size_t layer = 0; fs::exists(fs::path(dir) / coef_file_name(layer)); ++layer) {
        coefs.push_back(io::load_npy<T>((fs::path(dir) / coef_file_name(layer)).string()));
        const fs::path intercept = fs::path(dir) / intercept_file_name(layer);
        if (!fs::exists(intercept))
            throw Error(fmt::format("--init-weights: {} has {} but no {}", dir, coef_file_name(layer), intercept_file_name(layer)));
        intercepts.push_back(io::load_npy<T>(intercept.string()));
    }
    if (coefs.empty()) throw Error("--init-weights: " + dir + " has no " + coef_file_name(0));
    if (fs::exists(fs::path(dir) / intercept_file_name(coefs.size())))
        throw Error(fmt::format("--init-weights: {} has {} but no {}", dir, intercept_file_name(coefs.size()),
                                coef_file_name(coefs.size())));
}

/// The loss curve file: one loss a line, 17 significant digits.
std::string loss_curve_text(const std::vector<double>& losses) {
    std::string text;
    for (double loss : losses) text += fmt::format("{:.17g}\n", loss);
    return text;
}

/// Writes every output, or none: a failure removes the files this run already wrote.
void write_outputs(const FitOptions& o, const ModelFile& model) {
    std::vector<std::pair<std::string, std::string>> files;  // path, content
    if (!o.save.empty()) files.emplace_back(o.save, model_file_text(model));
    if (!o.loss_curve.empty())
        files.emplace_back(o.loss_curve, loss_curve_text(model.params.solver == "lbfgs" ? model.lbfgs_losses : model.loss_curve));
    std::vector<std::string> written;
    try {
        for (const auto& file : files) {  // (clang: C++17 lambdas cannot capture structured bindings)
            io::write_file_atomically(file.first, [&](std::ostream& out) { out << file.second; });
            written.push_back(file.first);
        }
    } catch (...) {
        for (const auto& path : written) std::remove(path.c_str());
        throw;
    }
}

/// One line; no score on the training data, which would cost a pass over it (use predict).
void print_summary(const ModelFile& m) {
    std::cout << fmt::format("{} fitted: {} iterations, loss {:.8g}, stopped by {}\n", m.estimator, m.n_iter, m.loss,
                             m.stop_reason);
}

/// Fits `estimator` on (X, targets) with the progress line. A diverged fit throws (one line on
/// stderr, exit status 1, no output written).
template <class Estimator, class Targets, class T>
void fit_estimator(Estimator& estimator, const Array<T>& X, const Targets& targets, const mlp::MLPParams& params) {
    ProgressLine progress(params);
    const bool root = !estimator.communicator() || estimator.communicator()->rank() == 0;
    if (root) estimator.set_epoch_callback(progress.callback());  // under mpirun rank 0 shows it
    try {
        estimator.fit(X, targets);
    } catch (...) {
        progress.finish();
        estimator.set_epoch_callback({});
        throw;
    }
    progress.finish();
    estimator.set_epoch_callback({});
}

/// Under mpirun (o.comm of several ranks): runs `work` on every rank, and if it throws on any,
/// every rank throws (the others an optim::RankError naming it), so that none waits for it.
/// Otherwise just runs it.
template <class Work>
void on_every_rank(const FitOptions& o, Work&& work) {
    if (o.comm && o.comm->size() > 1) o.comm->collectively(std::forward<Work>(work));
    else work();
}

/// Rank 0 (or the only process): the one that prints and writes files.
bool is_root(const FitOptions& o) { return !o.comm || o.comm->rank() == 0; }

template <class T>
void fit_with(const FitOptions& given, const mlp::MLPParams& params) {
    FitOptions o = given;
    if (o.comm && o.comm->size() > 1 && params.solver == "lbfgs" && !o.explain) {
        // lbfgs's one batch is all rows, each rank computing its contiguous share: a rank needs
        // only those rows of X (read so from a .npy file; CSV is read whole).
        o.source.shard_rank = o.comm->rank();
        o.source.shard_size = o.comm->size();
    }
    TrainingData<T> data;
    std::optional<InitialWeights<T>> initial;
    on_every_rank(o, [&] {  // a file that one rank cannot read stops every rank
        data = load_training_data<T>(o.source);
        if (!o.save.empty()) {  // what the model file cannot store fails now, not after the training
            if (!data.labels.is_integer()) check_storable(data.labels.strings(), o.source.data_path + ": label");
            check_storable(data.feature_names, o.source.data_path + ": column name");
            check_storable(data.target_names, o.source.data_path + ": column name");
        }
        if (!o.init_weights.empty()) {
            initial.emplace();
            load_initial_weights<T>(o.init_weights, initial->coefs, initial->intercepts);
        }
    });

    ModelFile model;
    if (o.task == "regression") {
        if (o.explain && is_root(o)) print_trace(std::cout, trace_first_step(params, data.X, data.Y, TargetKind::regression, initial));
        mlp::MLPRegressor<T> estimator(params);
        estimator.set_communicator(o.comm);
        if (data.sharded) estimator.set_shard_of(data.n_samples);
        if (initial) estimator.set_initial_weights(initial->coefs, initial->intercepts);
        fit_estimator(estimator, data.X, data.Y, params);
        model = describe(estimator, data.feature_names, data.target_names);
        print_summary(model);
    } else {
        if (o.explain && is_root(o)) {
            print_trace(std::cout, data.multilabel ? trace_first_step(params, data.X, data.Y, TargetKind::multilabel, initial)
                                                   : trace_first_step(params, data.X, data.labels, initial));
        }
        mlp::MLPClassifier<T> estimator(params);
        estimator.set_communicator(o.comm);
        if (data.sharded) estimator.set_shard_of(data.n_samples);
        if (initial) estimator.set_initial_weights(initial->coefs, initial->intercepts);
        if (data.multilabel) fit_estimator(estimator, data.X, data.Y, params);
        else fit_estimator(estimator, data.X, data.labels, params);
        model = describe(estimator, data.feature_names, data.target_names);
        print_summary(model);
    }
    if (!is_root(o)) return;  // the same model on every rank: rank 0 writes it
    write_outputs(o, model);
    if (!o.save.empty()) std::cout << "model written to " << o.save << '\n';
    if (!o.loss_curve.empty()) std::cout << "loss curve written to " << o.loss_curve << '\n';
}

}  // namespace

void run_fit(const FitOptions& given) {
    FitOptions o = given;
    std::string dtype;
    on_every_rank(o, [&] {
        o.source.task = o.task == "regression" ? Task::regression : Task::classification;
        if (o.source.target_path.empty() == o.source.label_columns.empty())
            throw UsageError("give the targets either with --target FILE or with --label-column NAME, not both or neither");
        if (o.task != "classification" && o.task != "regression")
            throw UsageError("--task: '" + o.task + "' is not classification or regression");
        if (o.dtype != "auto" && o.dtype != "float32" && o.dtype != "float64")
            throw UsageError("--dtype: '" + o.dtype + "' is not auto, float32 or float64");
        mlp::validate(o.params, o.task == "regression" ? "MLPRegressor" : "MLPClassifier");
        if (is_root(o)) {  // only rank 0 writes
            if (!o.save.empty()) check_output_path(o.save, "save");
            if (!o.loss_curve.empty()) check_output_path(o.loss_curve, "loss-curve");
        }
        if (!o.save.empty() && o.save == o.loss_curve) throw UsageError("--save and --loss-curve name the same file");
        dtype = o.dtype == "auto" ? natural_dtype(o.source.data_path) : o.dtype;
    });

    mlp::MLPParams params = o.params;
    if (o.explain && !params.random_state) {
        // The trace must show the fit's own first step: both draw from this seed (rank 0's).
        params.random_state = std::random_device{}();
        if (o.comm) params.random_state = o.comm->broadcast_from_root(*params.random_state);
        std::cout << "random_state not given: this fit uses random_state=" << *params.random_state << '\n';
    }
    std::optional<DetectAnomaly> anomaly;  // every tape of the fit (and of --explain's trace) checks
    if (o.anomaly) anomaly.emplace();
    if (dtype == "float32") fit_with<float>(o, params);
    else fit_with<double>(o, params);
}

}  // namespace tapegrad::cli
