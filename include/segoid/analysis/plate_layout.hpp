// SPDX-License-Identifier: MIT
// A plate layout: a CSV that maps wells to conditions (compound, concentration, replicate, ...).
#pragma once

#include <filesystem>
#include <map>
#include <string>
#include <utility>
#include <vector>

namespace segoid::analysis {

/// A standard plate: 96 (8 x 12), 384 (16 x 24) or 1536 (32 x 48) wells.
struct PlateFormat {
  int wells = 0;
  int rows = 0;
  int columns = 0;
};

/// The format with `wells` wells; throws ConfigError for any other number.
PlateFormat plate_format(int wells);

/// The smallest standard format that holds row `row` and column `column` (1-based); wells = 0
/// when none does.
PlateFormat smallest_plate_format(int row, int column);

/// The layout's conditions, by well.
struct PlateLayout {
  std::filesystem::path source;
  std::vector<std::string> columns;  ///< every column but plate and well, in file order
  PlateFormat format;                ///< given, or from the layout (column plate_format, else the smallest that fits)
  /// (plate, well) -> values of `columns`; plate "" when the layout has no plate (or leaves it empty).
  std::map<std::pair<std::string, std::string>, std::vector<std::string>> wells;

  /// The row for `well` of `plate` (normalised "A01"): the plate's own, else one without a
  /// plate; nullptr when the layout does not list the well.
  const std::vector<std::string>* find(const std::string& plate, const std::string& well) const;
  /// Index of `column` in `columns`, or -1.
  int column_index(const std::string& column) const;
};

/// Reads a layout CSV with a `well` column ("A1", "a01", "AF48"), an optional `plate` column and
/// any others. A `concentration` column must hold non-negative numbers (empty = none); a
/// `plate_format` column, 96, 384 or 1536. `format_wells` (96/384/1536; 0 = from the layout)
/// sets the plate format. Throws DataError naming the file, line and well for a missing well
/// column, a well that is not a well name, a duplicate well, a well outside the plate format, a
/// concentration that is not a number, or a plate_format that differs within a plate; IoError
/// when unreadable.
PlateLayout read_plate_layout(const std::filesystem::path& path, int format_wells = 0);

/// Same, from CSV text (`source` names it in errors; for tests and fuzzing).
PlateLayout parse_plate_layout(const std::string& text, const std::string& source, int format_wells = 0);

}  // namespace segoid::analysis
