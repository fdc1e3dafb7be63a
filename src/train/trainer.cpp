// SPDX-License-Identifier: MIT
// The training loop: start or resume, then per epoch train, validate, schedule, checkpoint, stop.
#include "segoid/train/trainer.hpp"

#include <spdlog/spdlog.h>

#include <chrono>

#include "segoid/core/error.hpp"
#include "trainer_internal.hpp"

namespace segoid::train {
namespace {

/// Minutes since construction: what training.max_minutes limits.
class Stopwatch {
 public:
  double minutes() const {
    return std::chrono::duration<double>(std::chrono::steady_clock::now() - start_).count() / 60.0;
  }

 private:
  std::chrono::steady_clock::time_point start_ = std::chrono::steady_clock::now();
};

/// ReduceLROnPlateau on the epoch's val loss.
void schedule_lr(const TrainConfig& config, Optimization& o, const EpochRecord& r) {
  const double old_lr = o.lr;
  if (!o.scheduler->step(r.val.loss)) return;
  apply_lr(o, o.scheduler->lr());
  spdlog::info("epoch {}: val loss has not improved for {} epochs: learning rate {:.3g} -> {:.3g}", r.epoch,
               config.lr_scheduler.patience + 1, old_lr, o.lr);
}

/// Early stopping on the epoch's val Dice; true when the run stops here.
bool stop_early(const TrainConfig& config, Progress& p, const EpochRecord& r) {
  if (!p.early_stopping.step(r.val.dice)) return false;
  spdlog::info("early stopping at epoch {}: val Dice has not improved by more than {} for {} epochs "
               "(best {:.4f} at epoch {})",
               r.epoch, config.early_stopping.min_delta, config.early_stopping.patience, p.best_val_dice,
               p.best_epoch);
  return true;
}

/// True when training.max_minutes is used up and epochs remain (the run then ends here).
bool time_budget_used_up(const TrainConfig& config, const Progress& p, double minutes) {
  const int epochs = config.training.epochs;
  if (config.training.max_minutes <= 0 || minutes < config.training.max_minutes || p.epochs_done >= epochs) {
    return false;
  }
  spdlog::info("stopping after epoch {} of {}: the time budget training.max_minutes {} is used up ({:.1f} min)",
               p.epochs_done, epochs, config.training.max_minutes, minutes);
  return true;
}

}  // namespace

TrainResult train_on_images(const TrainConfig& config, const TrainOptions& options,
                            std::vector<data::TrainingImage> train_images,
                            std::vector<data::TrainingImage> val_images) {
  validate_train_config(config, options.config_path.empty() ? "train config" : options.config_path.string());
  if (train_images.empty()) throw DataError("no training images");
  if (val_images.empty()) throw DataError("no validation images");
  Session s = start_session(config, options);  // fresh, or the state of options.resume
  s.data = make_data(config, std::move(train_images), std::move(val_images));
  spdlog::info("run folder \"{}\": {} training patches per epoch, {} validation patches", s.setup.run_dir.string(),
               s.data.train_sampler->epoch_size(), s.data.val_patches.size());
  Progress& progress = s.progress;
  TrainResult result = start_result(s.setup);
  bool stopped_early = config.early_stopping.enabled && progress.early_stopping.should_stop();
  const Stopwatch budget;
  int epochs_this_run = 0;
  while (!stopped_early && !result.time_budget_reached && progress.epochs_done < config.training.epochs) {
    const double lr_used = s.optimization.lr;
    if (!train_epoch(s.setup, s.optimization, s.data, s.outputs, progress.epochs_done, progress.partial)) {
      save_interrupted(s, result);  // Ctrl-C: the exact step to resume from
      break;
    }
    const EpochRecord r = evaluate_epoch(s.setup, s.optimization.model, s.data, progress, lr_used);
    const bool new_best = record_epoch(progress, r);
    if (config.lr_scheduler.enabled) schedule_lr(config, s.optimization, r);
    if (config.early_stopping.enabled) stopped_early = stop_early(config, progress, r);
    ++epochs_this_run;
    log_epoch(config, r, new_best, run_eta_s(config, progress.epochs_done, epochs_this_run, budget.minutes()));
    write_epoch_outputs(s, r, new_best, result);
    result.time_budget_reached = time_budget_used_up(config, progress, budget.minutes());
  }
  finish_run(s, stopped_early, result);
  return result;
}

}  // namespace segoid::train
