#include "csv.hpp"

#include <charconv>
#include <cmath>
#include <limits>
#include <system_error>
#include <type_traits>

#include "atomic_file.hpp"

namespace tapegrad::io {

namespace {

std::string count_of(std::size_t n, const std::string& thing) {
    return std::to_string(n) + " " + thing + (n == 1 ? "" : "s");
}

// ---- reading ----------------------------------------------------------------------------------

class CsvParser {
public:
    CsvParser(const std::string& text, const std::string& path) : text_(text), path_(path) {
        if (text_.compare(0, 3, "\xEF\xBB\xBF") == 0) pos_ = line_start_ = 3;  // UTF-8 byte-order mark
    }

    CsvTable parse() {
        CsvTable table;
        bool have_header = false;
        std::size_t first_blank_line = 0;  // a blank line not (yet) followed by data; 0 = none
        while (pos_ < text_.size()) {
            if (at_line_break()) {
                if (first_blank_line == 0) first_blank_line = line_;
                skip_line_break();
                continue;
            }
            if (first_blank_line != 0) {
                throw IoError(path_ + ": line " + std::to_string(first_blank_line) +
                              " is blank (blank lines are allowed only at the end of the file)");
            }
            const std::size_t record_line = line_;
            std::vector<std::string> fields = parse_record(table.header.size());
            if (!have_header) {
                table.header = std::move(fields);
                have_header = true;
            } else if (fields.size() != table.header.size()) {
                throw IoError(path_ + ": line " + std::to_string(record_line) + " has " + count_of(fields.size(), "field") +
                              ", the header has " + std::to_string(table.header.size()));
            } else {
                table.rows.push_back(std::move(fields));
                table.row_lines.push_back(record_line);
            }
        }
        if (!have_header) throw IoError(path_ + ": the file is empty (a CSV file needs a header row)");
        return table;
    }

private:
    char peek() const { return pos_ < text_.size() ? text_[pos_] : '\0'; }
    bool at_line_break() const { return pos_ < text_.size() && (text_[pos_] == '\n' || text_[pos_] == '\r'); }
    std::size_t column() const { return pos_ - line_start_ + 1; }
    std::string where() const { return path_ + ": line " + std::to_string(line_) + ", column " + std::to_string(column()); }

    /// Consumes an LF, a CRLF or a lone CR; returns what it consumed.
    std::string skip_line_break() {
        const bool crlf = text_[pos_] == '\r' && pos_ + 1 < text_.size() && text_[pos_ + 1] == '\n';
        std::string line_break = text_.substr(pos_, crlf ? 2 : 1);
        pos_ += line_break.size();
        ++line_;
        line_start_ = pos_;
        return line_break;
    }

    /// One row's fields; consumes the line break that ends it.
    std::vector<std::string> parse_record(std::size_t expected_fields) {
        std::vector<std::string> fields;
        fields.reserve(expected_fields);
        while (true) {
            fields.push_back(peek() == '"' ? parse_quoted_field() : parse_plain_field());
            if (pos_ == text_.size()) return fields;
            if (text_[pos_] != ',') {
                skip_line_break();  // the only other way a field ends
                return fields;
            }
            ++pos_;
        }
    }

    std::string parse_plain_field() {
        const std::size_t start = pos_;
        while (pos_ < text_.size() && text_[pos_] != ',' && text_[pos_] != '\n' && text_[pos_] != '\r') ++pos_;
        return text_.substr(start, pos_ - start);
    }

    /// "text", where "" stands for one quote; commas and line breaks inside are kept.
    std::string parse_quoted_field() {
        const std::string opened_at = where();
        ++pos_;
        std::string field;
        while (true) {
            if (pos_ == text_.size()) throw IoError(opened_at + ": the quoted field starting here has no closing quote");
            if (text_[pos_] == '"') {
                if (pos_ + 1 < text_.size() && text_[pos_ + 1] == '"') {
                    field += '"';
                    pos_ += 2;
                    continue;
                }
                ++pos_;
                break;
            }
            if (at_line_break()) {
                field += skip_line_break();
            } else {
                field += text_[pos_++];
            }
        }
        if (pos_ < text_.size() && text_[pos_] != ',' && !at_line_break()) {
            throw IoError(where() + ": unexpected '" + printable(std::string(1, text_[pos_])) +
                          "' after the closing quote of a quoted field (a quote inside one is written \"\")");
        }
        return field;
    }

