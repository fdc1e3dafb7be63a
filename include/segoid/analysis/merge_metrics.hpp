// SPDX-License-Identifier: MIT
// `merge_metrics`: joins the metric tables of predict_full shards and quantify_objects folders into one.
#pragma once

#include <cstddef>
#include <filesystem>
#include <string>
#include <vector>

#include "segoid/analysis/instance_eval.hpp"

namespace segoid::analysis {

/// What to merge and where.
struct MergeConfig {
  std::vector<std::filesystem::path> inputs;  ///< folders written by predict_full (shards) or quantify_objects
  std::filesystem::path output_dir;           ///< receives the merged tables (may be one of the inputs)
};

/// One merged table.
struct MergedTable {
  std::string name;                           ///< output file name, e.g. "pixel_metrics.csv"
  std::vector<std::filesystem::path> sources;  ///< files it was joined from, in reading order
  std::size_t rows = 0;
};

/// Outcome of merge_metrics.
struct MergeResult {
  std::vector<MergedTable> tables;  ///< only tables with at least one source file
  int per_image_files = 0;          ///< per_image/*.csv copied
  bool summary_written = false;     ///< summary.csv recomputed from instance_eval rows
  long tp = 0, fp = 0, fn = 0;      ///< summed over instance_eval rows
  DetectionScores micro;            ///< from the summed counts
  DetectionScores macro;            ///< means of the per-image scores (undefined ones skipped)
};

/// Joins, over all input folders, `pixel_metrics*.csv` into output_dir/pixel_metrics.csv,
/// `errors*.csv` into errors.csv, `all_objects*.csv` and `instance_eval*.csv` into the same names
/// ("*" is empty or a ".shard-i-of-n" style infix), with rows sorted by their image column
/// (basename, image_basename or file) and then original order; copies per_image/*.csv; and,
/// when instance_eval rows exist, writes summary.csv (metric,value) with tp/fp/fn and micro and
/// macro precision/recall/F1. In output_dir, a plain `<stem>.csv` next to shard files of the same
/// table is an earlier merge and is not read; a plain one alone is input (merge in place).
/// Throws ConfigError for a missing folder or no tables at all, DataError naming both files for
/// differing headers or an image present in two files (IoError/DataError from reading). Writes
/// are atomic.
MergeResult merge_metrics(const MergeConfig& config);

/// Console lines: what was merged from where, and the recomputed detection scores.
std::string format_merge_result(const MergeResult& result, const MergeConfig& config);

}  // namespace segoid::analysis
