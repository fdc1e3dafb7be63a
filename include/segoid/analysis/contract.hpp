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
// SegOid's shape measures, after all of the above (object_table_header has the order). With a
// pixel size the Feret diameters are µm and the volumes µm³, their pixel values in *_px.
inline constexpr char kSolidity[] = "solidity";
inline constexpr char kConvexity[] = "convexity";
inline constexpr char kFeretDiameterMax[] = "feret_diameter_max";
inline constexpr char kFeretDiameterMin[] = "feret_diameter_min";
inline constexpr char kVolumeSphere[] = "volume_sphere";        ///< pi/6 d³ of the equivalent diameter
inline constexpr char kVolumeEllipsoid[] = "volume_ellipsoid";  ///< prolate: pi/6 major minor²
/// Fiji ROI sets of quantify_objects/extract_metrics --roiset: rois/<basename>_RoiSet.zip.
inline constexpr char kRoiDir[] = "rois";
inline constexpr char kRoiSetSuffix[] = "_RoiSet.zip";

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

// plate_summary: its files (in --output-dir) and the columns other tools read.
inline constexpr char kPerWellCsv[] = "per_well.csv";          ///< one row per plate, well and time point
inline constexpr char kGrowthCsv[] = "growth.csv";             ///< one row per well
inline constexpr char kDoseResponseCsv[] = "dose_response.csv";  ///< one row per compound and readout
inline constexpr char kConditionsCsv[] = "conditions.csv";     ///< one row per condition and time point
inline constexpr char kPlateImagesCsv[] = "per_image.csv";     ///< the measured images with their well and time
inline constexpr char kPlateObjectsCsv[] = "objects.csv";      ///< all_objects.csv joined with well and time
inline constexpr char kUnmatchedNamesCsv[] = "unmatched_names.csv";  ///< images left out, with the reason
inline constexpr char kPlateSummaryMetaYaml[] = "plate_summary_meta.yaml";
inline constexpr char kPlateReportHtml[] = "plate_report.html";
inline constexpr char kPlate[] = "plate";
inline constexpr char kWell[] = "well";      ///< normalised "A01"
inline constexpr char kRow[] = "row";        ///< 1-based
inline constexpr char kColumn[] = "column";  ///< 1-based
inline constexpr char kField[] = "field";
inline constexpr char kTimeH[] = "time_h";
// Layout columns with a meaning (any others are carried along as conditions).
inline constexpr char kCompound[] = "compound";
inline constexpr char kConcentration[] = "concentration";
inline constexpr char kReplicate[] = "replicate";
inline constexpr char kPlateFormat[] = "plate_format";
// Readouts per well (growth.csv) that dose_response.csv fits.
inline constexpr char kGrowthRate[] = "growth_rate";          ///< 1/h: slope of ln(spheroid area) over time_h
inline constexpr char kRelativeArea[] = "relative_area";      ///< spheroid area at the last time point / first
inline constexpr char kRelativeVolume[] = "relative_volume";  ///< same for the sphere volume
inline constexpr std::array<const char*, 9> kDoseResponseColumns = {
    kCompound, "readout", "ic50", "hill", "top", "bottom", "ic50_low", "ic50_high", "converged"};

}  // namespace segoid::analysis::contract