    const std::string& text_;
    const std::string& path_;
    std::size_t pos_ = 0;
    std::size_t line_ = 1;
    std::size_t line_start_ = 0;  // where the current line starts, for column numbers
};

/// The number in `cell`; on failure returns false and says why in `problem`.
template <class T>
bool parse_number(const std::string& cell, T& value, std::string& problem) {
    const char* first = cell.data();
    const char* last = cell.data() + cell.size();
    while (first < last && (*first == ' ' || *first == '\t')) ++first;
    while (last > first && (last[-1] == ' ' || last[-1] == '\t')) --last;
    if (first == last) {
        problem = "is empty";
        return false;
    }
    if (*first == '+' && last - first > 1 && first[1] != '-' && first[1] != '+') ++first;  // from_chars has no '+'
    auto [end, error] = std::from_chars(first, last, value);
    if (error == std::errc::result_out_of_range) {  // too large, or so small that it rounds to zero
        long double wide = 0;
        const auto [wide_end, wide_error] = std::from_chars(first, last, wide);
        if (wide_error != std::errc() || wide_end != last ||
            !(std::fabs(wide) <= static_cast<long double>(std::numeric_limits<T>::max()))) {
            problem = std::string("is out of the range of ") + (std::is_same_v<T, float> ? "float" : "double");
            return false;
        }
        value = static_cast<T>(wide);
        error = std::errc();
    }
    if (error != std::errc() || end != last) {
        problem = "is not a number";
        return false;
    }
    if (std::isnan(value)) {
        problem = "is NaN (missing or non-finite values are not accepted)";
        return false;
    }
    if (std::isinf(value)) {
        problem = "is infinite (missing or non-finite values are not accepted)";
        return false;
    }
    return true;
}

// ---- writing ----------------------------------------------------------------------------------

/// A field as CSV: quoted if it holds a comma, quote or line break, if it is the empty only
/// field of a line (which would otherwise read back as a blank line), or if it starts with a
/// UTF-8 byte-order mark (which, first in a file, the reader would drop).
std::string csv_field(const std::string& text, bool only_field) {
    const bool starts_with_bom = text.compare(0, 3, "\xEF\xBB\xBF") == 0;
    if (text.find_first_of(",\"\r\n") == std::string::npos && !(only_field && text.empty()) && !starts_with_bom)
        return text;
    std::string quoted = "\"";
    for (const char c : text) quoted += c == '"' ? std::string("\"\"") : std::string(1, c);
    return quoted + "\"";
}

void write_line(std::ostream& out, const std::vector<std::string>& fields) {
    std::string line;
    for (std::size_t i = 0; i < fields.size(); ++i) {
        if (i > 0) line += ',';
        line += csv_field(fields[i], fields.size() == 1);
    }
    line += '\n';
    out.write(line.data(), static_cast<std::streamsize>(line.size()));
}

}  // namespace

CsvTable parse_csv(const std::string& text, const std::string& source_name) { return CsvParser(text, source_name).parse(); }

CsvTable read_csv(const std::string& path) { return parse_csv(read_file(path), path); }

std::size_t column_index(const CsvTable& table, const std::string& name, const std::string& path) {
    std::vector<std::size_t> found;
    for (std::size_t i = 0; i < table.header.size(); ++i) {
        if (table.header[i] == name) found.push_back(i);
    }
    if (found.size() == 1) return found[0];
    if (found.size() > 1) {
        throw IoError(path + ": the column name '" + printable(name) + "' appears " + std::to_string(found.size()) +
                      " times in the header");
    }
    std::string available;
    for (const std::string& column : table.header) available += (available.empty() ? "'" : ", '") + printable(column) + "'";
    throw IoError(path + ": no column named '" + printable(name) + "'; the columns are " + available);
}

template <class T>
Array<T> numeric_columns(const CsvTable& table, const std::vector<std::size_t>& columns, const std::string& path) {
    for (const std::size_t column : columns) {
        if (column >= table.header.size()) {
            throw IoError(path + ": column index " + std::to_string(column) + " is out of range (the file has " +
                          count_of(table.header.size(), "column") + ")");
        }
    }
    Array<T> values = Array<T>::from_shape({table.rows.size(), columns.size()});
    T* out = values.data();
    for (std::size_t row = 0; row < table.rows.size(); ++row) {
        const std::string line = table.row_lines.size() == table.rows.size() ? "line " + std::to_string(table.row_lines[row])
                                                                              : "row " + std::to_string(row + 1);
        if (table.rows[row].size() != table.header.size()) {
            throw IoError(path + ": " + line + " has " + count_of(table.rows[row].size(), "field") + ", the header has " +
                          std::to_string(table.header.size()));
        }
        for (const std::size_t column : columns) {
            const std::string& cell = table.rows[row][column];
            std::string problem;
            if (!parse_number(cell, *out++, problem)) {
                throw IoError(path + ": " + line + ", column '" + printable(table.header[column]) + "': \"" + printable(cell) +
                              "\" " + problem);
            }
        }
    }
    return values;
}

template <class T>
void write_csv(const std::string& path, const std::vector<std::string>& header, const Array<T>& values,
               int significant_digits) {
    if (values.dimension() != 2) {
        throw IoError(path + ": write_csv: the values must be 2-D (rows, columns), not of shape " + shape_str(values.shape()));
    }
    if (header.empty() || header.size() != values.shape(1)) {
        throw IoError(path + ": write_csv: the header has " + count_of(header.size(), "name") + ", the values have shape " +
                      shape_str(values.shape()) + " (one name per column, at least one column)");
    }
    if (significant_digits < 1 || significant_digits > 17) {
        throw IoError(path + ": write_csv: significant_digits must be 1 to 17, not " + std::to_string(significant_digits));
    }
    const std::size_t n_columns = values.shape(1);
    write_file_atomically(path, [&](std::ostream& out) {
        write_line(out, header);
        std::string line;
        char number[64];  // "%.17g" needs at most 24
        for (std::size_t row = 0; row < values.shape(0); ++row) {
            line.clear();
            for (std::size_t column = 0; column < n_columns; ++column) {
                if (column > 0) line += ',';
                // Like printf("%.17g") but independent of the C locale.
                const auto result = std::to_chars(number, number + sizeof number, values.data()[row * n_columns + column],
                                                  std::chars_format::general, significant_digits);
                line.append(number, result.ptr);
            }
            line += '\n';
            out.write(line.data(), static_cast<std::streamsize>(line.size()));
        }
    });
}

void write_csv(const std::string& path, const CsvTable& table) {
    if (table.header.empty()) throw IoError(path + ": write_csv: the header is empty (at least one column is needed)");
    for (std::size_t row = 0; row < table.rows.size(); ++row) {
        if (table.rows[row].size() != table.header.size()) {
            throw IoError(path + ": write_csv: row " + std::to_string(row + 1) + " has " +
                          count_of(table.rows[row].size(), "cell") + ", the header has " + std::to_string(table.header.size()));
        }
    }
    write_file_atomically(path, [&](std::ostream& out) {
        write_line(out, table.header);
        for (const auto& row : table.rows) write_line(out, row);
    });
}

template Array<float> numeric_columns<float>(const CsvTable&, const std::vector<std::size_t>&, const std::string&);
template Array<double> numeric_columns<double>(const CsvTable&, const std::vector<std::size_t>&, const std::string&);
template void write_csv<float>(const std::string&, const std::vector<std::string>&, const Array<float>&, int);
template void write_csv<double>(const std::string&, const std::vector<std::string>&, const Array<double>&, int);

}  // namespace tapegrad::io
