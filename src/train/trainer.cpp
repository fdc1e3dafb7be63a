// SPDX-License-Identifier: MIT
// The training session: set-up, the epoch loop, checkpoints, metrics files and TensorBoard.
#include "segoid/train/trainer.hpp"

#include <fmt/format.h>
#include <spdlog/spdlog.h>

#include <algorithm>
#include <chrono>

#include "segoid/core/atomic_file.hpp"
#include "segoid/core/error.hpp"
#include "segoid/core/cpu_info.hpp"
#include "segoid/core/progress.hpp"
#include "segoid/model/layout_choice.hpp"
#include "segoid/model/torch_runtime.hpp"
#include "segoid/train/contract.hpp"
#include "train_run_dir.hpp"
#include "trainer_internal.hpp"

namespace segoid::train {
namespace {

namespace fs = std::filesystem;

data::SamplingConfig sampling_config(const TrainConfig& c) {
  data::SamplingConfig s;
  s.patch_size = c.dataset.patch_size;
  s.patches_per_image = c.dataset.patches_per_image;
  s.positive_ratio = c.dataset.positive_ratio;
  s.negative_threshold = c.dataset.negative_threshold;
  s.max_jitter = c.dataset.max_jitter;
  return s;
}

data::AugmentConfig augment_config(const TrainConfig& c) { return c.dataset.augmentation; }

void log_lr_change(const Session& s, double old_lr, int epoch) {
  spdlog::info("epoch {}: val loss has not improved for {} epochs: learning rate {:.3g} -> {:.3g}", epoch,
               s.config.lr_scheduler.patience + 1, old_lr, s.lr);
}

/// Scalars and, every image_interval epochs, the panel of the first validation samples.
void log_tensorboard(Session& s, const EpochRecord& r) {
  const TensorboardSection& tb = s.config.tensorboard;
  if (!s.tensorboard || r.epoch % tb.log_interval != 0) return;
  io::TfEventsWriter& w = *s.tensorboard;
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
    std::vector<data::Patch> samples;
    const std::size_t n = std::min<std::size_t>(tb.num_image_samples, s.val_patches.size());
    for (std::size_t i = 0; i < n; ++i) samples.push_back(s.val_patches[i * s.val_patches.size() / n]);
    w.add_image(contract::kTagPredictions, make_panel(samples, predict_patches(s, samples)), r.epoch);
  }
  w.flush();
}

void save_epoch_checkpoints(Session& s, const EpochRecord& r, bool new_best, TrainResult& result) {
  const CheckpointingSection& ck = s.config.checkpointing;
  const fs::path dir = s.run_dir / contract::kCheckpointsDir;
  if (ck.save_best && new_best) {
    save_session(s, dir / contract::kBestModel);
    result.best_checkpoint = dir / contract::kBestModel;
  }
  if (ck.save_periodic && r.epoch % ck.periodic_interval == 0) {
    save_session(s, dir / fmt::format("checkpoint_epoch_{:03d}.pt", r.epoch));
  }
}

/// The layout to train in: the checkpoint's on resume (so a resumed run stays bit-exact), else
/// forced by training.memory_format or measured on this machine (cached in options.cache_dir).
model::SpeedChoice choose_layout(const TrainConfig& config, const TrainOptions& options, int threads,
                                 const torch::Device& device) {
  if (!options.resume.empty()) {
    const std::string recorded = recorded_memory_format(options.resume);
    if (config.training.memory_format != "auto" && config.training.memory_format != recorded) {
      spdlog::warn("training.memory_format {} ignored: \"{}\" was trained in {}, and resuming keeps it",
                   config.training.memory_format, options.resume.string(), recorded);
    }
    return {recorded, "resumed", {}};
  }
  model::UnetOptions probe;
  probe.encoder = config.model.encoder;
  probe.in_channels = config.model.in_channels;
  probe.classes = config.model.classes;
  return model::choose_training_layout(config.training.memory_format, probe, config.dataset.patch_size,
                                       config.training.batch_size, threads, device.is_cpu(), options.cache_dir);
}

/// run_dir/runtime.yaml: what this machine chose (layout, threads, device) and why.
void write_runtime_yaml(const Session& s, int threads, const model::SpeedChoice& layout) {
  std::string text = fmt::format("device: {}\nthreads: {}\ncpu: \"{}\"\nlibtorch: {}\nmemory_format: {}\n"
                                 "memory_format_source: {}\n",
                                 s.device.str(), threads, core::this_cpu().model, model::torch_version(),
                                 layout.choice, layout.source);
  if (!layout.rates.empty()) {
    text += "memory_format_patches_per_s:\n";
    for (const auto& [name, rate] : layout.rates) text += fmt::format("  {}: {:.3f}\n", name, rate);
  }
  core::write_file_atomic(s.run_dir / "runtime.yaml", text);
}

/// Seconds left in the run at the mean epoch time of this invocation, at most what the time
/// budget leaves (plus the epoch it runs out in); early stopping cannot be foreseen.
double run_eta_s(const TrainConfig& config, int epochs_done, int epochs_this_run, double minutes_used) {
  const double per_epoch_s = 60.0 * minutes_used / std::max(1, epochs_this_run);
  double eta = per_epoch_s * std::max(0, config.training.epochs - epochs_done);
  if (config.training.max_minutes > 0) {
    const double budget_left_s = std::max(0.0, 60.0 * (config.training.max_minutes - minutes_used));
    eta = std::min(eta, budget_left_s + (budget_left_s > 0 ? per_epoch_s : 0.0));
  }
  return eta;
}

std::unique_ptr<Session> start_session(const TrainConfig& config, const TrainOptions& options) {
  auto s = std::make_unique<Session>();
  s->config = config;
  s->options = options;
  const int threads = model::configure_threads(config.threads);
  s->device = torch::Device(model::resolve_device(config.device));
  s->autocast = config.mixed_precision && s->device.is_cuda();
  if (config.mixed_precision && !s->device.is_cuda()) {
    spdlog::warn("mixed_precision needs CUDA; training in float32 on the CPU");
  }
  spdlog::info("device {}, {} threads, seed {}", s->device.str(), threads, config.seed);
  // Before build_model: the probe's throw-away models draw from torch's generator, which
  // build_model then seeds.
  const model::SpeedChoice layout = choose_layout(config, options, threads, s->device);
  s->memory_format = layout.choice;
  spdlog::info("training layout {}", layout.describe("patches"));
  // A resumed run restores its model (and lineage) from the checkpoint below instead.
  const bool init_from = !config.model.init_checkpoint.empty() && options.resume.empty();
  s->model = init_from ? init_model_from(config, s->lineage)
                       : build_model(config, options.weights_dir, &s->encoder_weights);
  s->model->to(s->device);
  if (s->device.is_cpu()) model::set_weight_layout(s->model, s->memory_format);
  s->lr = config.training.learning_rate;
  s->optimizer = std::make_unique<torch::optim::AdamW>(
      s->model->parameters(),
      torch::optim::AdamWOptions(config.training.learning_rate).weight_decay(config.training.weight_decay));
  PlateauOptions plateau;
  plateau.mode = config.lr_scheduler.mode;
  plateau.factor = config.lr_scheduler.factor;
  plateau.patience = config.lr_scheduler.patience;
  plateau.min_lr = config.lr_scheduler.min_lr;
  s->scheduler = std::make_unique<ReduceLrOnPlateau>(config.training.learning_rate, plateau);
  s->early_stopping = std::make_unique<EarlyStopping>(config.early_stopping.patience, config.early_stopping.min_delta);
  if (s->autocast) s->scaler = std::make_unique<GradScaler>();
  if (!options.resume.empty()) {
    restore_session(*s, options.resume);
    s->run_dir = options.run_dir.empty() ? options.resume.parent_path().parent_path() : options.run_dir;
    spdlog::info("resuming from \"{}\" at epoch {} step {}", options.resume.string(), s->epochs_done + 1,
                 s->partial.next_step + 1);
  } else if (!options.run_dir.empty()) {
    s->run_dir = options.run_dir;
  } else {
    s->run_dir = create_unique_run_dir(config.run_dir);
  }
  fs::create_directories(s->run_dir / contract::kCheckpointsDir);
  // A killed earlier session of this run may have left unfinished temporary files.
  core::remove_stale_temporaries(s->run_dir);
  core::remove_stale_temporaries(s->run_dir / contract::kCheckpointsDir);
  core::write_file_atomic(s->run_dir / contract::kRunConfigYaml, to_yaml(config));
  write_runtime_yaml(*s, threads, layout);
  if (config.tensorboard.enabled) {
    s->tensorboard = std::make_unique<io::TfEventsWriter>(s->run_dir / contract::kTensorboardDir);
  }
  return s;
}

}  // namespace

