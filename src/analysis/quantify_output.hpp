// SPDX-License-Identifier: MIT
// quantify_objects outputs: summary statistics and the CSV / YAML files (private to analysis).
#pragma once

#include "segoid/analysis/quantify.hpp"

namespace segoid::analysis {

/// The one row of summary.csv: contract::kSummaryColumns then kSummaryExtraColumns.
struct SummaryRow {
  long total_images = 0;        ///< images evaluated against truth (all measured images without truth)
  long total_pred_objects = 0;  ///< predicted objects of those images
  long total_gt_objects = 0;
  long total_tp = 0, total_fp = 0, total_fn = 0;
  double mean_precision = 0, mean_recall = 0, mean_f1 = 0;  ///< means over images (macro)
  double mean_matched_iou = 0;  ///< mean over images of their mean matched IoU
  long images_with_truth = 0;
  DetectionScores micro;        ///< from the summed counts
  double mean_centroid_shift = 0;  ///< px, over all matches; NaN when none
  double iou_threshold = 0;        ///< NaN when unknown (merge_metrics)
};

/// The detection columns of `row` from summed counts (micro scores follow from them) and the
/// per-image means (macro); quantify_objects and merge_metrics both fill the row this way.
void set_detection_totals(SummaryRow& row, long tp, long fp, long fn, const DetectionScores& macro);

/// Writes summary.csv (header + one row) atomically.
void write_summary_row(const std::filesystem::path& path, const SummaryRow& row);

/// Fills the totals of `summary` (object count, TP/FP/FN, micro/macro scores, means, median).
void finalize_summary(QuantifySummary& summary);

/// Writes every output file of run_quantify under summary.config.output_dir, atomically.
void write_quantify_outputs(const QuantifySummary& summary);

}  // namespace segoid::analysis
