// SPDX-License-Identifier: MIT
// RFC 4180 CSV: a small state machine that tracks line numbers for error messages.
#include "segoid/io/csv.hpp"

#include <algorithm>

#include "segoid/core/atomic_file.hpp"
#include "segoid/core/error.hpp"

namespace segoid::io {
namespace fs = std::filesystem;
namespace {

[[noreturn]] void throw_at(const std::string& source, int line, const std::string& problem) {
  throw DataError(source + ":" + std::to_string(line) + ": " + problem);
}

/// Splits text into records of fields; each record carries the line it starts on.
struct Record {
  std::vector<std::string> fields;
  int line = 0;
};

std::vector<Record> split_records(const std::string& text, const std::string& source) {
  std::vector<Record> records;
  std::size_t i = text.compare(0, 3, "\xEF\xBB\xBF") == 0 ? 3 : 0;
  int line = 1;
  const std::size_t n = text.size();
  while (i < n) {
    Record record;
    record.line = line;
    std::string field;
    bool record_done = false;
    bool field_quoted = false;
    bool any_content = false;
    while (!record_done) {
      if (i >= n) {
        record_done = true;
        break;
      }
      const char c = text[i];
      if (c == '"' && field.empty() && !field_quoted) {
        // Quoted field: runs to the closing quote; "" is a literal quote.
        field_quoted = true;
        any_content = true;
        const int quote_line = line;
        ++i;
        while (true) {
          if (i >= n) throw_at(source, quote_line, "unterminated quoted field");
          if (text[i] == '"') {
            if (i + 1 < n && text[i + 1] == '"') {
              field += '"';
              i += 2;
              continue;
            }
            ++i;
            break;
          }
          if (text[i] == '\n') ++line;
          field += text[i++];
        }
        if (i < n && text[i] != ',' && text[i] != '\n' && text[i] != '\r') {
          throw_at(source, line, "unexpected character after closing quote");
        }
        continue;
      }
      if (c == ',') {
        record.fields.push_back(std::move(field));
        field.clear();
        field_quoted = false;
        any_content = true;
        ++i;
      } else if (c == '\n' || c == '\r') {
        i += (c == '\r' && i + 1 < n && text[i + 1] == '\n') ? 2 : 1;
        ++line;
        record_done = true;
      } else {
        if (c == '"') throw_at(source, line, "quote inside an unquoted field (quote the whole field)");
        field += c;
        any_content = true;
        ++i;
      }
    }
    if (!any_content) continue;  // blank line
    record.fields.push_back(std::move(field));
    records.push_back(std::move(record));
  }
  return records;
}

}  // namespace

int CsvTable::column_index(const std::string& column) const {
  const auto it = std::find(header.begin(), header.end(), column);
  return it == header.end() ? -1 : static_cast<int>(it - header.begin());
}

CsvTable parse_csv(const std::string& text, const std::string& source) {
  std::vector<Record> records = split_records(text, source);
  CsvTable table;
  if (records.empty()) throw_at(source, 1, "empty file (no header row)");
  table.header = std::move(records.front().fields);
  for (std::size_t r = 1; r < records.size(); ++r) {
    Record& record = records[r];
    if (record.fields.size() != table.header.size()) {
      throw_at(source, record.line,
               "expected " + std::to_string(table.header.size()) + " fields (as in the header), found " +
                   std::to_string(record.fields.size()));
    }
    table.rows.push_back(std::move(record.fields));
    table.row_lines.push_back(record.line);
  }
  return table;
}

CsvTable read_csv(const fs::path& path) { return parse_csv(core::read_file(path), path.string()); }

std::string csv_escape(const std::string& field) {
  // A leading UTF-8 byte-order mark is quoted too: unquoted at the start of a file, the reader
  // would take it for the file's BOM and drop it (found by fuzzing: parse -> format -> parse).
  const bool leading_bom = field.compare(0, 3, "\xEF\xBB\xBF") == 0;
  if (!leading_bom && field.find_first_of(",\"\r\n") == std::string::npos) return field;
  std::string quoted = "\"";
  for (char c : field) {
    if (c == '"') quoted += '"';
    quoted += c;
  }
  return quoted + "\"";
}

std::string format_csv(const CsvTable& table) {
  std::string out;
  auto append_row = [&out](const std::vector<std::string>& fields) {
    // A lone empty field would be a blank line, which readers skip: quote it (found by fuzzing).
    if (fields.size() == 1 && fields[0].empty()) {
      out += "\"\"\n";
      return;
    }
    for (std::size_t i = 0; i < fields.size(); ++i) {
      if (i > 0) out += ',';
      out += csv_escape(fields[i]);
    }
    out += '\n';
  };
  append_row(table.header);
  for (const auto& row : table.rows) {
    SEGOID_CHECK(row.size() == table.header.size(), "CSV row and header differ in field count");
    append_row(row);
  }
  return out;
}

void write_csv(const fs::path& path, const CsvTable& table) { core::write_file_atomic(path, format_csv(table)); }

}  // namespace segoid::io
