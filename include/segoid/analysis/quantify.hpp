// SPDX-License-Identifier: MIT
// `quantify_objects`: per-object measurements of predicted masks and, where ground truth exists,
// object-level detection scores. Reads predict_full's masks, writes CSVs and quantify_meta.yaml.
#pragma once

#include <filesystem>
#include <string>
#include <vector>

#include "segoid/analysis/instance_eval.hpp"
#include "segoid/core/config_table.hpp"
#include "segoid/analysis/region_props.hpp"

namespace segoid::analysis {

/// Everything quantify_objects needs; defaults match configs/quantify.yaml.
struct QuantifyConfig {
  std::filesystem::path pred_mask_dir;       ///< folder of <basename>_pred_mask.tif (predict_full output)
  std::filesystem::path gt_manifest;         ///< optional CSV with basename,mask_path columns; empty = none
  std::filesystem::path data_root = "data";  ///< base of relative manifest paths (the Python tool's default); "" = current folder
  std::filesystem::path output_dir = "metrics";  ///< where CSVs, quantify_meta.yaml and plots/ go
  int min_object_area = 100;                 ///< px; smaller 8-connected objects are dropped from
                                             ///< prediction AND ground truth before anything else
  double iou_threshold = 0.5;                ///< IoU in (0, 1]; matches below it are rejected
  /// µm per pixel for every image; 0 = pixels, as the Python SegOid without --pixel-size.
  double pixel_size_um = 0.0;
  /// Take each predicted mask's TIFF calibration instead (`--pixel-size auto`); images without
  /// one stay in pixels. pixel_size_source in the tables says which was used.
  bool pixel_size_from_tiff = false;
  bool generate_plots = true;                ///< write plots/ (done by report::run_quantify_report)
  bool write_roiset = false;                 ///< write rois/<basename>_RoiSet.zip: one Fiji polygon
                                             ///< ROI per object, named by its object_id
};

/// Every key of quantify.yaml (name, member, range or choices, help); see core/config_table.hpp.
const core::ConfigTable<QuantifyConfig>& quantify_config_table();

/// Reads a quantify YAML (keys input.{pred_mask_dir,gt_manifest,data_root},
/// analysis.{min_object_area,iou_match_threshold}, calibration.pixel_size_um,
/// output.{output_dir,generate_plots}). Unknown keys and out-of-range values throw ConfigError
/// naming the file and key; absent keys keep the defaults.
QuantifyConfig load_quantify_config(const std::filesystem::path& path);

/// Throws ConfigError unless the values are usable (pred_mask_dir set, ranges).
void validate_quantify_config(const QuantifyConfig& config);

/// Sets the pixel size from the text of --pixel-size or calibration.pixel_size_um: a number of
/// µm per pixel (> 0), "auto" (each mask's TIFF calibration) or "null"/"none"/"" (pixels).
/// Throws ConfigError naming `what` otherwise.
void set_pixel_size(QuantifyConfig& config, const std::string& text, const std::string& what);
/// The text set_pixel_size reads back: a number, "auto" or "null".
std::string pixel_size_text(const QuantifyConfig& config);

/// The measurements of one image.
struct ImageQuantification {
  std::string basename;
  std::filesystem::path pred_mask_path;
  std::filesystem::path true_mask_path;     ///< empty when the image has no ground truth
  std::vector<RegionProps> objects;         ///< predicted objects after the area filter
  bool has_truth = false;
  InstanceEval eval;                        ///< meaningful only when has_truth
  double pixel_size_um = 0.0;               ///< µm per px used for this image; 0 = uncalibrated
  std::string pixel_size_source;            ///< contract::kSourceOption / kSourceTiff / kSourceNone
};

/// A file that could not be processed; the others still are.
struct QuantifyFailure {
  std::string file;
  std::string reason;
};

/// What run_quantify measured, for the console summary and the plots.
struct QuantifySummary {
  QuantifyConfig config;                    ///< as resolved
  std::vector<ImageQuantification> images;  ///< in manifest order, else basename order
  int skipped_without_prediction = 0;       ///< manifest images with no predicted mask
  std::vector<QuantifyFailure> failures;    ///< also written to errors.csv
  long n_objects = 0;                       ///< predicted objects measured, all images
  long tp = 0, fp = 0, fn = 0;              ///< summed over images with ground truth
  DetectionScores micro;                    ///< from the summed counts
  DetectionScores macro;                    ///< mean of per-image scores
  double mean_matched_iou = 0;              ///< mean over images of their mean matched IoU (Python's)
  double pooled_matched_iou = 0;            ///< over all accepted matches; 0.0 when none
  double mean_centroid_shift = 0;           ///< px, over all accepted matches; NaN when none
  double median_equivalent_diameter = 0;    ///< px over all objects; NaN when none
  int images_with_truth = 0;
};

/// Measures the predicted masks in pred_mask_dir and writes, with the Python SegOid's columns
/// first (analysis/contract.hpp): per_image/<basename>_objects.csv and all_objects.csv
/// (write_object_table), instance_eval.csv (images with truth), summary.csv (one wide row),
/// summary_metrics.csv (SegOid's metric,value table; std is the sample std, n - 1),
/// quantify_meta.yaml and errors.csv (file,reason; header only when all went well); with
/// write_roiset, rois/<basename>_RoiSet.zip (analysis::write_object_roiset). Undefined
/// values (NaN: circularity of a 1-2 px object) are written as empty cells, which pandas and R
/// read as missing; undefined ratios follow core::scores_from_counts. Per-image CSVs of an earlier run for images not measured now are removed.
/// Without gt_manifest every prediction is measured. With one, as the Python SegOid: only the
/// manifest's images, in its order; a manifest image without a prediction is skipped with a
/// warning; those with a mask_path whose file exists are matched against it. Unlike the Python
/// tool, a manifest image without ground truth (no mask_path, or the file missing: a warning) is
/// still measured, without an instance_eval.csv row; the Python tool leaves it out (and exits 1
/// when no image has ground truth). An unreadable or mismatched file is recorded in `failures`
/// and skipped. Throws ConfigError/IoError when nothing can run (bad config, missing folder or
/// manifest).
QuantifySummary run_quantify(const QuantifyConfig& config);

/// A few human-readable lines: objects measured, detection P/R/F1 (micro, macro), mean matched
/// IoU, median diameter (µm too when calibrated).
std::string format_quantify_summary(const QuantifySummary& summary);

}  // namespace segoid::analysis
