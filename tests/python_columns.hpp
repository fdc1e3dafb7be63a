// SPDX-License-Identifier: MIT
// The Python SegOid's columns of every file it writes, in its order, spelled out literally: the
// one place in the tests where they appear (issue 10). Schema tests compare written headers with
// these, so a renamed or reordered contract column fails here.
#pragma once

#include <string>
#include <vector>

#include "segoid/io/csv.hpp"

namespace segoid::test::python {

inline const std::vector<std::string> kAllCsv = {"basename",      "image_path",      "mask_path", "mask_coverage",
                                                 "object_count",  "mean_diameter",   "empty_confirmed",
                                                 "date",          "batch",           "operator",  "notes"};
/// qc_report.csv: the manifest columns, then these.
inline const std::vector<std::string> kQcReportTail = {"validation_status", "validation_message", "warnings"};
inline const std::vector<std::string> kPixelMetrics = {"image", "dice", "iou"};
inline const std::vector<std::string> kObjects = {
    "object_id",    "area",        "perimeter",  "equivalent_diameter", "major_axis_length",
    "minor_axis_length", "eccentricity", "circularity", "centroid_x", "centroid_y",
    "bbox_min_row", "bbox_min_col", "bbox_max_row", "bbox_max_col", "image"};
inline const std::vector<std::string> kInstanceEval = {"tp",        "fp", "fn", "precision", "recall",
                                                       "f1",        "mean_matched_iou", "n_pred", "n_gt", "image"};
inline const std::vector<std::string> kSummary = {"total_images",   "total_pred_objects", "total_gt_objects",
                                                  "total_tp",       "total_fp",           "total_fn",
                                                  "mean_precision", "mean_recall",        "mean_f1",
                                                  "mean_matched_iou"};
inline const std::vector<std::string> kFoldMetrics = {"fold",         "val_image",        "best_val_dice",
                                                      "best_epoch",   "final_train_dice", "training_time_min"};

/// The first columns of `header` (as many as `python` has).
inline std::vector<std::string> leading(const std::vector<std::string>& header, std::size_t count) {
  return {header.begin(), header.begin() + static_cast<std::ptrdiff_t>(std::min(count, header.size()))};
}

}  // namespace segoid::test::python
