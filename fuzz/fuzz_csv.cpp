// Fuzz target: CSV bytes. io::parse_csv, every column through io::numeric_columns (double and
// float), and the file through the command line's loader (cli::load_training_data: the last column
// as class labels, then as regression targets). Invariants: every parsed row has as many fields as
// the header; writing a parsed table back (io::write_csv) and reading it again gives the same table.

#include <cmath>
#include <numeric>

#include <tapegrad/io/csv.hpp>

#include "../cli/dataset.hpp"
#include "fuzz_support.hpp"

using namespace tapegrad;
using tapegrad_fuzz::scratch_dir;

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
    const std::string text = tapegrad_fuzz::as_string(data, size);
    io::CsvTable table;
    try {
        table = io::parse_csv(text, "fuzz.csv");
    } catch (const Error&) {
        return 0;
    }
    FUZZ_CHECK(!table.header.empty(), "a parsed table has a header");
    FUZZ_CHECK(table.row_lines.size() == table.rows.size(), "one line number per row");
    for (const auto& row : table.rows) FUZZ_CHECK(row.size() == table.header.size(), "every row has the header's width");

    std::vector<std::size_t> all_columns(table.header.size());
    std::iota(all_columns.begin(), all_columns.end(), std::size_t{0});
    try {
        const Array<double> values = io::numeric_columns<double>(table, all_columns, "fuzz.csv");
        FUZZ_CHECK(values.shape(0) == table.rows.size() && values.shape(1) == all_columns.size(), "numeric shape");
        for (double v : values) FUZZ_CHECK(std::isfinite(v), "numeric_columns refuses NaN and Inf");
    } catch (const Error&) {
    }
    try {
        io::numeric_columns<float>(table, all_columns, "fuzz.csv");
    } catch (const Error&) {
    }

    // Written back and read again: the same table.
    const std::string copy = (scratch_dir() / "copy.csv").string();
    try {
        io::write_csv(copy, table);
        const io::CsvTable again = io::read_csv(copy);
        FUZZ_CHECK(again.header == table.header, "write_csv then read_csv keeps the header");
        FUZZ_CHECK(again.rows == table.rows, "write_csv then read_csv keeps the rows");
    } catch (const Error&) {
    }

    // The command line's loader: last column as labels (classification), then as targets (regression).
    const std::string path = (scratch_dir() / "data.csv").string();
    tapegrad_fuzz::write_bytes(path, text);
    cli::DataSource source;
    source.data_path = path;
    source.label_columns = {table.header.back()};
    for (const cli::Task task : {cli::Task::classification, cli::Task::regression}) {
        source.task = task;
        try {
            const cli::TrainingData<double> loaded = cli::load_training_data<double>(source);
            FUZZ_CHECK(loaded.X.dimension() == 2 && loaded.X.shape(0) == table.rows.size(), "features: one row per data row");
        } catch (const Error&) {
        }
    }
    return 0;
}
