// SPDX-License-Identifier: MIT
// `segoid sanity_check` (phase 1.5): a short training run on a subset, whole-image predictions,
// overlays and a GO / NO-GO verdict from the config's exit criteria.
#pragma once

#include <atomic>
#include <filesystem>
#include <string>
#include <vector>

#include "segoid/core/config_table.hpp"
#include "segoid/train/train_config.hpp"

namespace segoid::pipeline {

/// The sanity check's own keys; everything else in the file is a train.yaml section.
struct SanityCriteria {
  double data_fraction = 1.0;                ///< `data.data_fraction`: share of training images (>= 5 kept)
  bool save_overlays = true;                 ///< `output.save_overlays`
  int num_overlay_samples = -1;              ///< `output.num_overlay_samples`; -1 (null) = all validation images
  double min_dice_improvement = 0.0;         ///< `exit_criteria.min_dice_improvement`: final val Dice must exceed it
  double spatial_coherence_threshold = 0.2;  ///< `exit_criteria.spatial_coherence_threshold` (val Dice)
  double max_centroid_shift_px = 5.0;        ///< `exit_criteria.max_centroid_shift_px`: systematic offset bound
};

/// A sanity_check.yaml: train.yaml's sections with the criteria beside them, read from one node.
struct SanityConfig {
  train::TrainConfig train;
  SanityCriteria criteria;
};

/// Every key of sanity_check.yaml: train.yaml's rows plus the criteria's, each in its section.
const core::ConfigTable<SanityConfig>& sanity_config_table();

/// Reads and validates a sanity_check.yaml (a Python SegOid file loads unchanged). Throws IoError
/// when unreadable, ConfigError naming the file and key (unknown keys suggest the nearest).
SanityConfig load_sanity_config(const std::filesystem::path& path);

/// How to run the check (the config's keys come from the file and its rows' flags).
struct SanityOptions {
  /// Replace a non-empty run folder that is not an earlier sanity check (one is always replaced).
  bool force = false;
  std::filesystem::path weights_dir;
  std::filesystem::path cache_dir;  ///< per-machine speed-choice cache (empty: measure, do not cache)
  const std::atomic<bool>* interrupt = nullptr;
};

/// One exit criterion and whether it held.
struct SanityCheckItem {
  std::string name;
  bool passed = false;
  std::string detail;  ///< measured value against the bound
};

struct SanityResult {
  std::filesystem::path run_dir;
  std::vector<SanityCheckItem> checks;
  bool go = false;
  double first_train_loss = 0, last_train_loss = 0, final_val_dice = 0, image_dice = 0;
  double mean_centroid_shift_px = 0;
  int matched_objects = 0;
  std::vector<std::filesystem::path> overlays;
  std::filesystem::path loss_curve_png;
};

/// Runs the check as `config` (read from `config_path`, then maybe changed by flags) says and
/// writes into output.run_dir: config.yaml, checkpoints/, val_metrics.csv, loss_curve.csv,
/// loss_curve.png, predictions/ (tiled whole validation images), overlays/<basename>_overlay.png
/// (truth green, prediction red) and sanity_report.yaml.
/// Throws ConfigError (config, existing folder without force), IoError, DataError, ModelError.
SanityResult run_sanity_check(const SanityConfig& config, const std::filesystem::path& config_path,
                              const SanityOptions& options);
/// The same for the file at `config_path` as it is.
SanityResult run_sanity_check(const std::filesystem::path& config_path, const SanityOptions& options);

/// Human-readable verdict block (GO / NO-GO with reasons).
std::string format_sanity_result(const SanityResult& result);

}  // namespace segoid::pipeline
