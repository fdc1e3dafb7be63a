// SPDX-License-Identifier: MIT
// State of one training session shared by the trainer's source files (train-internal, torch).
#pragma once

#include <torch/torch.h>

#include <filesystem>
#include <memory>
#include <vector>

#include "segoid/data/patch_sampler.hpp"
#include "segoid/io/tfevents_writer.hpp"
#include "segoid/model/model_info.hpp"
#include "segoid/model/encoder_weights.hpp"
#include "segoid/model/unet.hpp"
#include "grad_scaler.hpp"
#include "segoid/train/early_stopping.hpp"
#include "segoid/train/lr_scheduler.hpp"
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

/// Everything the loop mutates. Built by start_session, saved whole in every checkpoint.
struct Session {
  TrainConfig config;
  TrainOptions options;
  torch::Device device{torch::kCPU};
  bool autocast = false;  ///< float16 autocast (CUDA + mixed_precision)
  std::string memory_format = "contiguous";  ///< weights and batches: contiguous | channels_last
  model::Unet model{nullptr};
  std::unique_ptr<torch::optim::AdamW> optimizer;
  std::unique_ptr<ReduceLrOnPlateau> scheduler;
  std::unique_ptr<EarlyStopping> early_stopping;
  std::unique_ptr<GradScaler> scaler;  ///< dynamic loss scaling, with autocast only
  double lr = 0.0;
  int epochs_done = 0;
  PartialEpoch partial;
  double best_val_dice = -1.0;  ///< -1 until the first validation
  int best_epoch = 0;
  std::vector<EpochRecord> history;
  std::filesystem::path run_dir;
  std::filesystem::path last_checkpoint;  ///< last file written, named in error messages
  model::EncoderWeightsSource encoder_weights;  ///< the ImageNet file the encoder started from, if any
  std::unique_ptr<io::TfEventsWriter> tensorboard;
  std::unique_ptr<data::PatchSampler> train_sampler;
  std::vector<data::Patch> val_patches;
  std::vector<model::ParentCheckpoint> lineage;  ///< model.init_checkpoint and its ancestors; saved in checkpoints
};

/// Sets the optimizer's learning rate (every parameter group).
void apply_lr(Session& s, double lr);

/// Writes a checkpoint of the whole session to `path` (atomic, via model::save_checkpoint).
void save_session(Session& s, const std::filesystem::path& path);
/// Restores model, optimizer, scheduler, early stopping, history and partial epoch from `path`.
void restore_session(Session& s, const std::filesystem::path& path);

/// Runs the remaining steps of training epoch `s.epochs_done`. Returns false when interrupted
/// (s.partial then holds the position); throws ModelError on a non-finite loss.
bool train_epoch(Session& s);
/// Training batches averaged by recalibrate_batchnorm.
constexpr int kRecalibrationBatches = 8;
/// Re-estimates every BatchNorm's running mean/variance as the equal-weight average over the
/// first kRecalibrationBatches training batches of epoch `s.epochs_done` (in `order`), under the
/// current weights, no grad. Deterministic in (seed, epoch). Called before each validation.
void recalibrate_batchnorm(Session& s, const std::vector<std::int64_t>& order);
/// The epoch's order of training items: a permutation drawn from (seed, epoch) only.
std::vector<std::int64_t> epoch_order(const Session& s, int epoch);
/// Validation metrics of the fixed patch set (eval mode, no grad).
EpochMetrics validate(Session& s);
/// Probabilities (CV_32FC1) of the model for `patches` (eval mode, no grad).
std::vector<cv::Mat> predict_patches(Session& s, const std::vector<data::Patch>& patches);
/// An 8-bit gray panel: one row per sample, image | ground truth | prediction (probability).
cv::Mat make_panel(const std::vector<data::Patch>& samples, const std::vector<cv::Mat>& probabilities);

/// Random or ImageNet encoder initialisation per config.model (seeded by torch::manual_seed).
/// With ImageNet weights, `source` (when given) receives the file and its SHA-256.
model::Unet build_model(const TrainConfig& config, const std::filesystem::path& weights_dir,
                        model::EncoderWeightsSource* source = nullptr);
/// The model of config.model.init_checkpoint (SegOid .pt or Python .pth, on the CPU), checked against
/// the config's architecture; `lineage` becomes that checkpoint (name, sha256, best val Dice) followed
/// by its own lineage. Throws ModelError (unreadable) or ConfigError (architecture differs).
model::Unet init_model_from(const TrainConfig& config, std::vector<model::ParentCheckpoint>& lineage);

/// The layout a resumed run must keep: the one recorded in `checkpoint`'s training state, or
/// "channels_last" (what SegOid used on the CPU before recording it) for older checkpoints.
std::string recorded_memory_format(const std::filesystem::path& checkpoint);

}  // namespace segoid::train
