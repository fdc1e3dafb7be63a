// SPDX-License-Identifier: MIT
// Manifest rows to and from CSV, with typed optional columns and untouched extra columns.
#include "segoid/data/manifest.hpp"

#include <fmt/format.h>

#include <algorithm>
#include <cctype>
#include <cerrno>
#include <cmath>
#include <cstdlib>
#include <set>

#include "segoid/core/error.hpp"
#include "segoid/data/contract.hpp"
#include "segoid/io/csv.hpp"

namespace segoid::data {
namespace fs = std::filesystem;
namespace {

[[noreturn]] void throw_at(const fs::path& path, int line, const std::string& problem) {
  throw DataError(path.string() + ":" + std::to_string(line) + ": " + problem);
}

std::optional<double> parse_double(const std::string& text, const fs::path& path, int line, const char* column) {
  if (text.empty()) return std::nullopt;
  errno = 0;
  char* end = nullptr;
  const double value = std::strtod(text.c_str(), &end);
  if (end != text.c_str() + text.size() || errno == ERANGE || !std::isfinite(value)) {
    throw_at(path, line, std::string("column \"") + column + "\": \"" + text + "\" is not a number");
  }
  return value;
}

std::optional<int> parse_count(const std::string& text, const fs::path& path, int line, const char* column) {
  if (text.empty()) return std::nullopt;
  errno = 0;
  char* end = nullptr;
  const long value = std::strtol(text.c_str(), &end, 10);
  // pandas writes integer columns holding NaN as floats ("3.0"); accept an exact integer value.
  const std::string rest(end);
  if ((!rest.empty() && rest != ".0") || end == text.c_str() || errno == ERANGE || value < 0 || value > 1'000'000'000) {
    throw_at(path, line, std::string("column \"") + column + "\": \"" + text + "\" is not a non-negative integer");
  }
  return static_cast<int>(value);
}

std::optional<bool> parse_bool(const std::string& text, const fs::path& path, int line, const char* column) {
  if (text.empty()) return std::nullopt;
  std::string lower = text;
  std::transform(lower.begin(), lower.end(), lower.begin(), [](unsigned char c) { return static_cast<char>(std::tolower(c)); });
  if (lower == "true" || lower == "1" || lower == "yes") return true;
  if (lower == "false" || lower == "0" || lower == "no") return false;
  throw_at(path, line, std::string("column \"") + column + "\": \"" + text + "\" is not true/false");
}

bool is_standard(const std::string& column) {
  const auto& standard = standard_manifest_columns();
  return std::find(standard.begin(), standard.end(), column) != standard.end();
}

}  // namespace

const std::vector<std::string>& standard_manifest_columns() {
  static const std::vector<std::string> kColumns(contract::kManifestColumns.begin(), contract::kManifestColumns.end());
  return kColumns;
}

const ManifestRow* Manifest::find(const std::string& basename) const {
  const auto it = std::find_if(rows.begin(), rows.end(), [&](const ManifestRow& r) { return r.basename == basename; });
  return it == rows.end() ? nullptr : &*it;
}

Manifest read_manifest(const fs::path& path) {
  const io::CsvTable table = io::read_csv(path);
  for (const char* required : {contract::kBasename, contract::kImagePath}) {
    if (table.column_index(required) < 0) {
      throw_at(path, 1, std::string("missing required column \"") + required + "\"");
    }
  }
  Manifest manifest;
  manifest.columns = table.header;
  std::map<std::string, int> first_line;
  for (std::size_t r = 0; r < table.rows.size(); ++r) {
    const int line = table.row_lines[r];
    ManifestRow row;
    for (std::size_t c = 0; c < table.header.size(); ++c) {
      const std::string& column = table.header[c];
      const std::string& value = table.rows[r][c];
      namespace k = contract;
      if (column == k::kBasename) row.basename = value;
      else if (column == k::kImagePath) row.image_path = value;
      else if (column == k::kMaskPath) row.mask_path = value;
      else if (column == k::kMaskCoverage) row.mask_coverage = parse_double(value, path, line, k::kMaskCoverage);
      else if (column == k::kObjectCount) row.object_count = parse_count(value, path, line, k::kObjectCount);
      else if (column == k::kMeanDiameter) row.mean_diameter = parse_double(value, path, line, k::kMeanDiameter);
      else if (column == k::kEmptyConfirmed) row.empty_confirmed = parse_bool(value, path, line, k::kEmptyConfirmed);
      else if (column == k::kDate) row.date = value;
      else if (column == k::kBatch) row.batch = value;
      else if (column == k::kOperator) row.operator_name = value;
      else if (column == k::kNotes) row.notes = value;
      else row.extra[column] = value;
    }
    if (row.basename.empty()) throw_at(path, line, "empty basename");
    if (row.image_path.empty()) throw_at(path, line, "empty image_path for \"" + row.basename + "\"");
    if (row.mask_coverage && (*row.mask_coverage < 0.0 || *row.mask_coverage > 1.0)) {
      throw_at(path, line, "column \"mask_coverage\": " + fmt::format("{}", *row.mask_coverage) + " is outside [0, 1]");
    }
    const auto [it, inserted] = first_line.emplace(row.basename, line);
    if (!inserted) {
      throw_at(path, line, "duplicate basename \"" + row.basename + "\" (first on line " + std::to_string(it->second) + ")");
    }
    manifest.rows.push_back(std::move(row));
  }
  return manifest;
}

void write_manifest(const fs::path& path, const Manifest& manifest) {
  // Every standard column, always, in the Python SegOid's order; then the extra columns.
  std::vector<std::string> columns = standard_manifest_columns();
  std::set<std::string> extras_seen;
  for (const auto& column : manifest.columns) {
    if (!is_standard(column) && extras_seen.insert(column).second) columns.push_back(column);
  }
  std::set<std::string> unlisted;
  for (const auto& row : manifest.rows) {
    for (const auto& [key, value] : row.extra) {
      if (extras_seen.count(key) == 0) unlisted.insert(key);
    }
  }
  columns.insert(columns.end(), unlisted.begin(), unlisted.end());

  const auto number = [](const std::optional<double>& v) { return v ? fmt::format("{}", *v) : std::string(); };
  io::CsvTable table;
  table.header = columns;
  for (const auto& row : manifest.rows) {
    std::vector<std::string> fields;
    for (const auto& column : columns) {
      namespace k = contract;
      if (column == k::kBasename) fields.push_back(row.basename);
      else if (column == k::kImagePath) fields.push_back(row.image_path);
      else if (column == k::kMaskPath) fields.push_back(row.mask_path);
      else if (column == k::kMaskCoverage) fields.push_back(number(row.mask_coverage));
      else if (column == k::kObjectCount) fields.push_back(row.object_count ? std::to_string(*row.object_count) : "");
      else if (column == k::kMeanDiameter) fields.push_back(number(row.mean_diameter));
      // pandas writes and reads booleans as True/False; empty_confirmed defaults to False.
      else if (column == k::kEmptyConfirmed) fields.push_back(row.empty_confirmed.value_or(false) ? k::kTrue : k::kFalse);
      else if (column == k::kDate) fields.push_back(row.date);
      else if (column == k::kBatch) fields.push_back(row.batch);
      else if (column == k::kOperator) fields.push_back(row.operator_name);
      else if (column == k::kNotes) fields.push_back(row.notes);
      else {
        const auto it = row.extra.find(column);
        fields.push_back(it == row.extra.end() ? "" : it->second);
      }
    }
    table.rows.push_back(std::move(fields));
  }
  io::write_csv(path, table);
}

fs::path resolve_data_path(const std::string& p, const fs::path& data_root) {
  const fs::path path(p);
  if (path.is_absolute() || data_root.empty()) return path;
  return data_root / path;
}

}  // namespace segoid::data
