// SPDX-License-Identifier: MIT
// What a run writes beside its state: the epoch log line, val_metrics.csv, TensorBoard, the checkpoint files.
#include <fmt/format.h>
#include <spdlog/spdlog.h>

#include <algorithm>

#include "segoid/core/atomic_file.hpp"
#include "segoid/core/progress.hpp"
#include "segoid/train/contract.hpp"
#include "train_run_dir.hpp"
#include "trainer_internal.hpp"

namespace segoid::train {
namespace {

namespace fs = std::filesystem;

/// Scalars and, every image_interval epochs, an image | truth | prediction strip per validation sample.
void log_tensorboard(Session& s, const EpochRecord& r) {
  const TensorboardSection& tb = s.setup.config.tensorboard;
  if (!s.outputs.tensorboard || r.epoch % tb.log_interval != 0) return;
  io::TfEventsWriter& w = *s.outputs.tensorboard;
  w.add_scalar(contract::kTagLossTrain, r.train.loss, r.epoch);
  w.add_scalar(contract::kTagLossVal, r.val.loss, r.epoch);
  w.add_scalar(contract::kTagDiceTrain, r.train.dice, r.epoch);
  w.add_scalar(contract::kTagDiceVal, r.val.dice, r.epoch);
  w.add_scalar(contract::kTagIouTrain, r.train.iou, r.epoch);
  w.add_scalar(contract::kTagIouVal, r.val.iou, r.epoch);
  w.add_scalar(contract::kTagPrecisionVal, r.val.precision, r.epoch);
  w.add_scalar(contract::kTagRecallVal, r.val.recall, r.epoch);
  w.add_scalar(contract::kTagLearningRate, r.lr, r.epoch);
  if (tb.num_image_samples > 0 && (r.epoch % tb.image_interval == 0 || r.epoch == 1)) {
    // Spread the samples over the validation set (it is image-major, positives first per image).
    const std::vector<data::Patch>& val = s.data.val_patches;
    std::vector<data::Patch> samples;
    const std::size_t n = std::min<std::size_t>(tb.num_image_samples, val.size());
    for (std::size_t i = 0; i < n; ++i) samples.push_back(val[i * val.size() / n]);
    const std::vector<cv::Mat> probabilities = predict_patches(s.setup, s.optimization.model, samples);
    for (std::size_t i = 0; i < samples.size(); ++i) {
      w.add_image(fmt::format("{}{}{}", contract::kTagSamplePrefix, i, contract::kTagSampleSuffix),
                  sample_strip(samples[i], probabilities[i]), r.epoch);
    }
  }
  w.flush();
}

fs::path checkpoints_dir(const Setup& setup) { return setup.run_dir / contract::kCheckpointsDir; }

/// Removes `dir`/`name` and its legacy .pt form (a run begun before the .pth format).
void remove_with_legacy(const fs::path& dir, const std::string& name) {
  std::error_code ec;
  fs::remove(dir / name, ec);
  fs::remove((dir / name).replace_extension(contract::kLegacyCheckpointSuffix), ec);
}

}  // namespace

double run_eta_s(const TrainConfig& config, int epochs_done, int epochs_this_run, double minutes_used) {
  const double per_epoch_s = 60.0 * minutes_used / std::max(1, epochs_this_run);
  double eta = per_epoch_s * std::max(0, config.training.epochs - epochs_done);
  if (config.training.max_minutes > 0) {
    const double budget_left_s = std::max(0.0, 60.0 * (config.training.max_minutes - minutes_used));
    eta = std::min(eta, budget_left_s + (budget_left_s > 0 ? per_epoch_s : 0.0));
  }
  return eta;
}

void log_epoch(const TrainConfig& config, const EpochRecord& r, bool new_best, double eta_s) {
  spdlog::info("epoch {}/{}  loss {:.4f}  dice {:.4f} | val loss {:.4f}  dice {:.4f}  iou {:.4f}  "
               "precision {:.4f}  recall {:.4f} | lr {:.3g}  {}{}  run ETA {}",
               r.epoch, config.training.epochs, r.train.loss, r.train.dice, r.val.loss, r.val.dice, r.val.iou,
               r.val.precision, r.val.recall, r.lr, core::format_duration(r.seconds), new_best ? "  best" : "",
               core::format_duration(eta_s));
}

TrainResult start_result(const Setup& setup) {
  TrainResult result;
  result.run_dir = setup.run_dir;
  fs::path best = checkpoints_dir(setup) / contract::kBestModel;
  if (!fs::exists(best)) best.replace_extension(contract::kLegacyCheckpointSuffix);
  if (fs::exists(best)) result.best_checkpoint = best;
  return result;
}

void write_epoch_outputs(Session& s, const EpochRecord& r, bool new_best, TrainResult& result) {
  const CheckpointingSection& ck = s.setup.config.checkpointing;
  const fs::path dir = checkpoints_dir(s.setup);
  core::write_file_atomic(s.setup.run_dir / contract::kValMetricsCsv, metrics_csv(s.progress.history));
  log_tensorboard(s, r);
  if (ck.save_best && new_best) {
    save_session(s, dir / contract::kBestModel);
    result.best_checkpoint = dir / contract::kBestModel;
  }
  if (ck.save_periodic && r.epoch % ck.periodic_interval == 0) {
    save_session(s, dir / fmt::format("{}{:03d}{}", contract::kPeriodicModelPrefix, r.epoch, contract::kCheckpointSuffix));
  }
  save_session(s, dir / kLastCheckpointName);  // what a kill -9 resumes from
}

void save_interrupted(Session& s, TrainResult& result) {
  const fs::path path = checkpoints_dir(s.setup) / contract::kInterruptedModel;
  save_session(s, path);
  result.interrupted = true;
  result.interrupted_checkpoint = path;
  const fs::path& config_path = s.setup.options.config_path;
  result.resume_command = fmt::format("segoid train --config {} --resume {}",
                                      config_path.empty() ? "<config>" : config_path.string(), path.string());
}

void finish_run(Session& s, bool stopped_early, TrainResult& result) {
  const fs::path dir = checkpoints_dir(s.setup);
  if (!result.interrupted) {
    remove_with_legacy(dir, contract::kInterruptedModel);  // its state is superseded by the finished run
    if (s.setup.config.checkpointing.save_final) {
      save_session(s, dir / contract::kFinalModel);
      result.final_checkpoint = dir / contract::kFinalModel;
      remove_with_legacy(dir, kLastCheckpointName);  // final_model.pth holds the same state
    }
  }
  result.epochs_completed = s.progress.epochs_done;
  result.best_epoch = s.progress.best_epoch;
  result.best_val_dice = std::max(0.0, s.progress.best_val_dice);
  result.early_stopped = stopped_early;
  result.memory_format = s.setup.memory_format;
  result.history = s.progress.history;
}

}  // namespace segoid::train
