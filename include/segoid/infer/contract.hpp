// SPDX-License-Identifier: MIT
// What predict_full writes and quantify, merge_metrics, sanity_check and the demo read: file
// names, suffixes and columns, declared once. Includes nothing of SegOid; any stage may include it.
#pragma once

#include <array>

namespace segoid::infer::contract {

inline constexpr char kPredMaskSuffix[] = "_pred_mask.tif";  ///< <basename>_pred_mask.tif, 0/255
inline constexpr char kPredProbSuffix[] = "_pred_prob.tif";  ///< <basename>_pred_prob.tif, float32
inline constexpr char kPixelMetricsCsv[] = "pixel_metrics.csv";
inline constexpr char kErrorsCsv[] = "errors.csv";  ///< also quantify's, same columns
inline constexpr char kPredictMetaYaml[] = "predict_meta.yaml";

// pixel_metrics.csv: Python's columns, then SegOid's.
inline constexpr char kImage[] = "image";  ///< the image's file name with extension
inline constexpr char kDice[] = "dice";
inline constexpr char kIou[] = "iou";
inline constexpr std::array<const char*, 3> kPixelMetricsColumns = {kImage, kDice, kIou};
inline constexpr char kBasename[] = "basename";  ///< SegOid's key (file name without extension)
inline constexpr char kPrecision[] = "precision";
inline constexpr char kRecall[] = "recall";
inline constexpr char kPredPixels[] = "pred_pixels";
inline constexpr char kTruePixels[] = "true_pixels";
inline constexpr std::array<const char*, 5> kPixelMetricsExtraColumns = {kBasename, kPrecision, kRecall, kPredPixels,
                                                                         kTruePixels};

// errors.csv
inline constexpr char kFile[] = "file";
inline constexpr char kErrorReason[] = "reason";

}  // namespace segoid::infer::contract
