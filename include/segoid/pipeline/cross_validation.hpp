// SPDX-License-Identifier: MIT
// `segoid run_cv`: one full training run per fold, resumable, with fold metrics and a summary.
#pragma once

#include <atomic>
#include <cstdint>
#include <filesystem>
#include <functional>
#include <string>
#include <vector>

#include "segoid/core/config_table.hpp"
#include "segoid/train/train_config.hpp"

namespace segoid::pipeline {

/// How images are split into folds.
enum class CvStrategy {
  kLeaveOneOut,  ///< one fold per image, validated on that image
  kKFold,        ///< scikit-learn's KFold(n_folds, shuffle=True, random_state=seed)
};

/// "leave_one_out" / "k_fold".
std::string to_string(CvStrategy strategy);

/// `cv:` section of cv_config.yaml.
struct CvSection {
  CvStrategy strategy = CvStrategy::kLeaveOneOut;
  std::filesystem::path source_manifest = "data/splits/all.csv";  ///< all labelled images (all.csv)
  std::uint64_t seed = 42;  ///< k_fold shuffle seed: NumPy RandomState, 0 to 2^32 - 1
  int n_folds = 5;          ///< k_fold only
};

/// Everything `segoid run_cv` reads: the cv-only keys plus a train.yaml's sections.
struct CvConfig {
  CvSection cv;
  std::filesystem::path cv_dir = "runs/cv";  ///< `output.cv_dir`: folds/ and results/ go here
  /// Sections shared with train.yaml; data.train_manifest/val_manifest are set per fold.
  train::TrainConfig train;
};

/// Every key of cv_config.yaml: the cv-only rows plus train.yaml's, each in its section.
const core::ConfigTable<CvConfig>& cv_config_table();

/// Parses a cv_config.yaml (a Python SegOid file loads unchanged). The cv-only keys (cv.*,
/// output.cv_dir) are checked strictly here, the rest exactly as `segoid train` checks a
/// train.yaml. Throws ConfigError naming `origin` and the key (unknown keys suggest the nearest).
CvConfig parse_cv_config(const std::string& yaml_text, const std::string& origin);
/// Same from a file; throws IoError when unreadable.
CvConfig load_cv_config(const std::filesystem::path& path);

/// One fold: the basenames it validates on and trains on, each in manifest order.
struct Fold {
  int index = 0;
  std::vector<std::string> validation;
  std::vector<std::string> training;
};

/// Splits `basenames` (manifest order) into folds, as the Python SegOid does. leave_one_out: fold
/// i validates on image i. k_fold: the folds of scikit-learn's KFold(n_folds, shuffle=True,
/// random_state=seed) (NumPy's RandomState shuffles the rows; the first n % k folds hold
/// n / k + 1 images, the rest n / k). Throws ConfigError when there are fewer than 2 images, for
/// a seed above 2^32 - 1, or, for k_fold, when n_folds is < 2 or > the number of images.
std::vector<Fold> assign_folds(const std::vector<std::string>& basenames, CvStrategy strategy, int n_folds,
                               std::uint64_t seed);

/// How one call of run_cross_validation runs, beside the config.
struct CvOptions {
  std::filesystem::path config_path;  ///< the cv config, for messages and the resume hint
  /// 0-based folds to run; empty = all. Folds out of range are skipped with a warning (as the
  /// Python SegOid); ConfigError when none is left.
  std::vector<int> folds;
  /// Discard existing folds and results in cv_dir (needed when the fold assignment changed).
  bool force = false;
  std::filesystem::path weights_dir;  ///< torchvision encoder weights folder (see TrainOptions)
  std::filesystem::path cache_dir;    ///< per-machine speed-choice cache (see TrainOptions)
  /// Set (e.g. by a SIGINT handler) to stop the current fold with a resumable checkpoint.
  const std::atomic<bool>* interrupt = nullptr;
  /// Called after every optimizer step with (fold, 0-based epoch, 0-based step); for tests.
  std::function<void(int fold, int epoch, int step)> on_step_end;
};

/// How a fold's result was obtained in this call.
enum class FoldOutcome { kTrained, kResumed, kReused, kInterrupted, kNotRun };

/// One row of fold_metrics.csv.
struct FoldResult {
  int fold = 0;
  std::vector<std::string> validation;  ///< basenames
  double best_val_dice = 0.0;
  int best_epoch = 0;
  int epochs_completed = 0;
  double final_train_dice = 0.0;  ///< training Dice of the last epoch
  double minutes = 0.0;  ///< training wall time summed over epochs (across resumes)
  FoldOutcome outcome = FoldOutcome::kNotRun;
  std::filesystem::path run_dir;
};

/// What run_cross_validation did; `folds` holds every fold, in order.
struct CvSummary {
  std::vector<FoldResult> folds;
  int n_completed = 0;  ///< folds with a fold_result.yaml
  /// Over completed folds' best_val_dice: std is the sample std (n - 1; NaN for one fold).
  double mean_dice = 0.0, std_dice = 0.0, min_dice = 0.0, max_dice = 0.0;
  int best_fold = -1, worst_fold = -1;  ///< folds of max_dice / min_dice; -1 when none completed
  double total_minutes = 0.0;           ///< training time of the completed folds
  bool interrupted = false;
  std::string resume_command;  ///< set when interrupted
  std::filesystem::path results_dir;
};

/// Runs (or resumes) cross-validation. Writes <cv_dir>/folds/cv_meta.yaml, per fold
/// <cv_dir>/folds/fold_N/{train.csv,val.csv, a full train run folder, fold_result.yaml (last)},
/// and <cv_dir>/results/{fold_metrics.csv,summary.yaml,REPORT.md}, with the Python SegOid's keys
/// and columns first. Folds with a fold_result.yaml
/// are reused; a fold with checkpoints/interrupted.pth (or final_model.pth, or a periodic
/// checkpoint) resumes from it. Throws ConfigError when cv_meta.yaml records another fold
/// assignment or train config (unless options.force), DataError for a bad source manifest, and
/// whatever train_model throws.
CvSummary run_cross_validation(const CvConfig& config, const CvOptions& options);

/// The console table: one line per fold and the summary line.
std::string format_cv_summary(const CvSummary& summary, const CvConfig& config);

}  // namespace segoid::pipeline
