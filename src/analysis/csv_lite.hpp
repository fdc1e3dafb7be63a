// SPDX-License-Identifier: MIT
// Minimal RFC 4180 CSV reading and writing for analysis (private to the stage; analysis may not
// include data/, where the manifest reader lives).
#pragma once

#include <filesystem>
#include <map>
#include <string>
#include <vector>

namespace segoid::analysis::csv {

/// A parsed CSV file: header and rows of equal length.
struct Table {
  std::vector<std::string> header;
  std::vector<std::vector<std::string>> rows;
  std::vector<int> row_lines;  ///< 1-based line number where each row starts (for messages)
  /// Index of `column` in the header, or -1.
  int column(const std::string& name) const;
};

/// Reads `path` (quoted fields, doubled quotes, CRLF, UTF-8 BOM). Throws IoError when unreadable
/// and DataError naming file and line for a row with the wrong number of fields or an open quote.
Table read_table(const std::filesystem::path& path);

/// One CSV field, quoted when it holds a comma, quote or line break.
std::string escape(const std::string& field);
/// Fields joined by commas and terminated by "\n".
std::string join_row(const std::vector<std::string>& fields);
/// A number for CSV: integers as integers, others with 10 significant digits, NaN as "".
std::string number(double value);

}  // namespace segoid::analysis::csv
