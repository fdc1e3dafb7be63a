// SPDX-License-Identifier: MIT
// Dataset manifests (all.csv, train/val/test.csv): one row per image, RFC 4180 CSV.
#pragma once

#include <filesystem>
#include <map>
#include <optional>
#include <string>
#include <vector>

namespace segoid::data {

/// One image of a dataset. Paths are stored as written (relative to a data root, or absolute);
/// resolve them with resolve_data_path(). An empty mask_path means an unlabeled image.
struct ManifestRow {
  std::string basename;                 ///< file name without extension; unique in a manifest
  std::string image_path;
  std::string mask_path;                ///< empty for unlabeled images
  std::optional<double> mask_coverage;  ///< foreground fraction in [0, 1]
  std::optional<int> object_count;      ///< 8-connected components in the mask
  std::optional<double> mean_diameter;  ///< px, mean equivalent diameter of those components
  std::optional<bool> empty_confirmed;  ///< an empty mask is a true negative
  std::string date, batch, operator_name /*column "operator"*/, notes;
  std::map<std::string, std::string> extra;  ///< unknown columns, kept on rewrite
};

/// A manifest: rows plus the column order as read (so extra columns survive a rewrite).
struct Manifest {
  std::vector<ManifestRow> rows;
  std::vector<std::string> columns;

  /// Row with this basename, or nullptr.
  const ManifestRow* find(const std::string& basename) const;
};

/// The standard columns in their written order.
const std::vector<std::string>& standard_manifest_columns();

/// Reads a manifest. Requires the columns basename and image_path; the others are optional.
/// Throws IoError (unreadable) or DataError "<file>:<line>: <problem>" for a malformed CSV row,
/// a missing required column, an empty or duplicate basename, or an ill-formed number/boolean
/// (booleans: true/false, 1/0, yes/no in any case).
Manifest read_manifest(const std::filesystem::path& path);

/// Writes a manifest atomically. Columns: every standard column (data/contract.hpp
/// kManifestColumns, the Python SegOid's order), then extra columns (in `manifest.columns`
/// order, then any others by name). Numbers are written in shortest round-trip form, missing
/// values as empty cells, booleans as True/False (pandas' spelling; a missing empty_confirmed is
/// False). Throws IoError.
void write_manifest(const std::filesystem::path& path, const Manifest& manifest);

/// `p` when absolute or when `data_root` is empty (then relative to the working directory),
/// otherwise data_root / p.
std::filesystem::path resolve_data_path(const std::string& p, const std::filesystem::path& data_root);

}  // namespace segoid::data
