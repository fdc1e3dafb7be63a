// SPDX-License-Identifier: MIT
// The trainer's steps, each taking only the session parts it reads (const) or changes (train-internal, torch).
#pragma once

#include <torch/torch.h>

#include <filesystem>
#include <vector>

#include "train_session.hpp"

namespace segoid::train {

// train_start.cpp
/// A fresh session for `config`, or (options.resume set) the state of that checkpoint: device,
/// layout, model, optimizer, schedule, the run folder with config.yaml and runtime.yaml.
Session start_session(const TrainConfig& config, const TrainOptions& options);
/// The training sampler (augmented) and the fixed validation patches (not augmented).
Data make_data(const TrainConfig& config, std::vector<data::TrainingImage> train_images,
               std::vector<data::TrainingImage> val_images);

// train_state.cpp
/// Writes a checkpoint of the session (atomic, via model::save_checkpoint) and remembers it in
/// outputs.last_checkpoint.
void save_session(Session& s, const std::filesystem::path& path);
/// Restores model, optimizer, scheduler, lr, progress and provenance from `path`.
void restore_session(const std::filesystem::path& path, const Setup& setup, Optimization& optimization,
                     Progress& progress, Provenance& provenance);
/// The layout a resumed run must keep: the one recorded in `checkpoint`'s training state, or
/// "channels_last" (what SegOid used on the CPU before recording it) for older checkpoints, or ""
/// for a Python SegOid checkpoint (none recorded).
std::string recorded_memory_format(const std::filesystem::path& checkpoint);

// train_epoch.cpp
/// Sets the optimizer's learning rate (every parameter group).
void apply_lr(Optimization& o, double lr);
/// Runs the remaining steps of training epoch `epoch` (0-based) from `partial`. Returns false when
/// interrupted (`partial` then holds the position); throws ModelError on a non-finite loss.
bool train_epoch(const Setup& setup, Optimization& o, const Data& data, const Outputs& outputs, int epoch,
                 PartialEpoch& partial);
/// The epoch's order of training items: a permutation drawn from (seed, epoch) only.
std::vector<std::int64_t> epoch_order(const TrainConfig& config, const Data& data, int epoch);

// batchnorm_recalibration.cpp
/// Training batches averaged by recalibrate_batchnorm.
constexpr int kRecalibrationBatches = 8;
/// Re-estimates every BatchNorm's running mean/variance as the equal-weight average over the
/// first kRecalibrationBatches training batches of epoch `epoch` (in `order`), under the
/// current weights, no grad. Deterministic in (seed, epoch). Called before each validation.
void recalibrate_batchnorm(const Setup& setup, model::Unet& model, const Data& data, int epoch,
                           const std::vector<std::int64_t>& order);

// train_validation.cpp
/// The record of the epoch just trained (progress.epochs_done, at learning rate `lr`): training
/// metrics of progress.partial, then BatchNorm recalibration and validation.
EpochRecord evaluate_epoch(const Setup& setup, model::Unet& model, const Data& data, const Progress& progress,
                           double lr);
/// Validation metrics of the fixed patch set (eval mode, no grad).
EpochMetrics validate(const Setup& setup, model::Unet& model, const Data& data);
/// Probabilities (CV_32FC1) of the model for `patches` (eval mode, no grad).
std::vector<cv::Mat> predict_patches(const Setup& setup, model::Unet& model, const std::vector<data::Patch>& patches);
/// An 8-bit gray strip of one sample, as the Python SegOid logs it: image | ground truth |
/// prediction (probability), each patch-sized.
cv::Mat sample_strip(const data::Patch& sample, const cv::Mat& probability);

// train_outputs.cpp
/// The result of a run before its first epoch here: its folder and, when resumed, the best checkpoint so far.
TrainResult start_result(const Setup& setup);
/// The epoch's log line; `eta_s` from run_eta_s.
void log_epoch(const TrainConfig& config, const EpochRecord& r, bool new_best, double eta_s);
/// Seconds left in the run at the mean epoch time of this invocation, at most what the time
/// budget leaves (plus the epoch it runs out in); early stopping cannot be foreseen.
double run_eta_s(const TrainConfig& config, int epochs_done, int epochs_this_run, double minutes_used);
/// After epoch `r`: val_metrics.csv, TensorBoard, best_model.pth (when `new_best`; recorded in
/// `result`), checkpoint_epoch_NNN.pth every periodic_interval epochs, and last.pth.
void write_epoch_outputs(Session& s, const EpochRecord& r, bool new_best, TrainResult& result);
/// Writes interrupted.pth and puts it and the command that resumes it into `result`.
void save_interrupted(Session& s, TrainResult& result);
/// Unless interrupted: removes interrupted.pth, writes final_model.pth (removing last.pth; and
/// the legacy .pt files of both names, in a run that began before the .pth format). Then
/// fills `result` from the progress.
void finish_run(Session& s, bool stopped_early, TrainResult& result);

// train_model_init.cpp, train_init_from.cpp
/// Random or ImageNet encoder initialisation per config.model (seeded by torch::manual_seed).
/// With ImageNet weights, `source` (when given) receives the file and its SHA-256.
model::Unet build_model(const TrainConfig& config, const std::filesystem::path& weights_dir,
                        model::EncoderWeightsSource* source = nullptr);
/// The model of config.model.init_checkpoint (any checkpoint kind, on the CPU), checked against
/// the config's architecture; `lineage` becomes that checkpoint (name, sha256, best val Dice) followed
/// by its own lineage. Throws ModelError (unreadable) or ConfigError (architecture differs).
model::Unet init_model_from(const TrainConfig& config, std::vector<model::ParentCheckpoint>& lineage);

}  // namespace segoid::train
