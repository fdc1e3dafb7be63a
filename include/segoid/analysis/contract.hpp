// SPDX-License-Identifier: MIT
// What quantify_objects writes and merge_metrics, extract_metrics, the report and the demo read:
// file names and columns, declared once. Includes nothing of SegOid; any stage may include it.
#pragma once

#include <array>

namespace segoid::analysis::contract {

inline constexpr char kPerImageDir[] = "per_image";
inline constexpr char kObjectsSuffix[] = "_objects.csv";  ///< per_image/<basename>_objects.csv
inline constexpr char kAllObjectsCsv[] = "all_objects.csv";
inline constexpr char kInstanceEvalCsv[] = "instance_eval.csv";
inline constexpr char kSummaryCsv[] = "summary.csv";                 ///< one wide row (Python's layout)
inline constexpr char kSummaryMetricsCsv[] = "summary_metrics.csv";  ///< SegOid's long metric,value table
inline constexpr char kQuantifyMetaYaml[] = "quantify_meta.yaml";
inline constexpr char kPlotsDir[] = "plots";
inline constexpr char kSummaryPlotsPng[] = "summary_plots.png";  ///< Python's combined figure

// Per-object tables (per_image/*, all_objects.csv): Python's columns in its order.
// With a pixel size, area is µm² and the lengths are µm; the pixel values follow in *_px.
inline constexpr char kObjectId[] = "object_id";
inline constexpr char kArea[] = "area";
inline constexpr char kPerimeter[] = "perimeter";
inline constexpr char kEquivalentDiameter[] = "equivalent_diameter";
inline constexpr char kMajorAxisLength[] = "major_axis_length";
inline constexpr char kMinorAxisLength[] = "minor_axis_length";
inline constexpr char kEccentricity[] = "eccentricity";
inline constexpr char kCircularity[] = "circularity";
inline constexpr char kCentroidX[] = "centroid_x";  ///< px, column
inline constexpr char kCentroidY[] = "centroid_y";  ///< px, row
inline constexpr char kBboxMinRow[] = "bbox_min_row";
inline constexpr char kBboxMinCol[] = "bbox_min_col";
inline constexpr char kBboxMaxRow[] = "bbox_max_row";  ///< exclusive, as scikit-image
inline constexpr char kBboxMaxCol[] = "bbox_max_col";
inline constexpr char kImage[] = "image";  ///< the image's basename
inline constexpr std::array<const char*, 15> kObjectColumns = {
    kObjectId,   kArea,       kPerimeter,  kEquivalentDiameter, kMajorAxisLength, kMinorAxisLength,
    kEccentricity, kCircularity, kCentroidX, kCentroidY, kBboxMinRow, kBboxMinCol,
    kBboxMaxRow, kBboxMaxCol, kImage};
/// Suffix of the pixel-valued copies of the calibrated columns (area_px, perimeter_px, ...).
inline constexpr char kPxSuffix[] = "_px";
inline constexpr char kPixelSizeUm[] = "pixel_size_um";          ///< µm per px used; empty when none
inline constexpr char kPixelSizeSource[] = "pixel_size_source";  ///< see kSource*
inline constexpr char kSourceOption[] = "option";                ///< --pixel-size / calibration.pixel_size_um
inline constexpr char kSourceTiff[] = "tiff";                    ///< the predicted mask's resolution tags
inline constexpr char kSourceNone[] = "none";                    ///< uncalibrated: values in px
inline constexpr char kMatchedTrueLabel[] = "matched_true_label";
inline constexpr char kMatchIou[] = "match_iou";

// instance_eval.csv: Python's columns, then SegOid's.
inline constexpr char kTp[] = "tp";
inline constexpr char kFp[] = "fp";
inline constexpr char kFn[] = "fn";
inline constexpr char kPrecision[] = "precision";
inline constexpr char kRecall[] = "recall";
inline constexpr char kF1[] = "f1";
inline constexpr char kMeanMatchedIou[] = "mean_matched_iou";
inline constexpr char kNPred[] = "n_pred";
inline constexpr char kNGt[] = "n_gt";
inline constexpr std::array<const char*, 10> kInstanceEvalColumns = {kTp,     kFp,    kFn,   kPrecision, kRecall,
                                                                     kF1,     kMeanMatchedIou, kNPred, kNGt, kImage};
inline constexpr char kMeanCentroidShiftPx[] = "mean_centroid_shift_px";

// summary.csv: one row; Python's columns, then SegOid's.
inline constexpr std::array<const char*, 10> kSummaryColumns = {
    "total_images",   "total_pred_objects", "total_gt_objects", "total_tp", "total_fp",
    "total_fn",       "mean_precision",     "mean_recall",      "mean_f1",  kMeanMatchedIou};
inline constexpr char kImagesWithTruth[] = "images_with_truth";
inline constexpr char kMicroPrecision[] = "micro_precision";  ///< from the summed counts
inline constexpr char kMicroRecall[] = "micro_recall";
inline constexpr char kMicroF1[] = "micro_f1";
inline constexpr char kIouMatchThreshold[] = "iou_match_threshold";
inline constexpr std::array<const char*, 6> kSummaryExtraColumns = {
    kImagesWithTruth, kMicroPrecision, kMicroRecall, kMicroF1, kMeanCentroidShiftPx, kIouMatchThreshold};

}  // namespace segoid::analysis::contract
