// SPDX-License-Identifier: MIT
// Training progress: where the run is and how it went, as the checkpoint's training state holds it.
#pragma once

#include <nlohmann/json_fwd.hpp>

#include <cstdint>
#include <vector>

#include "segoid/model/checkpoint_info.hpp"
#include "segoid/train/early_stopping.hpp"
#include "segoid/train/metrics.hpp"
#include "segoid/train/trainer.hpp"

namespace segoid::train {

/// Progress inside the epoch `epochs_done` (0-based), so an interrupted epoch resumes exactly.
struct PartialEpoch {
  int next_step = 0;          ///< first step not yet taken
  double loss_sum = 0.0;      ///< sum over patches of the loss
  std::int64_t patches = 0;
  ConfusionCounts counts;
  double seconds = 0.0;       ///< wall time spent in this epoch so far
  double data_seconds = 0.0;
};

/// Epochs done, the epoch in progress, the best score and the history: what the loop advances
/// once per epoch (PartialEpoch once per step) and what resuming restores.
struct Progress {
  Progress(int patience, double min_delta) : early_stopping(patience, min_delta) {}

  int epochs_done = 0;
  PartialEpoch partial;
  double best_val_dice = -1.0;  ///< -1 until the first validation
  int best_epoch = 0;
  std::vector<EpochRecord> history;
  EarlyStopping early_stopping;  ///< on val Dice; stepped by the loop only when enabled
};

/// Closes the epoch `r` (1-based, = epochs_done + 1): appends it to the history, counts it done,
/// clears the partial epoch. Returns true when its val Dice is a new best (then recorded).
bool record_epoch(Progress& p, const EpochRecord& r);

/// Writes what `p` holds into a checkpoint: info's epoch, best_epoch, best_val_dice (0 before the
/// first validation) and history, and the training-state keys best_val_dice, early_stopping and
/// partial_epoch of `state`.
void progress_to_checkpoint(const Progress& p, model::CheckpointInfo& info, nlohmann::json& state);
/// Reads it back into `p` (whose early stopping keeps the config's patience and min_delta).
/// Throws nlohmann::json::exception (state) or ModelError (history, early stopping) when malformed.
void progress_from_checkpoint(const model::CheckpointInfo& info, const nlohmann::json& state, Progress& p);

}  // namespace segoid::train
