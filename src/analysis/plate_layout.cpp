// SPDX-License-Identifier: MIT
// Plate layout CSV: wells to conditions, checked against the plate format.
#include "segoid/analysis/plate_layout.hpp"

#include <fmt/format.h>

#include <algorithm>
#include <cctype>
#include <cmath>

#include "csv_lite.hpp"
#include "segoid/analysis/contract.hpp"
#include "segoid/analysis/plate_names.hpp"
#include "segoid/core/atomic_file.hpp"
#include "segoid/core/error.hpp"
#include "segoid/io/csv.hpp"

namespace segoid::analysis {
namespace {

constexpr PlateFormat kFormats[] = {{96, 8, 12}, {384, 16, 24}, {1536, 32, 48}};

std::string trim(const std::string& s) {
  const auto first = s.find_first_not_of(" \t");
  return first == std::string::npos ? "" : s.substr(first, s.find_last_not_of(" \t") - first + 1);
}

}  // namespace

PlateFormat plate_format(int wells) {
  for (const PlateFormat& f : kFormats) {
    if (f.wells == wells) return f;
  }
  throw ConfigError(fmt::format("plate format {} wells: use 96, 384 or 1536", wells));
}

PlateFormat smallest_plate_format(int row, int column) {
  for (const PlateFormat& f : kFormats) {
    if (row <= f.rows && column <= f.columns) return f;
  }
  return {};
}

const std::vector<std::string>* PlateLayout::find(const std::string& plate, const std::string& well) const {
  auto found = wells.find({plate, well});
  if (found == wells.end() && !plate.empty()) found = wells.find({"", well});
  return found == wells.end() ? nullptr : &found->second;
}

int PlateLayout::column_index(const std::string& column) const {
  const auto found = std::find(columns.begin(), columns.end(), column);
  return found == columns.end() ? -1 : static_cast<int>(found - columns.begin());
}

PlateLayout parse_plate_layout(const std::string& text, const std::string& source, int format_wells) {
  const io::CsvTable table = io::parse_csv(text, source);
  PlateLayout layout;
  layout.source = source;
  const int well_col = table.column_index(contract::kWell);
  const int plate_col = table.column_index(contract::kPlate);
  if (well_col < 0) throw DataError("plate layout \"" + source + "\" has no column \"well\"");
  for (std::size_t c = 0; c < table.header.size(); ++c) {
    if (static_cast<int>(c) != well_col && static_cast<int>(c) != plate_col) layout.columns.push_back(table.header[c]);
  }
  const int concentration = layout.column_index(contract::kConcentration);
  const int format_col = layout.column_index(contract::kPlateFormat);
  // The well pattern of the presets: letters then a number, any case, leading zeros allowed.
  const NamePattern well_name(R"(^(?<well>[A-Za-z]{1,2}\d{1,3})$)");
  std::map<std::pair<std::string, std::string>, int> line_of;
  std::map<std::string, int> format_of_plate;
  int max_row = 0, max_col = 0;
  for (std::size_t i = 0; i < table.rows.size(); ++i) {
    const auto& row = table.rows[i];
    const std::string where = fmt::format("plate layout \"{}\" line {}", source, table.row_lines[i]);
    const std::string raw_well = trim(row[well_col]);
    std::string why;
    const auto parsed = well_name.parse(raw_well, &why);
    if (!parsed) throw DataError(where + ": well \"" + raw_well + "\" is not a well name (" + why + ")");
    const std::string plate = plate_col >= 0 ? trim(row[plate_col]) : "";
    const auto key = std::make_pair(plate, parsed->well);
    if (const auto seen = line_of.find(key); seen != line_of.end()) {
      throw DataError(fmt::format("{}: well {}{} is listed twice (also line {})", where, parsed->well,
                                  plate.empty() ? "" : " of plate \"" + plate + "\"", seen->second));
    }
    line_of[key] = table.row_lines[i];
    std::vector<std::string> values;
    for (std::size_t c = 0; c < row.size(); ++c) {
      if (static_cast<int>(c) != well_col && static_cast<int>(c) != plate_col) values.push_back(trim(row[c]));
    }
    if (concentration >= 0 && !values[concentration].empty()) {
      const double value = csv::parse_number(values[concentration]);
      if (!(value >= 0)) {
        throw DataError(fmt::format("{}: well {} has concentration \"{}\", expected a non-negative number", where,
                                    parsed->well, values[concentration]));
      }
    }
    if (format_col >= 0 && format_wells == 0) {
      const double wells = csv::parse_number(values[format_col]);
      if (wells != 96 && wells != 384 && wells != 1536) {
        throw DataError(fmt::format("{}: plate_format \"{}\", expected 96, 384 or 1536", where, values[format_col]));
      }
      auto [it, fresh] = format_of_plate.emplace(plate, static_cast<int>(wells));
      if (!fresh && it->second != static_cast<int>(wells)) {
        throw DataError(fmt::format("{}: plate_format {} differs from {} on an earlier line of the same plate", where,
                                    values[format_col], it->second));
      }
    }
    max_row = std::max(max_row, parsed->row);
    max_col = std::max(max_col, parsed->column);
    layout.wells[key] = std::move(values);
  }
  if (format_wells > 0) {
    layout.format = plate_format(format_wells);
  } else if (!format_of_plate.empty()) {
    int largest = 0;
    for (const auto& [plate, wells] : format_of_plate) largest = std::max(largest, wells);
    layout.format = plate_format(largest);
  } else {
    layout.format = smallest_plate_format(std::max(1, max_row), std::max(1, max_col));
  }
  // Every well inside its plate's format.
  for (const auto& [key, line] : line_of) {
    const auto format_it = format_of_plate.find(key.first);
    const PlateFormat format = format_wells == 0 && format_it != format_of_plate.end() ? plate_format(format_it->second)
                                                                                      : layout.format;
    const auto parsed = well_name.parse(key.second);
    if (format.wells == 0 || parsed->row > format.rows || parsed->column > format.columns) {
      throw DataError(fmt::format("plate layout \"{}\" line {}: well {} lies outside a {}-well plate ({} rows, {} columns)",
                                  source, line, key.second, format.wells ? format.wells : 1536,
                                  format.wells ? format.rows : 32, format.wells ? format.columns : 48));
    }
  }
  return layout;
}

PlateLayout read_plate_layout(const std::filesystem::path& path, int format_wells) {
  PlateLayout layout = parse_plate_layout(core::read_file(path), path.string(), format_wells);
  layout.source = path;
  return layout;
}

}  // namespace segoid::analysis
