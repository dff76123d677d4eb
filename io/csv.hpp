#pragma once
/// CSV files with a header row (RFC 4180), read into strings and converted column by column.
///
/// Reading: fields are separated by commas; a field that starts with a double quote is quoted and
/// may hold commas, line breaks and doubled quotes ("" stands for "); a quote elsewhere in an
/// unquoted field is an ordinary character. Lines end with LF, CRLF or CR; the last line needs no
/// line break. A UTF-8 byte-order mark at the start is skipped. Blank lines at the end are ignored;
/// a blank line before more data is an error. Every row must have as many fields as the header.
/// Every problem is one IoError naming the file and the line (and column where it helps):
///   "data.csv: line 7 has 3 fields, the header has 4"
///   "data.csv: line 5, column 'x2': \"abc\" is not a number"

#include <cstddef>
#include <string>
#include <vector>

#include <tapegrad/autograd/array.hpp>

#include "error.hpp"

namespace tapegrad::io {

struct CsvTable {
    std::vector<std::string> header;
    std::vector<std::vector<std::string>> rows;  ///< each has header.size() fields
    std::vector<std::size_t> row_lines;          ///< the line of the file each row starts on (1-based),
                                                 ///< for messages; empty for a table not read from a file
};

/// Reads and parses a CSV file (see the rules above).
CsvTable read_csv(const std::string& path);

/// Parses CSV text; `source_name` (a path) starts the error messages.
CsvTable parse_csv(const std::string& text, const std::string& source_name);

/// The index of the column called `name`; IoError listing the columns if there is none, or
/// saying so if there are several.
std::size_t column_index(const CsvTable& table, const std::string& name, const std::string& path);

/// The given columns as numbers, shape (rows, columns.size()). A cell may have spaces or tabs
/// around the number and a leading '+'. IoError naming the file, line, column name and the cell for
/// an empty cell, text that is not a decimal number, a number out of T's range, NaN or Inf.
template <class T>
Array<T> numeric_columns(const CsvTable& table, const std::vector<std::size_t>& columns, const std::string& path);

/// Writes a 2-D array under `header` (one name per column), each number with
/// `significant_digits` (1 to 17; 17 round-trips every double, 9 every float) in the C locale.
/// NaN and Inf are written as nan, inf and -inf (which numeric_columns refuses to read back).
/// Atomic: `path` is replaced only once the whole file is written.
template <class T>
void write_csv(const std::string& path, const std::vector<std::string>& header, const Array<T>& values,
               int significant_digits = 17);

/// Writes string cells (labels, names) under a header; fields with commas, quotes or line breaks
/// are quoted. Every row must have header.size() cells. Atomic.
void write_csv(const std::string& path, const CsvTable& table);

}  // namespace tapegrad::io
