#include "dataset.hpp"

#include <algorithm>
#include <cctype>
#include <cerrno>
#include <cmath>
#include <cstdlib>
#include <limits>
#include <optional>

#include <fmt/format.h>

#include <tapegrad/io/csv.hpp>
#include <tapegrad/io/npy.hpp>
#include <tapegrad/optim/gradient_allreduce.hpp>

namespace tapegrad::cli {

namespace {

[[noreturn]] void fail(const std::string& path, const std::string& what) { throw Error(path + ": " + what); }

/// NaN or Inf in a .npy array: named by row and column (CSV cells are checked by io).
template <class T>
void check_finite(const Array<T>& a, const std::string& path, std::size_t first_row = 0) {
    const std::size_t columns = a.dimension() == 2 ? a.shape()[1] : 1;
    for (std::size_t i = 0; i < a.size(); ++i) {
        const T v = a.data()[i];
        if (!std::isfinite(v))
            fail(path, fmt::format("{} at row {}, column {} (rows and columns count from 0)", std::isnan(v) ? "NaN" : "Inf",
                                   first_row + i / columns, i % columns));
    }
}

template <class T>
Array<T> load_npy_matrix(const std::string& path) {
    Array<T> X = io::load_npy<T>(path);
    if (X.dimension() != 2)
        fail(path, fmt::format("the data must be a 2-D array (samples, features), not shape {}", shape_str(X.shape())));
    if (X.shape()[0] == 0 || X.shape()[1] == 0) fail(path, fmt::format("no data: shape {}", shape_str(X.shape())));
    check_finite(X, path);
    return X;
}

/// This rank's share of the rows of a 2-D .npy array (reading only those), or nullopt when the
/// file is not 2-D or has fewer rows than ranks (then every rank reads it whole).
template <class T>
std::optional<Array<T>> load_npy_share(const std::string& path, int rank, int size, std::size_t& n_rows) {
    const io::NpyHeader header = io::read_npy_header(path);
    if (header.shape.size() != 2 || header.shape[1] == 0 || header.shape[0] < static_cast<std::size_t>(size))
        return std::nullopt;
    n_rows = header.shape[0];
    const optim::RowRange mine = optim::share_of_rows(n_rows, rank, size);
    Array<T> X = io::load_npy_rows<T>(path, mine.begin, mine.size());
    check_finite(X, path, mine.begin);
    return X;
}

std::vector<std::size_t> all_columns_but(const io::CsvTable& table, const std::vector<std::size_t>& excluded) {
    std::vector<std::size_t> columns;
    for (std::size_t c = 0; c < table.header.size(); ++c)
        if (std::find(excluded.begin(), excluded.end(), c) == excluded.end()) columns.push_back(c);
    return columns;
}

std::vector<std::string> names_of(const io::CsvTable& table, const std::vector<std::size_t>& columns) {
    std::vector<std::string> names;
    for (std::size_t c : columns) names.push_back(table.header[c]);
    return names;
}

template <class T>
Array<T> csv_matrix(const io::CsvTable& table, const std::vector<std::size_t>& columns, const std::string& path) {
    if (table.rows.empty()) fail(path, "no data rows after the header");
    if (columns.empty()) fail(path, "no feature columns");
    return io::numeric_columns<T>(table, columns, path);
}

/// Multilabel targets: every value 0 or 1.
template <class T>
void check_indicator(const Array<T>& Y, const std::string& path) {
    const std::size_t columns = Y.shape()[1];
    for (std::size_t i = 0; i < Y.size(); ++i) {
        const T v = Y.data()[i];
        if (v != T(0) && v != T(1))
            fail(path, fmt::format("multilabel targets must be 0 or 1, found {} at row {}, column {}", v, i / columns,
                                   i % columns));
    }
}

/// Targets from the CSV columns `columns` of `table` (one column: labels or values; several:
/// multilabel or multi-output regression).
template <class T>
void csv_targets(TrainingData<T>& data, const io::CsvTable& table, const std::vector<std::size_t>& columns, Task task,
                 const std::string& path) {
    data.target_names = names_of(table, columns);
    if (task == Task::regression) {
        data.Y = io::numeric_columns<T>(table, columns, path);
        if (columns.size() == 1) data.Y.reshape({data.Y.shape()[0]});
        return;
    }
    if (columns.size() == 1) {
        std::vector<std::string> cells;
        cells.reserve(table.rows.size());
        for (const auto& row : table.rows) cells.push_back(row[columns[0]]);
        data.labels = labels_from_cells(cells, path + ": column '" + table.header[columns[0]] + "'");
        return;
    }
    data.multilabel = true;
    data.Y = io::numeric_columns<T>(table, columns, path);
    check_indicator(data.Y, path);
}

template <class T>
void npy_targets(TrainingData<T>& data, const std::string& path, Task task) {
    const io::NpyHeader header = io::read_npy_header(path);
    const bool one_column = header.shape.size() == 1 || (header.shape.size() == 2 && header.shape[1] == 1);
    if (header.shape.size() != 1 && header.shape.size() != 2)
        fail(path, fmt::format("targets must be 1-D (samples,) or 2-D (samples, outputs), not shape {}", shape_str(header.shape)));
    if (task == Task::classification && one_column) {
        try {
            data.labels = mlp::Labels(io::load_npy_integers(path));
        } catch (const io::IoError& e) {
            throw Error(std::string(e.what()) + " (class labels must be integers; for continuous targets use --task regression)");
        }
        return;
    }
    data.Y = io::load_npy<T>(path);
    check_finite(data.Y, path);
    if (task == Task::regression) {
        if (one_column) data.Y.reshape({data.Y.shape()[0]});
        return;
    }
    data.multilabel = true;
    check_indicator(data.Y, path);
}

/// An optional sign and decimal digits, nothing else, within int64.
bool parse_int64(const std::string& text, std::int64_t& value) {
    const std::size_t digits_from = !text.empty() && (text[0] == '-' || text[0] == '+') ? 1 : 0;
    if (text.size() == digits_from || text.find_first_not_of("0123456789", digits_from) != std::string::npos) return false;
    errno = 0;
    const long long parsed = std::strtoll(text.c_str(), nullptr, 10);
    if (errno == ERANGE) return false;
    value = static_cast<std::int64_t>(parsed);
    return true;
}

}  // namespace

bool is_npy_path(const std::string& path) {
    if (path.size() < 4) return false;
    std::string extension = path.substr(path.size() - 4);
    std::transform(extension.begin(), extension.end(), extension.begin(), [](unsigned char c) { return std::tolower(c); });
    return extension == ".npy";
}

std::string natural_dtype(const std::string& path) {
    if (!is_npy_path(path)) return "float64";
    const std::string dtype = io::read_npy_header(path).dtype;
    return dtype.size() == 3 && dtype.substr(1) == "f4" ? "float32" : "float64";
}

mlp::Labels labels_from_cells(const std::vector<std::string>& cells, const std::string& what) {
    for (std::size_t i = 0; i < cells.size(); ++i)
        if (cells[i].find_first_not_of(" \t") == std::string::npos)
            throw Error(fmt::format("{}: data row {} has an empty label", what, i + 1));
    std::vector<std::int64_t> integers;
    integers.reserve(cells.size());
    std::int64_t value = 0;
    for (const auto& cell : cells) {
        if (!parse_int64(cell, value)) return mlp::Labels(cells);  // one non-integer: all are strings
        integers.push_back(value);
    }
    return mlp::Labels(std::move(integers));
}

template <class T>
TrainingData<T> load_training_data(const DataSource& source) {
    TrainingData<T> data;
    const std::string& path = source.data_path;
    if (!source.label_columns.empty()) {
        if (is_npy_path(path))
            fail(path, "--label-column needs a CSV file with a header row; for .npy data give the targets with --target");
        const io::CsvTable table = io::read_csv(path);
        std::vector<std::size_t> target_columns;
        for (const auto& name : source.label_columns) {
            const std::size_t c = io::column_index(table, name, path);
            if (std::find(target_columns.begin(), target_columns.end(), c) != target_columns.end())
                fail(path, "label column '" + name + "' is given twice");
            target_columns.push_back(c);
        }
        const std::vector<std::size_t> feature_columns = all_columns_but(table, target_columns);
        data.X = csv_matrix<T>(table, feature_columns, path);
        data.feature_names = names_of(table, feature_columns);
        csv_targets(data, table, target_columns, source.task, path);
        data.n_samples = data.X.shape()[0];
        return data;
    }

    std::optional<Array<T>> share;
    if (is_npy_path(path) && source.shard_size > 1)
        share = load_npy_share<T>(path, source.shard_rank, source.shard_size, data.n_samples);
    if (share) {
        data.X = std::move(*share);
        data.sharded = true;
    } else if (is_npy_path(path)) {
        data.X = load_npy_matrix<T>(path);
    } else {
        const io::CsvTable table = io::read_csv(path);
        const std::vector<std::size_t> columns = all_columns_but(table, {});
        data.X = csv_matrix<T>(table, columns, path);
        data.feature_names = table.header;
    }
    const std::string& target = source.target_path;
    if (is_npy_path(target)) {
        npy_targets(data, target, source.task);
    } else {
        const io::CsvTable table = io::read_csv(target);
        if (table.rows.empty()) fail(target, "no data rows after the header");
        csv_targets(data, table, all_columns_but(table, {}), source.task, target);
    }
    if (!data.sharded) data.n_samples = data.X.shape()[0];
    const std::size_t n_targets = data.labels.size() > 0 ? data.labels.size() : (data.Y.dimension() > 0 ? data.Y.shape()[0] : 0);
    if (n_targets != data.n_samples)
        throw Error(fmt::format("{} has {} samples but {} has {} targets", path, data.n_samples, target, n_targets));
    return data;
}

template <class T>
Array<T> load_features(const std::string& path, const std::vector<std::string>& feature_names, std::size_t n_features) {
    Array<T> X;
    if (is_npy_path(path)) {
        X = load_npy_matrix<T>(path);
    } else {
        const io::CsvTable table = io::read_csv(path);
        std::vector<std::size_t> columns;
        if (feature_names.empty()) {
            columns = all_columns_but(table, {});
        } else {
            for (const auto& name : feature_names) columns.push_back(io::column_index(table, name, path));
        }
        X = csv_matrix<T>(table, columns, path);
    }
    if (X.shape()[1] != n_features)
        fail(path, fmt::format("{} features, but the model was fitted on {}", X.shape()[1], n_features));
    return X;
}

template TrainingData<float> load_training_data(const DataSource&);
template TrainingData<double> load_training_data(const DataSource&);
template Array<float> load_features(const std::string&, const std::vector<std::string>&, std::size_t);
template Array<double> load_features(const std::string&, const std::vector<std::string>&, std::size_t);

}  // namespace tapegrad::cli
