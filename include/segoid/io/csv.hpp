// SPDX-License-Identifier: MIT
// RFC 4180 CSV reading and writing (quoted fields with commas, quotes and newlines; CRLF; BOM).
#pragma once

#include <filesystem>
#include <string>
#include <vector>

namespace segoid::io {

/// A CSV file: a header row and data rows that all have the header's number of fields.
struct CsvTable {
  std::vector<std::string> header;
  std::vector<std::vector<std::string>> rows;
  std::vector<int> row_lines;  ///< 1-based line on which each row starts (for error messages)

  /// Index of `column` in the header, or -1.
  int column_index(const std::string& column) const;
};

/// Parses CSV text. A leading UTF-8 byte-order mark is skipped, LF and CRLF both end records,
/// blank lines are ignored. `source` names the file in errors. Throws DataError
/// "<source>:<line>: <problem>" for an unterminated quote, stray quote, or a row whose field
/// count differs from the header's.
CsvTable parse_csv(const std::string& text, const std::string& source);

/// Reads and parses a CSV file. Throws IoError (unreadable) or DataError (malformed; names
/// file and line).
CsvTable read_csv(const std::filesystem::path& path);

/// One field, quoted when it holds a comma, quote, CR or LF (quotes doubled).
std::string csv_escape(const std::string& field);

/// The table as CSV text: fields joined by commas, records ended by "\n" (as pandas writes).
std::string format_csv(const CsvTable& table);

/// Writes the table atomically (temp file + rename). Throws IoError.
void write_csv(const std::filesystem::path& path, const CsvTable& table);

}  // namespace segoid::io
