// SPDX-License-Identifier: MIT
// `validate_dataset`: pairs images with masks, checks them, writes all.csv and qc_report.csv.
#pragma once

#include <filesystem>
#include <string>
#include <vector>

#include "segoid/core/unet_size.hpp"
#include "segoid/data/manifest.hpp"

namespace segoid::data {

/// Options of the curation step.
struct CurateConfig {
  /// Folder with images/ and masks/ (masks/<basename>_mask.<ext>). Manifest paths are written
  /// relative to its parent, the data root (data_root_of), as the Python SegOid does:
  /// "working/images/X.tif" for input_dir "data/working" and data_root "data".
  std::filesystem::path input_dir = "data/working";
  /// Where all.csv and qc_report.csv are written.
  std::filesystem::path output_dir = "data/splits";
  /// Basenames whose empty masks are true negatives (in addition to empty_confirmed in an
  /// existing <output_dir>/all.csv).
  std::vector<std::string> confirm_empty;
  /// Coverage (fraction) below which a non-empty mask gets a warning.
  double low_coverage_warning = 0.001;
  /// Coverage (fraction) above which a mask gets a warning.
  double high_coverage_warning = 0.60;
  /// Recommended patch = ceil(factor * median object diameter / multiple) * multiple (pixels).
  double patch_diameter_factor = 2.5;
  int patch_multiple = core::kUnetSizeMultiple;
};

enum class QcStatus { kPass, kFail, kFlagged };

/// "pass" / "fail" / "flagged".
std::string to_string(QcStatus status);

/// The verdict on one image (or on an orphan mask, which has an empty image_path).
struct QcEntry {
  ManifestRow row;
  QcStatus status = QcStatus::kPass;
  std::string reason;                 ///< why it failed or was flagged; empty on pass
  std::vector<std::string> warnings;  ///< e.g. coverage unusually low, two-level mask converted
  bool orphan_mask = false;           ///< a mask without an image
};

/// Everything validate_dataset found, in image-name order, orphan masks last.
struct ValidationReport {
  CurateConfig config;
  std::vector<QcEntry> entries;
  /// Equivalent diameters sqrt(4 area / pi) in pixels of every object in passing masks.
  std::vector<double> object_diameters_px;
  std::filesystem::path all_csv, qc_csv;

  int count(QcStatus status) const;
  int confirmed_empty() const;
  int orphan_masks() const;
  /// 0 when no entry failed (an unconfirmed empty mask is flagged, not failed: exit 0 as in the
  /// Python SegOid), 1 otherwise.
  int exit_code() const;
  /// Median object diameter (px), 0 without objects.
  double median_diameter_px() const;
  /// Recommended training patch side (px), 0 without objects.
  int recommended_patch_px() const;
};

/// The folder manifest paths are relative to: the parent of input_dir ("." when it has none).
std::filesystem::path data_root_of(const CurateConfig& config);

/// Checks every image in <input_dir>/images against its mask: present, same height and width,
/// binary (0/255; a two-level {0, v} mask is thresholded with a warning, more levels fail),
/// coverage, 8-connected object count, empty masks confirmed or flagged; orphan masks fail.
/// A file that cannot be read fails with the reason and does not stop the run. Writes
/// <output_dir>/all.csv (passing and flagged images: an unconfirmed empty mask is kept, with
/// empty_confirmed False, as the Python SegOid keeps it), qc_report.csv (every entry, with status, reason,
/// warnings) and curate_meta.yaml (options, version, counts, median_diameter_px,
/// recommended_patch_px). Images listed in <input_dir>/corrections_registry.csv (import_corrections)
/// get its source_model, corrector and date as the all.csv columns source_model, corrected_by and
/// corrected_at; the registry itself is only read. Throws IoError when images/ is missing or outputs cannot be written, DataError
/// when an existing all.csv is malformed.
ValidationReport validate_dataset(const CurateConfig& config);

/// The console summary: totals, coverage quartiles, objects per image, empties, median
/// diameter and recommended patch size, then one line per problem.
std::string format_validation_summary(const ValidationReport& report);

}  // namespace segoid::data
