// SPDX-License-Identifier: MIT
// The Fiji round trip of flagged predictions: a correction workspace out, validated masks back in.
#pragma once

#include <filesystem>
#include <string>
#include <vector>

namespace segoid::data {

/// File names shared by export, import and validate_dataset.
constexpr const char* kWorkspaceManifest = "manifest.csv";       ///< inside a correction workspace
constexpr const char* kCorrectionsRegistry = "corrections_registry.csv";  ///< inside data/working/

/// What `segoid export_for_correction` reads.
struct ExportCorrectionConfig {
  /// The flagged list: one image basename (stem) per line, as review_predictions --output-flagged
  /// and the Python SegOid write it, or a file name with its extension; or the flagged CSV beside
  /// it (column image_path). Blank lines and lines starting with '#' are skipped.
  std::filesystem::path flagged;
  std::filesystem::path image_dir;           ///< folder holding the flagged images (or use manifest)
  std::filesystem::path manifest;            ///< manifest CSV whose image_path column lists them
  std::filesystem::path data_root = "data";  ///< base of relative manifest paths
  std::filesystem::path pred_mask_dir;       ///< predict_full output: <basename>_pred_mask.tif
  std::filesystem::path output_dir;          ///< the workspace; must be new or empty unless force
  std::string source_model;                  ///< checkpoint that made the predictions (recorded); may be empty
  bool force = false;                        ///< replace an existing workspace's files
};

/// One image of a workspace (a row of its manifest.csv).
struct WorkspaceEntry {
  std::string basename;
  std::string image_file;           ///< images/<image_file>
  std::string predicted_mask_file;  ///< predicted_masks/<basename>_mask.tif
  std::string corrected_mask_file;  ///< corrected_masks/<basename>_mask.tif, where the user saves
  std::string status;               ///< "pending", "imported"
  std::string source_image;         ///< absolute path of the original image
  std::string source_model;
};

/// Writes images/ (copies), predicted_masks/<basename>_mask.tif (0/255, the editable starting
/// points), an empty corrected_masks/, manifest.csv (status "pending") and README.md with the Fiji
/// steps. Returns the entries. Throws ConfigError (inputs missing, output not empty without
/// force), IoError or DataError naming the file (a flagged image or its prediction not found).
std::vector<WorkspaceEntry> export_for_correction(const ExportCorrectionConfig& config);

/// Reads a workspace's manifest.csv. Throws IoError/DataError naming the file.
std::vector<WorkspaceEntry> read_workspace(const std::filesystem::path& workspace);

/// What `segoid import_corrections` reads.
struct ImportCorrectionConfig {
  std::filesystem::path workspace;                   ///< export_for_correction's output_dir
  std::filesystem::path target_dir = "data/working"; ///< images/ and masks/ land here
  std::string corrector;                             ///< who corrected the masks (recorded)
  std::string source_model;                          ///< overrides the workspace's source_model when set
};

/// What was imported.
struct ImportCorrectionResult {
  std::vector<std::string> imported;  ///< basenames copied into target_dir
  std::vector<std::string> pending;   ///< workspace images without a corrected mask yet
  std::filesystem::path registry;     ///< <target_dir>/corrections_registry.csv
};

/// Validates every file in <workspace>/corrected_masks/ and imports them all or none: each must be
/// named <basename>_mask.<tif|tiff|png> for a basename of the workspace, be a one-channel 8-bit
/// mask with values 0/255 only, have its image's width and height, or be a Fiji ROI set named
/// <basename>_RoiSet.zip whose area ROIs (filled as ImageJ fills them, io::fill_imagej_roi)
/// cover some of the image; and its basename must not
/// exist yet in target_dir (images/<basename>.* or masks/<basename>_mask.*). Then copies each
/// image to target_dir/images/ and writes its mask to target_dir/masks/<basename>_mask.tif,
/// appends one row per pair to the registry (basename, image_path, mask_path, source_model,
/// source_model_sha256, corrector, corrected_at, workspace) and marks the rows "imported" in the
/// workspace manifest. Throws DataError listing every problem, one line each naming the file;
/// ConfigError when there is nothing to import; IoError for unreadable files.
ImportCorrectionResult import_corrections(const ImportCorrectionConfig& config);

/// One row of the corrections registry.
struct ProvenanceRecord {
  std::string basename, image_path, mask_path, source_model, source_model_sha256, corrector, corrected_at, workspace;
};

/// Reads <dir>/corrections_registry.csv; empty when the file does not exist. Throws DataError
/// naming the file when it is malformed.
std::vector<ProvenanceRecord> read_corrections_registry(const std::filesystem::path& dir);

}  // namespace segoid::data
