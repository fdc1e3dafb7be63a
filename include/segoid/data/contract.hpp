// SPDX-License-Identifier: MIT
// What curation (validate_dataset, make_splits) writes and later stages read: file names and
// manifest columns, declared once. Includes nothing of SegOid; any stage may include it.
#pragma once

#include <array>
#include <string_view>

namespace segoid::data::contract {

inline constexpr char kImagesDir[] = "images";  ///< <input-dir>/images/X.<ext>
inline constexpr char kMasksDir[] = "masks";    ///< <input-dir>/masks/X_mask.<ext>
inline constexpr char kMaskStemSuffix[] = "_mask";
/// The image's basename in a mask's file stem ("X_mask" -> "X"); empty when the stem is not
/// a name followed by kMaskStemSuffix.
constexpr std::string_view basename_of_mask_stem(std::string_view stem) {
  const std::string_view suffix = kMaskStemSuffix;
  if (stem.size() <= suffix.size() || stem.substr(stem.size() - suffix.size()) != suffix) return {};
  return stem.substr(0, stem.size() - suffix.size());
}
inline constexpr char kAllCsv[] = "all.csv";
inline constexpr char kQcReportCsv[] = "qc_report.csv";
inline constexpr char kCurateMetaYaml[] = "curate_meta.yaml";
inline constexpr char kTrainCsv[] = "train.csv";
inline constexpr char kValCsv[] = "val.csv";
inline constexpr char kTestCsv[] = "test.csv";
inline constexpr char kSplitMetaYaml[] = "split_meta.yaml";

// Manifest columns (all.csv, train/val/test.csv), the Python SegOid's names.
inline constexpr char kBasename[] = "basename";
inline constexpr char kImagePath[] = "image_path";
inline constexpr char kMaskPath[] = "mask_path";
inline constexpr char kMaskCoverage[] = "mask_coverage";
inline constexpr char kObjectCount[] = "object_count";
inline constexpr char kMeanDiameter[] = "mean_diameter";  ///< px, mean equivalent diameter of the mask's objects
inline constexpr char kEmptyConfirmed[] = "empty_confirmed";
inline constexpr char kDate[] = "date";
inline constexpr char kBatch[] = "batch";
inline constexpr char kOperator[] = "operator";
inline constexpr char kNotes[] = "notes";
/// The manifest columns in the Python SegOid's order; all are always written.
inline constexpr std::array<const char*, 11> kManifestColumns = {
    kBasename, kImagePath, kMaskPath, kMaskCoverage, kObjectCount, kMeanDiameter,
    kEmptyConfirmed, kDate, kBatch, kOperator, kNotes};
inline constexpr char kTrue[] = "True";    ///< booleans as pandas writes them
inline constexpr char kFalse[] = "False";

// qc_report.csv: the manifest columns, then Python's three, then SegOid's two.
inline constexpr char kValidationStatus[] = "validation_status";    ///< PASS / FAIL
inline constexpr char kValidationMessage[] = "validation_message";  ///< why it failed; empty on PASS
inline constexpr char kWarnings[] = "warnings";                     ///< "; "-separated
inline constexpr char kStatus[] = "status";                         ///< pass / fail / flagged
inline constexpr char kReason[] = "reason";
inline constexpr char kPass[] = "PASS";
inline constexpr char kFail[] = "FAIL";

}  // namespace segoid::data::contract
