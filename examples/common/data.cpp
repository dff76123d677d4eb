#include "data.hpp"

#include <cmath>
#include <filesystem>

#include <fmt/format.h>

#include <tapegrad/io/atomic_file.hpp>
#include <tapegrad/io/csv.hpp>

namespace tapegrad::examples {

LabeledData read_labeled_csv(const std::string& path) {
    const io::CsvTable table = io::read_csv(path);
    if (table.header.size() < 2)
        throw Error(fmt::format("{}: {} column(s); expected features and a label column last", path, table.header.size()));
    LabeledData data;
    data.path = path;
    data.feature_names.assign(table.header.begin(), table.header.end() - 1);
    std::vector<std::size_t> feature_columns(data.feature_names.size());
    for (std::size_t j = 0; j < feature_columns.size(); ++j) feature_columns[j] = j;
    data.X = io::numeric_columns<double>(table, feature_columns, path);

    const Array<double> label_column = io::numeric_columns<double>(table, {table.header.size() - 1}, path);
    std::vector<std::int64_t> labels(label_column.size());
    for (std::size_t i = 0; i < labels.size(); ++i) {
        const double value = label_column(i, 0);
        if (value != std::round(value) || std::abs(value) > 1e15)
            throw Error(fmt::format("{}: line {}, column '{}': label {} is not an integer", path,
                                    i < table.row_lines.size() ? table.row_lines[i] : i + 2, table.header.back(),
                                    table.rows[i].back()));
        labels[i] = static_cast<std::int64_t>(value);
    }
    data.y = mlp::Labels(std::move(labels));
    return data;
}

std::string data_path(const std::string& data_dir, const std::string& file) {
    return (std::filesystem::path(data_dir.empty() ? TAPEGRAD_EXAMPLES_DATA_DIR : data_dir) / file).string();
}

std::string display_path(const std::string& path) {
    std::error_code error;
    const auto relative = std::filesystem::relative(path, std::filesystem::current_path(error), error);
    if (error || relative.empty() || *relative.begin() == "..") return path;
    return relative.string();
}

std::string write_output(const std::string& dir, const std::string& name, const std::string& bytes) {
    std::error_code error;
    std::filesystem::create_directories(dir, error);
    if (error) throw Error(fmt::format("cannot create the output folder {}: {}", dir, error.message()));
    const std::string path = (std::filesystem::path(dir) / name).string();
    io::write_file_atomically(path, [&bytes](std::ostream& out) { out.write(bytes.data(), static_cast<std::streamsize>(bytes.size())); });
    return path;
}

std::string accuracy_text(const mlp::Labels& truth, const mlp::Labels& predicted) {
    std::size_t correct = 0;
    for (std::size_t i = 0; i < truth.size(); ++i) correct += truth.to_string(i) == predicted.to_string(i);
    return fmt::format("{}/{} = {:.3f}", correct, truth.size(),
                       truth.size() ? static_cast<double>(correct) / static_cast<double>(truth.size()) : 0.0);
}

}  // namespace tapegrad::examples
