#pragma once
/// Reading the user's data for `tapegrad fit` and `tapegrad predict`: features and targets from
/// numpy .npy files (by the extension ".npy") or CSV files with a header row (any other name).
///
/// Targets:
///   - classification, one column (a 1-D or (n, 1) .npy of integers, or one CSV column): class
///     labels. A CSV column whose cells are all integers ("3", "-1") gives integer labels;
///     otherwise every cell is a string label, kept as written ("setosa", "1.5").
///   - classification, several columns (an (n, k) .npy, a k-column target CSV, or several
///     --label-column names): multilabel, every value 0 or 1.
///   - regression: numbers, (n,) for one column, (n, k) for several.
/// Every problem is an Error naming the file and what is wrong.

#include <cstddef>
#include <string>
#include <vector>

#include <tapegrad/autograd/array.hpp>
#include <tapegrad/mlp/labels.hpp>

namespace tapegrad::cli {

enum class Task { classification, regression };

/// Where the training data comes from (the fit command's flags).
struct DataSource {
    std::string data_path;                   ///< --data
    std::string target_path;                 ///< --target (empty when label columns are given)
    std::vector<std::string> label_columns;  ///< --label-column (one or more)
    Task task = Task::classification;
    /// Data-parallel lbfgs under mpirun: with shard_size > 1 and a .npy --data of at least
    /// shard_size rows, only this rank's rows of X are read (optim::share_of_rows); the targets
    /// are read whole.
    int shard_rank = 0, shard_size = 1;
};

template <class T>
struct TrainingData {
    Array<T> X;                              ///< (n_samples, n_features)
    std::vector<std::string> feature_names;  ///< CSV header names of X's columns; empty for .npy
    std::vector<std::string> target_names;   ///< CSV header names of the targets; may be empty
    bool multilabel = false;
    std::size_t n_samples = 0;               ///< rows of the data set (X's, unless sharded)
    bool sharded = false;                    ///< X holds only this rank's share of the n_samples rows
    mlp::Labels labels;                      ///< single-output classification
    Array<T> Y;                              ///< multilabel (n, k) 0/1, or regression (n,) / (n, k)
};

/// True for a path ending in ".npy" (any case).
bool is_npy_path(const std::string& path);

/// "float32" when `path` is a .npy file of 4-byte floats, else "float64" (CSV, other dtypes):
/// the element type sklearn would train in.
std::string natural_dtype(const std::string& path);

template <class T>
TrainingData<T> load_training_data(const DataSource& source);

/// Features for prediction. With `feature_names` (the model was fitted on a CSV file) a CSV file's
/// columns are picked by name, in that order (other columns, e.g. the label, are ignored);
/// otherwise every column is a feature. The count must be `n_features`.
template <class T>
Array<T> load_features(const std::string& path, const std::vector<std::string>& feature_names, std::size_t n_features);

/// Labels from text cells: integers if every cell is one, else strings. `what` names the column
/// in errors (an empty cell is an error).
mlp::Labels labels_from_cells(const std::vector<std::string>& cells, const std::string& what);

}  // namespace tapegrad::cli