TrainResult train_on_images(const TrainConfig& config, const TrainOptions& options,
                            std::vector<data::TrainingImage> train_images,
                            std::vector<data::TrainingImage> val_images) {
  validate_train_config(config, options.config_path.empty() ? "train config" : options.config_path.string());
  if (train_images.empty()) throw DataError("no training images");
  if (val_images.empty()) throw DataError("no validation images");
  std::unique_ptr<Session> session = start_session(config, options);
  Session& s = *session;
  s.train_sampler = std::make_unique<data::PatchSampler>(std::move(train_images), sampling_config(config),
                                                         augment_config(config), config.seed);
  {
    data::AugmentConfig no_augment;
    no_augment.enabled = false;
    const data::PatchSampler val_sampler(std::move(val_images), sampling_config(config), no_augment, config.seed);
    s.val_patches = val_sampler.validation_patches(config.dataset.patches_per_image);
  }
  spdlog::info("run folder \"{}\": {} training patches per epoch, {} validation patches", s.run_dir.string(),
               s.train_sampler->epoch_size(), s.val_patches.size());

  TrainResult result;
  result.run_dir = s.run_dir;
  const fs::path checkpoints = s.run_dir / contract::kCheckpointsDir;
  if (fs::exists(checkpoints / contract::kBestModel)) result.best_checkpoint = checkpoints / contract::kBestModel;
  const fs::path interrupted_path = checkpoints / contract::kInterruptedModel;
  bool stopped_early = s.early_stopping->should_stop() && config.early_stopping.enabled;
  const auto budget_start = std::chrono::steady_clock::now();
  const auto minutes_used = [&] {
    return std::chrono::duration<double>(std::chrono::steady_clock::now() - budget_start).count() / 60.0;
  };
  int epochs_this_run = 0;
  while (!stopped_early && !result.time_budget_reached && s.epochs_done < config.training.epochs) {
    const double lr_used = s.lr;
    if (!train_epoch(s)) {
      save_session(s, interrupted_path);
      result.interrupted = true;
      result.interrupted_checkpoint = interrupted_path;
      result.resume_command = fmt::format("segoid train --config {} --resume {}",
                                          options.config_path.empty() ? "<config>" : options.config_path.string(),
                                          interrupted_path.string());
      break;
    }
    const auto val_start = std::chrono::steady_clock::now();
    EpochRecord r;
    r.epoch = s.epochs_done + 1;
    r.lr = lr_used;
    r.train = finalize_metrics(s.partial.loss_sum, s.partial.patches, s.partial.counts);
    recalibrate_batchnorm(s, epoch_order(s, s.epochs_done));
    r.val = validate(s);
    r.seconds = s.partial.seconds + std::chrono::duration<double>(std::chrono::steady_clock::now() - val_start).count();
    r.data_seconds = s.partial.data_seconds;
    s.history.push_back(r);
    s.epochs_done += 1;
    s.partial = PartialEpoch{};
    const bool new_best = r.val.dice > s.best_val_dice;
    if (new_best) {
      s.best_val_dice = r.val.dice;
      s.best_epoch = r.epoch;
    }
    if (config.lr_scheduler.enabled) {
      const double old_lr = s.lr;
      if (s.scheduler->step(r.val.loss)) {
        apply_lr(s, s.scheduler->lr());
        log_lr_change(s, old_lr, r.epoch);
      }
    }
    if (config.early_stopping.enabled && s.early_stopping->step(r.val.dice)) {
      stopped_early = true;
      spdlog::info("early stopping at epoch {}: val Dice has not improved by more than {} for {} epochs "
                   "(best {:.4f} at epoch {})",
                   r.epoch, config.early_stopping.min_delta, config.early_stopping.patience, s.best_val_dice,
                   s.best_epoch);
    }
    ++epochs_this_run;
    spdlog::info("epoch {}/{}  loss {:.4f}  dice {:.4f} | val loss {:.4f}  dice {:.4f}  iou {:.4f}  "
                 "precision {:.4f}  recall {:.4f} | lr {:.3g}  {}{}  run ETA {}",
                 r.epoch, config.training.epochs, r.train.loss, r.train.dice, r.val.loss, r.val.dice, r.val.iou,
                 r.val.precision, r.val.recall, r.lr, core::format_duration(r.seconds), new_best ? "  best" : "",
                 core::format_duration(run_eta_s(config, s.epochs_done, epochs_this_run, minutes_used())));
    core::write_file_atomic(s.run_dir / contract::kValMetricsCsv, metrics_csv(s.history));
    log_tensorboard(s, r);
    save_epoch_checkpoints(s, r, new_best, result);
    save_session(s, checkpoints / kLastCheckpointName);  // what a kill -9 resumes from
    if (config.training.max_minutes > 0 && minutes_used() >= config.training.max_minutes &&
        s.epochs_done < config.training.epochs) {
      result.time_budget_reached = true;
      spdlog::info("stopping after epoch {} of {}: the time budget training.max_minutes {} is used up ({:.1f} min)",
                   r.epoch, config.training.epochs, config.training.max_minutes, minutes_used());
    }
  }
  if (!result.interrupted) {
    std::error_code ec;
    fs::remove(interrupted_path, ec);  // its state is superseded by the finished run
    if (config.checkpointing.save_final) {
      save_session(s, checkpoints / contract::kFinalModel);
      result.final_checkpoint = checkpoints / contract::kFinalModel;
      fs::remove(checkpoints / kLastCheckpointName, ec);  // final_model.pt holds the same state
    }
  }
  result.epochs_completed = s.epochs_done;
  result.best_epoch = s.best_epoch;
  result.best_val_dice = std::max(0.0, s.best_val_dice);
  result.early_stopped = stopped_early;
  result.memory_format = s.memory_format;
  result.history = s.history;
  return result;
}

}  // namespace segoid::train
