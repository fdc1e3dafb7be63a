// SPDX-License-Identifier: MIT
// `segoid train`: the training loop with run folder, checkpoints, metrics, TensorBoard and resume.
#pragma once

#include <atomic>
#include <filesystem>
#include <functional>
#include <set>
#include <string>
#include <vector>

#include "segoid/data/training_images.hpp"
#include "segoid/train/metrics.hpp"
#include "segoid/train/train_config.hpp"

namespace segoid::train {

/// How one call of train_model runs, beside the config.
struct TrainOptions {
  std::filesystem::path config_path;  ///< the config file, for messages (the resume hint)
  /// Checkpoint to continue from (interrupted.pth, last.pth, best_model.pth, checkpoint_epoch_NNN.pth,
  /// their legacy .pt forms, or a Python SegOid .pth with its optimizer state; find_resume_checkpoint
  /// picks one for a run folder). The run continues in that checkpoint's run folder.
  std::filesystem::path resume;
  /// Run folder to use instead of <config.run_dir>/train_YYYYMMDD_HHMMSS (created if needed).
  std::filesystem::path run_dir;
  /// Folder with torchvision encoder weights (resnet18*.pth, ...), from $SEGOID_WEIGHTS_DIR.
  std::filesystem::path weights_dir;
  /// Folder of the per-machine speed-choice cache (choices.json); empty = measure, do not cache.
  /// cli/ passes $XDG_CACHE_HOME/segoid or ~/.cache/segoid.
  std::filesystem::path cache_dir;
  /// Set (e.g. by a SIGINT handler) to stop after the current step with a resumable checkpoint.
  const std::atomic<bool>* interrupt = nullptr;
  /// Called after every optimizer step with (0-based epoch, 0-based step in the epoch); for tests.
  std::function<void(int epoch, int step)> on_step_end;
  /// Inherited keys (fine_tune.hpp) a run from model.init_checkpoint may set to another value than
  /// its parent's (`train --allow-change KEY`); any other conflict is refused.
  std::set<std::string> allowed_changes;
};

/// One row of val_metrics.csv.
struct EpochRecord {
  int epoch = 0;          ///< 1-based
  double lr = 0.0;        ///< learning rate used during the epoch
  EpochMetrics train;
  EpochMetrics val;
  double seconds = 0.0;       ///< wall time of the epoch (training + validation)
  double data_seconds = 0.0;  ///< time the training loop waited for batches
};

/// What a run produced.
struct TrainResult {
  std::filesystem::path run_dir;
  std::filesystem::path best_checkpoint;        ///< empty when save_best is off
  std::filesystem::path final_checkpoint;       ///< empty when save_final is off or interrupted
  std::filesystem::path interrupted_checkpoint; ///< set when the run was interrupted
  std::string resume_command;                   ///< how to continue an interrupted run
  int epochs_completed = 0;
  int best_epoch = 0;
  double best_val_dice = 0.0;
  bool early_stopped = false;
  bool interrupted = false;
  bool time_budget_reached = false;  ///< stopped by training.max_minutes
  std::string memory_format;         ///< layout trained in: contiguous | channels_last
  std::vector<EpochRecord> history;  ///< every epoch of the run, including those before a resume
};

/// Trains a U-Net as `config` says on the images of its train and validation manifests and
/// writes the run folder: config.yaml, checkpoints/{best_model,checkpoint_epoch_NNN,final_model}.pth,
/// val_metrics.csv, tensorboard/. Every random choice derives from config.seed: on CPU with the
/// same threads, a run interrupted and resumed ends with the same weights as an uninterrupted one.
/// Throws ConfigError, IoError, DataError (manifests, images) or ModelError (weights, divergence).
TrainResult train_model(const TrainConfig& config, const TrainOptions& options);

/// Same, on images already in memory (the manifests in `config.data` are not read).
TrainResult train_on_images(const TrainConfig& config, const TrainOptions& options,
                            std::vector<data::TrainingImage> train_images,
                            std::vector<data::TrainingImage> val_images);

/// The checkpoint written (atomically) after every epoch in <run>/checkpoints/: the state a
/// SIGKILL, an out-of-memory kill or a power cut falls back to. Removed once final_model.pth is written.
inline constexpr const char* kLastCheckpointName = "last.pth";

/// The newest intact training state in `run_dir`/checkpoints: the most epochs (then steps) done
/// among interrupted.pth, last.pth, final_model.pth and the newest checkpoint_epoch_NNN.pth, falling
/// back to best_model.pth and older periodic ones when those are unreadable (each skipped file is
/// logged); the legacy .pt files of the same names count alike. Removes temporary files of killed writers first. Empty when there is none.
std::filesystem::path find_resume_checkpoint(const std::filesystem::path& run_dir);

/// The resolved config embedded in a checkpoint written by train_model (for `--resume` without
/// `--config`). Throws ModelError naming the file when it has none.
TrainConfig config_from_checkpoint(const std::filesystem::path& checkpoint);

}  // namespace segoid::train
