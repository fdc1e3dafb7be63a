// SPDX-License-Identifier: MIT
// What run_cv writes into its cv_dir: folder and file names and fold_metrics.csv's columns,
// declared once. Includes nothing of SegOid; any stage may include it.
#pragma once

#include <array>

namespace segoid::pipeline::contract {

inline constexpr char kFoldsDir[] = "folds";      ///< folds/fold_N/: one training run each
inline constexpr char kResultsDir[] = "results";  ///< fold_metrics.csv, summary.yaml, REPORT.md
inline constexpr char kFoldResultYaml[] = "fold_result.yaml";
inline constexpr char kCvMetaYaml[] = "cv_meta.yaml";  ///< in folds/, as the Python SegOid
inline constexpr char kCvConfigSnapshot[] = "cv_config.yaml";  ///< the config as given
inline constexpr char kFoldMetricsCsv[] = "fold_metrics.csv";
inline constexpr char kCvSummaryYaml[] = "summary.yaml";

/// The one validation image of a fold: a fold_metrics.csv column ("N images" for several, as
/// Python writes it) and, for leave_one_out, a key of each fold in cv_meta.yaml.
inline constexpr char kValImage[] = "val_image";
/// results/fold_metrics.csv: the Python SegOid's columns; training_time_min is minutes.
inline constexpr std::array<const char*, 6> kFoldMetricsColumns = {
    "fold", kValImage, "best_val_dice", "best_epoch", "final_train_dice", "training_time_min"};
inline constexpr char kEpochsCompleted[] = "epochs_completed";  ///< SegOid's extra columns
inline constexpr char kValImages[] = "val_images";  ///< every validation image, separated by ';'

}  // namespace segoid::pipeline::contract
