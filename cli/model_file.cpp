#include "model_file.hpp"

#include <cmath>
#include <limits>

#include <fmt/format.h>
#include <nlohmann/json.hpp>

#include <tapegrad/io/atomic_file.hpp>
#include <tapegrad/mlp/train_loop.hpp>

namespace tapegrad::cli {

using json = nlohmann::json;

std::uint64_t fnv1a64(const std::string& bytes) {
    std::uint64_t hash = 0xcbf29ce484222325ULL;  // FNV offset basis
    for (unsigned char byte : bytes) {
        hash ^= byte;
        hash *= 0x100000001b3ULL;  // FNV prime
    }
    return hash;
}

std::vector<std::size_t> ModelFile::layer_units() const {
    std::vector<std::size_t> units;
    if (coefs.empty()) return units;
    units.push_back(coefs[0].shape()[0]);
    for (const auto& coef : coefs) units.push_back(coef.dimension() == 2 ? coef.shape()[1] : 0);
    return units;
}

namespace {

// ---- writing --------------------------------------------------------------------------------

/// A number as JSON: itself when finite, else the string "nan", "inf" or "-inf".
json number_json(double value) {
    if (std::isnan(value)) return "nan";
    if (std::isinf(value)) return value > 0 ? "inf" : "-inf";
    return value;
}

json optional_json(const std::optional<double>& value) { return value ? number_json(*value) : json(nullptr); }

json numbers_json(const std::vector<double>& values) {
    json list = json::array();
    for (double v : values) list.push_back(number_json(v));
    return list;
}

json array_json(const Array<double>& a) {
    json data = json::array();
    for (double v : a) data.push_back(number_json(v));
    return json{{"shape", json(std::vector<std::size_t>(a.shape().begin(), a.shape().end()))}, {"data", std::move(data)}};
}

json params_json(const mlp::MLPParams& p) {
    json j;
    j["hidden_layer_sizes"] = p.hidden_layer_sizes;
    j["activation"] = p.activation;
    j["solver"] = p.solver;
    j["alpha"] = number_json(p.alpha);
    j["batch_size"] = p.batch_size ? json(*p.batch_size) : json("auto");
    j["learning_rate"] = p.learning_rate;
    j["learning_rate_init"] = number_json(p.learning_rate_init);
    j["power_t"] = number_json(p.power_t);
    j["max_iter"] = p.max_iter;
    j["shuffle"] = p.shuffle;
    j["random_state"] = p.random_state ? json(*p.random_state) : json(nullptr);
    j["tol"] = number_json(p.tol);
    j["verbose"] = p.verbose;
    j["warm_start"] = p.warm_start;
    j["momentum"] = number_json(p.momentum);
    j["nesterovs_momentum"] = p.nesterovs_momentum;
    j["early_stopping"] = p.early_stopping;
    j["validation_fraction"] = number_json(p.validation_fraction);
    j["beta_1"] = number_json(p.beta_1);
    j["beta_2"] = number_json(p.beta_2);
    j["epsilon"] = number_json(p.epsilon);
    j["n_iter_no_change"] = p.n_iter_no_change == mlp::kNeverStop ? json("inf") : json(p.n_iter_no_change);
    j["max_fun"] = p.max_fun;
    return j;
}

json classes_json(const ModelFile& m) {
    if (!m.is_classifier()) return nullptr;
    if (m.classes.is_integer()) return json{{"type", "integer"}, {"values", m.classes.integers()}};
    return json{{"type", "string"}, {"values", m.classes.strings()}};
}

/// The "model" object; nlohmann's object keeps keys sorted, so its dump is canonical.
json model_json(const ModelFile& m) {
    json j;
    j["estimator"] = m.estimator;
    j["dtype"] = m.dtype;
    j["params"] = params_json(m.params);
    j["n_features_in"] = m.n_features_in;
    j["n_outputs"] = m.n_outputs;
    j["layer_units"] = m.layer_units();
    j["out_activation"] = m.out_activation;
    j["multilabel"] = m.multilabel;
    j["classes"] = classes_json(m);
    j["feature_names"] = m.feature_names;
    j["target_names"] = m.target_names;
    j["coefs"] = json::array();
    for (const auto& c : m.coefs) j["coefs"].push_back(array_json(c));
    j["intercepts"] = json::array();
    for (const auto& b : m.intercepts) j["intercepts"].push_back(array_json(b));
    j["loss"] = number_json(m.loss);
    j["best_loss"] = optional_json(m.best_loss);
    j["loss_curve"] = numbers_json(m.loss_curve);
    j["lbfgs_losses"] = numbers_json(m.lbfgs_losses);
    j["validation_scores"] = numbers_json(m.validation_scores);
    j["best_validation_score"] = optional_json(m.best_validation_score);
    j["n_iter"] = m.n_iter;
    j["t"] = m.t;
    j["stop_reason"] = m.stop_reason;
    j["warnings"] = m.warnings;
    return j;
}

/// Compact JSON; strict about UTF-8 (a string that is not UTF-8 cannot be stored).
std::string dump(const json& j) { return j.dump(-1, ' ', false, json::error_handler_t::strict); }

std::string checksum_text(const std::string& canonical) {
    return fmt::format("fnv1a64:{:016x}", fnv1a64(canonical));
}

// ---- reading: each accessor names the field it reads -----------------------------------------

[[noreturn]] void fail(const std::string& where, const std::string& what) { throw ModelFileError(where + ": " + what); }

const char* type_name(const json& j) { return j.type_name(); }

const json& field(const json& object, const char* key, const std::string& where) {
    auto it = object.find(key);
    if (it == object.end()) fail(where, fmt::format("field '{}' is missing", key));
    return *it;
}

std::string text_field(const json& object, const char* key, const std::string& where) {
    const json& j = field(object, key, where);
    if (!j.is_string()) fail(where, fmt::format("field '{}' must be a string, not {}", key, type_name(j)));
    return j.get<std::string>();
}

bool bool_field(const json& object, const char* key, const std::string& where) {
    const json& j = field(object, key, where);
    if (!j.is_boolean()) fail(where, fmt::format("field '{}' must be true or false, not {}", key, type_name(j)));
    return j.get<bool>();
}

std::size_t count_value(const json& j, const std::string& name, const std::string& where) {
    if (!j.is_number_unsigned()) fail(where, fmt::format("field '{}' must be a non-negative integer, not {}", name, j.dump()));
    return j.get<std::size_t>();
}

std::size_t count_field(const json& object, const char* key, const std::string& where) {
    return count_value(field(object, key, where), key, where);
}

/// A JSON number, or one of the strings "nan", "inf", "-inf".
double number_value(const json& j, const std::string& name, const std::string& where) {
    if (j.is_number()) return j.get<double>();
    if (j.is_string()) {
        const auto& s = j.get_ref<const std::string&>();
        if (s == "nan") return std::numeric_limits<double>::quiet_NaN();
        if (s == "inf") return std::numeric_limits<double>::infinity();
        if (s == "-inf") return -std::numeric_limits<double>::infinity();
    }
    fail(where, fmt::format("field '{}' must be a number, not {}", name, j.dump().substr(0, 40)));
}

double number_field(const json& object, const char* key, const std::string& where) {
    return number_value(field(object, key, where), key, where);
}

std::optional<double> optional_number_field(const json& object, const char* key, const std::string& where) {
    const json& j = field(object, key, where);
    if (j.is_null()) return std::nullopt;
    return number_value(j, key, where);
}

const json& list_field(const json& object, const char* key, const std::string& where) {
    const json& j = field(object, key, where);
    if (!j.is_array()) fail(where, fmt::format("field '{}' must be a list, not {}", key, type_name(j)));
    return j;
}

std::vector<double> numbers_field(const json& object, const char* key, const std::string& where) {
    std::vector<double> values;
    const json& list = list_field(object, key, where);
    values.reserve(list.size());
    for (std::size_t i = 0; i < list.size(); ++i) values.push_back(number_value(list[i], fmt::format("{}[{}]", key, i), where));
    return values;
}

std::vector<std::string> texts_field(const json& object, const char* key, const std::string& where) {
    std::vector<std::string> texts;
    for (const json& j : list_field(object, key, where)) {
        if (!j.is_string()) fail(where, fmt::format("field '{}' must be a list of strings", key));
        texts.push_back(j.get<std::string>());
    }
    return texts;
}

Array<double> array_value(const json& j, const std::string& name, const std::string& where) {
    if (!j.is_object()) fail(where, fmt::format("'{}' must be an object with 'shape' and 'data'", name));
    const std::string inner = where + ": " + name;
    Shape shape;
    std::size_t size = 1;
    for (const json& d : list_field(j, "shape", inner)) {
        std::size_t dim = count_value(d, "shape", inner);
        if (dim != 0 && size > std::numeric_limits<std::size_t>::max() / dim) fail(inner, "shape too large");
        size *= dim;
        shape.push_back(dim);
    }
    const json& data = list_field(j, "data", inner);
    if (data.size() != size)
        fail(inner, fmt::format("'data' has {} values, shape {} needs {}", data.size(), shape_str(shape), size));
    Array<double> a(shape);
    for (std::size_t i = 0; i < size; ++i) a.data()[i] = number_value(data[i], fmt::format("data[{}]", i), inner);
    return a;
}

std::vector<Array<double>> arrays_field(const json& object, const char* key, const std::string& where) {
    std::vector<Array<double>> arrays;
    const json& list = list_field(object, key, where);
    for (std::size_t i = 0; i < list.size(); ++i) arrays.push_back(array_value(list[i], fmt::format("{}[{}]", key, i), where));
    return arrays;
}

mlp::MLPParams params_value(const json& j, const std::string& where) {
    if (!j.is_object()) fail(where, "field 'params' must be an object");
    mlp::MLPParams p;
    p.hidden_layer_sizes.clear();
    for (const json& size : list_field(j, "hidden_layer_sizes", where))
        p.hidden_layer_sizes.push_back(count_value(size, "hidden_layer_sizes", where));
    p.activation = text_field(j, "activation", where);
    p.solver = text_field(j, "solver", where);
    p.alpha = number_field(j, "alpha", where);
    const json& batch_size = field(j, "batch_size", where);
    if (batch_size == "auto") p.batch_size.reset();
    else p.batch_size = count_value(batch_size, "batch_size", where);
    p.learning_rate = text_field(j, "learning_rate", where);
    p.learning_rate_init = number_field(j, "learning_rate_init", where);
    p.power_t = number_field(j, "power_t", where);
    p.max_iter = count_field(j, "max_iter", where);
    p.shuffle = bool_field(j, "shuffle", where);
    const json& random_state = field(j, "random_state", where);
    if (random_state.is_null()) p.random_state.reset();
    else {
        std::size_t seed = count_value(random_state, "random_state", where);
        if (seed > std::numeric_limits<std::uint32_t>::max()) fail(where, "field 'random_state' must be below 2**32");
        p.random_state = static_cast<std::uint32_t>(seed);
    }
    p.tol = number_field(j, "tol", where);
    p.verbose = bool_field(j, "verbose", where);
    p.warm_start = bool_field(j, "warm_start", where);
    p.momentum = number_field(j, "momentum", where);
    p.nesterovs_momentum = bool_field(j, "nesterovs_momentum", where);
    p.early_stopping = bool_field(j, "early_stopping", where);
    p.validation_fraction = number_field(j, "validation_fraction", where);
    p.beta_1 = number_field(j, "beta_1", where);
    p.beta_2 = number_field(j, "beta_2", where);
    p.epsilon = number_field(j, "epsilon", where);
    const json& no_change = field(j, "n_iter_no_change", where);
    p.n_iter_no_change = no_change == "inf" ? mlp::kNeverStop : count_value(no_change, "n_iter_no_change", where);
    p.max_fun = count_field(j, "max_fun", where);
    return p;
}

mlp::Labels classes_value(const json& j, const std::string& where) {
    if (!j.is_object()) fail(where, "field 'classes' must be an object with 'type' and 'values'");
    const std::string type = text_field(j, "type", where + ": classes");
    const json& values = list_field(j, "values", where + ": classes");
    if (type == "integer") {
        std::vector<std::int64_t> integers;
        for (const json& v : values) {
            if (!v.is_number_integer()) fail(where, "classes: an integer class is " + v.dump().substr(0, 40));
            if (v.is_number_unsigned() && v.get<std::uint64_t>() > static_cast<std::uint64_t>(std::numeric_limits<std::int64_t>::max()))
                fail(where, "classes: integer class " + v.dump() + " is out of the int64 range");
            integers.push_back(v.get<std::int64_t>());
        }
        return mlp::Labels(std::move(integers));
    }
    if (type == "string") return mlp::Labels(texts_field(j, "values", where + ": classes"));
    fail(where, "classes: 'type' must be \"integer\" or \"string\", not \"" + type + "\"");
}

ModelFile model_value(const json& j, const std::string& where) {
    if (!j.is_object()) fail(where, "field 'model' must be an object");
    ModelFile m;
    m.estimator = text_field(j, "estimator", where);
    m.dtype = text_field(j, "dtype", where);
    m.params = params_value(field(j, "params", where), where + ": params");
    m.n_features_in = count_field(j, "n_features_in", where);
    m.n_outputs = count_field(j, "n_outputs", where);
    m.out_activation = text_field(j, "out_activation", where);
    m.multilabel = bool_field(j, "multilabel", where);
    const json& classes = field(j, "classes", where);
    if (!classes.is_null()) m.classes = classes_value(classes, where);
    m.feature_names = texts_field(j, "feature_names", where);
    m.target_names = texts_field(j, "target_names", where);
    m.coefs = arrays_field(j, "coefs", where);
    m.intercepts = arrays_field(j, "intercepts", where);
    m.loss = number_field(j, "loss", where);
    m.best_loss = optional_number_field(j, "best_loss", where);
    m.loss_curve = numbers_field(j, "loss_curve", where);
    m.lbfgs_losses = numbers_field(j, "lbfgs_losses", where);
    m.validation_scores = numbers_field(j, "validation_scores", where);
    m.best_validation_score = optional_number_field(j, "best_validation_score", where);
    m.n_iter = count_field(j, "n_iter", where);
    m.t = count_field(j, "t", where);
    m.stop_reason = text_field(j, "stop_reason", where);
    if (j.contains("warnings")) m.warnings = texts_field(j, "warnings", where);  // optional: older files lack it

    std::vector<std::size_t> stored_units;
    for (const json& u : list_field(j, "layer_units", where)) stored_units.push_back(count_value(u, "layer_units", where));
    check_consistent(m, where);
    if (stored_units != m.layer_units()) fail(where, "field 'layer_units' does not match the shapes of 'coefs'");
    if (classes.is_null() == m.is_classifier())
        fail(where, m.is_classifier() ? "an MLPClassifier needs 'classes'" : "an MLPRegressor has no 'classes'");
    return m;
}

std::string units_str(const std::vector<std::size_t>& units) {
    std::string text = "[";
    for (std::size_t i = 0; i < units.size(); ++i) text += (i ? ", " : "") + std::to_string(units[i]);
    return text + "]";
}

}  // namespace

void check_consistent(const ModelFile& m, const std::string& where) {
    if (m.estimator != "MLPClassifier" && m.estimator != "MLPRegressor")
        fail(where, "estimator must be \"MLPClassifier\" or \"MLPRegressor\", not \"" + m.estimator + "\"");
    if (m.dtype != "float64" && m.dtype != "float32")
        fail(where, "dtype must be \"float64\" or \"float32\", not \"" + m.dtype + "\"");
    try {
        mlp::validate(m.params, m.estimator);
    } catch (const mlp::InvalidParameter& e) {
        fail(where, std::string("params: ") + e.what());
    }
    if (m.coefs.empty()) fail(where, "the model has no layers ('coefs' is empty)");
    if (m.coefs.size() != m.params.hidden_layer_sizes.size() + 1)
        fail(where, fmt::format("{} weight matrices in 'coefs' for hidden_layer_sizes {}: expected {}", m.coefs.size(),
                                units_str(m.params.hidden_layer_sizes), m.params.hidden_layer_sizes.size() + 1));
    if (m.intercepts.size() != m.coefs.size())
        fail(where, fmt::format("{} 'coefs' but {} 'intercepts'", m.coefs.size(), m.intercepts.size()));
    std::size_t fan_in = m.n_features_in;
    for (std::size_t i = 0; i < m.coefs.size(); ++i) {
        const std::size_t fan_out =
            i + 1 < m.coefs.size() ? m.params.hidden_layer_sizes[i] : m.n_outputs;
        if (m.coefs[i].shape() != Shape{fan_in, fan_out})
            fail(where, fmt::format("coefs[{}] has shape {}, expected {}", i, shape_str(m.coefs[i].shape()),
                                    shape_str(Shape{fan_in, fan_out})));
        if (m.intercepts[i].shape() != Shape{fan_out})
            fail(where, fmt::format("intercepts[{}] has shape {}, expected {}", i, shape_str(m.intercepts[i].shape()),
                                    shape_str(Shape{fan_out})));
        fan_in = fan_out;
    }
    if (m.n_features_in == 0 || m.n_outputs == 0) fail(where, "n_features_in and n_outputs must be at least 1");
    if (!m.feature_names.empty() && m.feature_names.size() != m.n_features_in)
        fail(where, fmt::format("{} feature_names for {} features", m.feature_names.size(), m.n_features_in));
    if (m.is_classifier()) {
        const std::size_t n_classes = m.classes.size();
        const bool binary = !m.multilabel && n_classes == 2;
        const std::size_t expected_outputs = binary ? 1 : n_classes;
        if (n_classes < 2 && !m.multilabel) fail(where, fmt::format("a classifier needs at least 2 classes, has {}", n_classes));
        if (m.n_outputs != expected_outputs)
            fail(where, fmt::format("{} classes need {} outputs, the model has {}", n_classes, expected_outputs, m.n_outputs));
        const std::string expected_activation = (binary || m.multilabel) ? "logistic" : "softmax";
        if (m.out_activation != expected_activation)
            fail(where, "out_activation must be \"" + expected_activation + "\" for these classes, not \"" + m.out_activation + "\"");
    } else {
        if (m.multilabel) fail(where, "an MLPRegressor cannot be multilabel");
        if (m.out_activation != "identity")
            fail(where, "out_activation of an MLPRegressor must be \"identity\", not \"" + m.out_activation + "\"");
    }
    if (!mlp::stop_reason_from_string(m.stop_reason)) fail(where, "unknown stop_reason \"" + m.stop_reason + "\"");
}

std::string model_file_text(const ModelFile& model) {
    check_consistent(model, "model");
    const json payload = model_json(model);
    std::string canonical;
    try {
        canonical = dump(payload);
    } catch (const json::exception&) {
        throw ModelFileError("model: a class label, feature name or target name is not valid UTF-8 text; "
                             "a model file stores text as UTF-8");
    }
    // One field a line, the weights of a layer on one line: readable with any text viewer.
    static const char* const kOrder[] = {
        "estimator", "dtype", "params", "n_features_in", "n_outputs", "layer_units", "out_activation",
        "multilabel", "classes", "feature_names", "target_names", "loss", "best_loss", "n_iter", "t",
        "stop_reason", "warnings", "loss_curve", "lbfgs_losses", "validation_scores", "best_validation_score",
        "coefs", "intercepts"};
    std::string text = fmt::format("{{\n  \"format\": \"{}\",\n  \"version\": {},\n  \"checksum\": \"{}\",\n  \"model\": {{\n",
                                   kModelFormat, kModelFormatVersion, checksum_text(canonical));
    std::size_t written = 0;
    for (const char* key : kOrder) {
        text += fmt::format("    \"{}\": {}{}\n", key, dump(payload.at(key)), ++written < payload.size() ? "," : "");
    }
    if (written != payload.size()) throw Error("model_file_text: a field of the model is missing from the layout");
    return text + "  }\n}\n";
}

void check_storable(const std::vector<std::string>& texts, const std::string& what) {
    for (const auto& text : texts) {
        try {
            dump(json(text));
        } catch (const json::exception&) {
            std::string shown;
            for (unsigned char c : text) shown += c < 0x80 && c >= 0x20 ? std::string(1, static_cast<char>(c)) : fmt::format("\\x{:02x}", c);
            throw ModelFileError(fmt::format("{} '{}' is not valid UTF-8 text; a model file stores text as UTF-8", what, shown));
        }
    }
}

void save_model(const std::string& path, const ModelFile& model) {
    std::string text;
    try {
        text = model_file_text(model);
    } catch (const ModelFileError& e) {
        throw ModelFileError(path + ": cannot save the " + e.what());
    }
    io::write_file_atomically(path, [&](std::ostream& out) { out.write(text.data(), static_cast<std::streamsize>(text.size())); });
}

ModelFile parse_model_file(const std::string& text, const std::string& path) {
    const std::string where = "model file " + path;
    json file;
    try {
        file = json::parse(text);
    } catch (const json::parse_error& e) {
        fail(where, fmt::format("not a tapegrad model file, or truncated or corrupted: invalid JSON near byte {} of {}",
                                e.byte, text.size()));
    } catch (const json::out_of_range&) {  // found by fuzzing: a number such as 1e999
        fail(where, "corrupted: a number in it is out of the range of a double");
    }
    if (!file.is_object() || !file.contains("format") || file.at("format") != kModelFormat)
        fail(where, fmt::format("not a tapegrad model file (no \"format\": \"{}\")", kModelFormat));
    const json& version = field(file, "version", where);
    if (!version.is_number_integer() || version.get<std::int64_t>() != kModelFormatVersion)
        fail(where, fmt::format("format version {} is not supported; this tapegrad reads version {}",
                                version.dump().substr(0, 20), kModelFormatVersion));
    const std::string stored = text_field(file, "checksum", where);
    const json& payload = field(file, "model", where);
    std::string canonical;
    try {
        canonical = dump(payload);
    } catch (const json::exception&) {
        fail(where, "corrupted: text that is not valid UTF-8");
    }
    const std::string computed = checksum_text(canonical);
    if (stored != computed)
        fail(where, fmt::format("corrupted or edited: checksum {} does not match the contents ({})", stored, computed));
    return model_value(payload, where);
}

ModelFile load_model(const std::string& path) {
    std::string text;
    try {
        text = io::read_file(path);
    } catch (const io::IoError& e) {
        throw ModelFileError(std::string("model file ") + e.what());
    }
    return parse_model_file(text, path);
}

}  // namespace tapegrad::cli
