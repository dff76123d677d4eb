#pragma once
/// What the examples share: reading a labelled CSV data set, and writing output files.

#include <string>
#include <vector>

#include <tapegrad/autograd/array.hpp>
#include <tapegrad/mlp/labels.hpp>

namespace tapegrad::examples {

/// A data set whose every column but the last is a feature and whose last column holds integer
/// class labels (the files in examples/data/).
struct LabeledData {
    std::string path;
    std::vector<std::string> feature_names;
    Array<double> X;  ///< (rows, features)
    mlp::Labels y;    ///< one integer label per row
};

/// Reads `path` with io::read_csv. Errors (io::IoError, or tapegrad::Error naming the file and
/// line of a label that is not an integer) for anything that is not such a file.
LabeledData read_labeled_csv(const std::string& path);

/// `data_dir`/`file`, where an empty `data_dir` means the examples/data folder of the source
/// tree this program was built from.
std::string data_path(const std::string& data_dir, const std::string& file);

/// `path` relative to the current folder when it lies below it ("examples/data/digits.csv"),
/// else as given.
std::string display_path(const std::string& path);

/// Writes `bytes` to `dir`/`name` atomically (io::write_file_atomically), creating `dir` if needed;
/// returns the path written.
std::string write_output(const std::string& dir, const std::string& name, const std::string& bytes);

/// "58/60 = 0.967": correct predictions, total, accuracy.
std::string accuracy_text(const mlp::Labels& truth, const mlp::Labels& predicted);

}  // namespace tapegrad::examples
