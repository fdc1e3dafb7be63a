// SPDX-License-Identifier: MIT
// Shared between the cross-validation sources: fold folders, fold_result.yaml, results/.
#pragma once

#include <filesystem>
#include <string>
#include <vector>

#include "segoid/pipeline/cross_validation.hpp"

namespace segoid::pipeline {

/// <cv_dir>/folds/fold_N.
std::filesystem::path fold_dir(const CvConfig& config, int fold);
/// `parts` joined by `sep`.
std::string join(const std::vector<std::string>& parts, const std::string& sep);

/// Writes fold_result.yaml atomically (the marker of a finished fold, written last).
void write_fold_result(const std::filesystem::path& path, const FoldResult& result, const Fold& fold,
                       const std::filesystem::path& best_checkpoint);
/// Reads the metrics of a fold_result.yaml into `result`. Throws DataError naming the file.
void read_fold_result(const std::filesystem::path& path, FoldResult& result);

/// Fills n_completed and the Dice statistics from the folds that have results.
void finish_summary(CvSummary& summary);
/// Writes results/fold_metrics.csv, summary.yaml and REPORT.md (completed folds only).
void write_results(const CvSummary& summary, const CvConfig& config);

}  // namespace segoid::pipeline
