// Fuzz target: model files (cli/model_file.*). Each input is read twice: as it is, and - when it is
// JSON with a "model" member - with its checksum recomputed, so that mutations get past the
// checksum and reach the field checks. Invariants for a file that loads: writing it again
// (model_file_text) and reading that back gives the same text; the estimator it describes can be
// restored and predicts (n, outputs) for inputs of its feature count.

#include <nlohmann/json.hpp>

#include "../cli/estimator_state.hpp"
#include "../cli/model_file.hpp"
#include "fuzz_support.hpp"

using namespace tapegrad;

namespace {

/// The restored estimator predicts for two rows of zeros without crashing.
template <class T>
void restore_and_predict(const cli::ModelFile& model) {
    if (model.n_features_in > 4096) return;  // the restored network is as large as the file: keep it quick
    const Array<T> X = xt::zeros<T>({std::size_t{2}, model.n_features_in});
    if (model.is_classifier()) {
        const auto classifier = cli::restore_classifier<T>(model);
        const Array<T> P = classifier.predict_proba(X);
        FUZZ_CHECK(P.dimension() == 2 && P.shape(0) == 2, "predict_proba gives one row per sample");
    } else {
        const auto regressor = cli::restore_regressor<T>(model);
        const Array<T> Y = regressor.predict(X);
        FUZZ_CHECK(Y.shape(0) == 2, "predict gives one row per sample");
    }
}

void check_loaded(const std::string& text) {
    cli::ModelFile model;
    try {
        model = cli::parse_model_file(text, "fuzz.json");
    } catch (const Error&) {
        return;
    }
    const std::string written = cli::model_file_text(model);
    const cli::ModelFile again = cli::parse_model_file(written, "rewritten.json");
    FUZZ_CHECK(cli::model_file_text(again) == written, "a loaded model file writes and reads back the same");
    try {
        if (model.dtype == "float32") restore_and_predict<float>(model);
        else restore_and_predict<double>(model);
    } catch (const Error&) {
        // e.g. weights that are not finite: refused by name, not a crash
    }
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
    const std::string text = tapegrad_fuzz::as_string(data, size);
    check_loaded(text);

    nlohmann::json file = nlohmann::json::parse(text, nullptr, /*allow_exceptions=*/false);
    if (!file.is_object() || !file.contains("model")) return 0;
    std::string canonical;
    try {
        canonical = file["model"].dump(-1, ' ', false, nlohmann::json::error_handler_t::strict);
    } catch (const nlohmann::json::exception&) {
        return 0;  // not UTF-8: the reader says so (checked above)
    }
    char checksum[40];
    std::snprintf(checksum, sizeof checksum, "fnv1a64:%016llx", static_cast<unsigned long long>(cli::fnv1a64(canonical)));
    file["checksum"] = checksum;
    std::string fixed;
    try {
        fixed = file.dump(-1, ' ', false, nlohmann::json::error_handler_t::strict);
    } catch (const nlohmann::json::exception&) {
        return 0;  // a string elsewhere in the file is not UTF-8
    }
    check_loaded(fixed);
    return 0;
}
