// SPDX-License-Identifier: MIT
// Minimal RFC 4180 CSV reading and writing.
#include "csv_lite.hpp"

#include <fmt/format.h>

#include <cmath>

#include "segoid/core/atomic_file.hpp"
#include "segoid/core/error.hpp"

namespace segoid::analysis::csv {

int Table::column(const std::string& name) const {
  for (std::size_t i = 0; i < header.size(); ++i) {
    if (header[i] == name) return static_cast<int>(i);
  }
  return -1;
}

Table read_table(const std::filesystem::path& path) {
  std::string text = core::read_file(path);
  if (text.rfind("\xEF\xBB\xBF", 0) == 0) text.erase(0, 3);
  Table table;
  std::vector<std::string> row;
  std::string field;
  bool quoted = false, field_started = false;
  int line = 1, row_line = 1;
  const auto end_row = [&] {
    row.push_back(field);
    field.clear();
    field_started = false;
    const bool blank = row.size() == 1 && row[0].empty();
    if (!blank) {
      if (table.header.empty()) {
        table.header = row;
      } else if (row.size() != table.header.size()) {
        throw DataError("malformed CSV \"" + path.string() + "\" line " + std::to_string(row_line) + ": expected " +
                        std::to_string(table.header.size()) + " fields, got " + std::to_string(row.size()));
      } else {
        table.rows.push_back(row);
        table.row_lines.push_back(row_line);
      }
    }
    row.clear();
  };
  for (std::size_t i = 0; i < text.size(); ++i) {
    const char ch = text[i];
    if (quoted) {
      if (ch == '"' && i + 1 < text.size() && text[i + 1] == '"') {
        field += '"';
        ++i;
      } else if (ch == '"') {
        quoted = false;
      } else {
        if (ch == '\n') ++line;
        field += ch;
      }
    } else if (ch == '"' && !field_started) {
      quoted = field_started = true;
    } else if (ch == ',') {
      row.push_back(field);
      field.clear();
      field_started = false;
    } else if (ch == '\n' || ch == '\r') {
      if (ch == '\r' && i + 1 < text.size() && text[i + 1] == '\n') ++i;
      end_row();
      row_line = ++line;
    } else {
      field += ch;
      field_started = true;
    }
  }
  if (quoted) {
    throw DataError("malformed CSV \"" + path.string() + "\" line " + std::to_string(row_line) +
                    ": quoted field never closed");
  }
  if (!field.empty() || !row.empty()) end_row();
  if (table.header.empty()) throw DataError("empty CSV \"" + path.string() + "\": no header line");
  return table;
}

std::string escape(const std::string& field) {
  if (field.find_first_of(",\"\r\n") == std::string::npos) return field;
  std::string out = "\"";
  for (char ch : field) {
    if (ch == '"') out += '"';
    out += ch;
  }
  return out + "\"";
}

std::string join_row(const std::vector<std::string>& fields) {
  std::string out;
  for (std::size_t i = 0; i < fields.size(); ++i) {
    if (i) out += ',';
    out += escape(fields[i]);
  }
  return out + "\n";
}

std::string number(double value) {
  if (!std::isfinite(value)) return std::isnan(value) ? "" : (value > 0 ? "inf" : "-inf");
  if (value == std::floor(value) && std::abs(value) < 1e15) return fmt::format("{:.0f}", value);
  return fmt::format("{:.10g}", value);
}

}  // namespace segoid::analysis::csv
