/// `tapegrad predict`: a saved model's predictions for the rows of a file, as CSV.

#include <fmt/format.h>

#include <tapegrad/io/csv.hpp>
#include <tapegrad/mlp/mlp.hpp>

#include "commands.hpp"
#include "estimator_state.hpp"
#include "flags.hpp"
#include "model_file.hpp"

namespace tapegrad::cli {

CLI::App* add_predict_command(CLI::App& app, PredictOptions& o) {
    CLI::App* predict = app.add_subcommand("predict", "predict with a saved model; one CSV row a sample");
    predict->footer(
        "Example:\n"
        "  tapegrad predict --model model.json --data test.csv --proba --out proba.csv\n"
        "Output: classifier - the labels as written in the training data; with --proba one column a class, as\n"
        "sklearn's predict_proba (two columns for binary). Multilabel: one 0/1 column a label. Regressor: one\n"
        "column an output. Numbers have 17 significant digits.\n"
        "CSV data: a model fitted on a CSV file picks its feature columns by name (others, e.g. the label, are\n"
        "ignored); otherwise every column is a feature.");
    predict->add_option("--model", o.model, "model file written by 'tapegrad fit --save'")->required()->type_name("MODEL");
    predict->add_option("--data", o.data, "features: .npy (samples, features) or CSV with a header row")
        ->required()->type_name("FILE");
    predict->add_flag("--proba", o.proba, "write class probabilities instead of labels (classifiers)");
    predict->add_option("--out", o.out, "CSV file to write")->required()->type_name("FILE.csv");
    return predict;
}

namespace {

/// The header of numeric output columns: the training's target names when there is one per
/// column, else `fallback` (numbered when there are several columns).
std::vector<std::string> column_names(const std::vector<std::string>& target_names, std::size_t columns,
                                      const std::string& fallback) {
    if (target_names.size() == columns) return target_names;
    if (columns == 1) return {fallback};
    std::vector<std::string> names;
    for (std::size_t c = 0; c < columns; ++c) names.push_back(fmt::format("{}_{}", fallback, c));
    return names;
}

std::vector<std::string> class_names(const mlp::Labels& classes) {
    std::vector<std::string> names;
    for (std::size_t i = 0; i < classes.size(); ++i) names.push_back(classes.to_string(i));
    return names;
}

template <class T>
void predict_with(const PredictOptions& o, const ModelFile& model) {
    const Array<T> X = load_features<T>(o.data, model.feature_names, model.n_features_in);
    if (!model.is_classifier()) {
        if (o.proba) throw UsageError("--proba: the model is an MLPRegressor; probabilities need a classifier");
        const mlp::MLPRegressor<T> estimator = restore_regressor<T>(model);
        Array<T> y = estimator.predict(X);
        if (y.dimension() == 1) y.reshape({y.shape()[0], 1});
        io::write_csv(o.out, column_names(model.target_names, y.shape()[1], "prediction"), y, 17);
        return;
    }
    const mlp::MLPClassifier<T> estimator = restore_classifier<T>(model);
    if (o.proba) {
        const Array<T> proba = estimator.predict_proba(X);
        const std::vector<std::string> header =
            model.multilabel ? column_names(model.target_names, proba.shape()[1], "label") : class_names(model.classes);
        io::write_csv(o.out, header, proba, 17);
    } else if (model.multilabel) {
        const Array<T> indicator = estimator.predict_indicator(X);
        io::write_csv(o.out, column_names(model.target_names, indicator.shape()[1], "label"), indicator, 17);
    } else {
        const mlp::Labels labels = estimator.predict(X);
        io::CsvTable table;
        table.header = column_names(model.target_names, 1, "label");
        table.rows.reserve(labels.size());
        for (std::size_t i = 0; i < labels.size(); ++i) table.rows.push_back({labels.to_string(i)});
        io::write_csv(o.out, table);
    }
}

}  // namespace

void run_predict(const PredictOptions& o) {
    check_output_path(o.out, "out");
    const ModelFile model = load_model(o.model);
    if (model.dtype == "float32") predict_with<float>(o, model);
    else predict_with<double>(o, model);
}

}  // namespace tapegrad::cli
