// SPDX-License-Identifier: MIT
// One training epoch: ordered batches, loss, AdamW step (loss-scaled under autocast), interrupt.
#include <fmt/format.h>
#include <spdlog/spdlog.h>

#include <chrono>
#include <cmath>

#include "batch_loader.hpp"
#include "device_batch.hpp"
#include "losses.hpp"
#include "segoid/core/error.hpp"
#include "segoid/core/progress.hpp"
#include "segoid/core/rng.hpp"
#include "trainer_internal.hpp"

namespace segoid::train {
namespace {

using Clock = std::chrono::steady_clock;
constexpr std::uint64_t kOrderStream = 0x6f72646572ULL;  // "order": batch order per epoch
constexpr double kDataWarnShare = 0.05;                   // data wait above 5% of step time is logged

double seconds_since(Clock::time_point t) { return std::chrono::duration<double>(Clock::now() - t).count(); }

/// One optimizer step on `loss`; under autocast a step whose float16 gradients overflowed is skipped.
void optimizer_step(Optimization& o, const torch::Tensor& loss, int epoch, int step) {
  if (o.scaler) {
    o.scaler->scale(loss).backward();
    if (!o.scaler->step(*o.optimizer)) {
      spdlog::debug("epoch {} step {}: inf/nan gradients at loss scale {}; step skipped", epoch + 1, step + 1,
                    o.scaler->current_scale());
    }
    o.scaler->update();
  } else {
    loss.backward();
    o.optimizer->step();
  }
}

/// Logs how long the epoch waited for batches, as a warning when it slowed training.
void log_data_wait(int epoch, double data_seconds, double train_seconds) {
  const double share = train_seconds > 0 ? data_seconds / train_seconds : 0.0;
  const std::string message = fmt::format("epoch {}: waited {:.2f}s for batches ({:.1f}% of training time)",
                                          epoch + 1, data_seconds, 100.0 * share);
  if (share > kDataWarnShare) {
    spdlog::warn("{}; raise training.num_workers", message);
  } else {
    spdlog::debug("{}", message);
  }
}

}  // namespace

std::vector<std::int64_t> epoch_order(const TrainConfig& config, const Data& data, int epoch) {
  std::vector<std::int64_t> order(static_cast<std::size_t>(data.train_sampler->epoch_size()));
  for (std::size_t i = 0; i < order.size(); ++i) order[i] = static_cast<std::int64_t>(i);
  core::Rng rng(core::mix_seed(config.seed, static_cast<std::uint64_t>(epoch), kOrderStream));
  rng.shuffle(order);
  return order;
}

void apply_lr(Optimization& o, double lr) {
  o.lr = lr;
  for (auto& group : o.optimizer->param_groups()) {
    static_cast<torch::optim::AdamWOptions&>(group.options()).lr(lr);
  }
}

bool train_epoch(const Setup& setup, Optimization& o, const Data& data, const Outputs& outputs, int epoch,
                 PartialEpoch& p) {
  const TrainConfig& c = setup.config;
  BatchLoader loader(*data.train_sampler, epoch, epoch_order(c, data, epoch), c.training.batch_size, p.next_step,
                     c.training.num_workers);
  o.model->train();
  core::Progress progress(fmt::format("epoch {}/{}", epoch + 1, c.training.epochs),
                          data.train_sampler->epoch_size(), "patches");
  progress.advance(p.patches);
  const Clock::time_point start = Clock::now();
  const double seconds_before = p.seconds;
  double data_seconds = 0.0;
  for (int step = p.next_step; step < loader.batch_count(); ++step) {
    const Clock::time_point wait = Clock::now();
    HostBatch batch = loader.next();
    data_seconds += seconds_since(wait);
    const torch::Tensor images = to_device(batch.images, batch.count, batch.size, setup);
    const torch::Tensor masks = to_device(batch.masks, batch.count, batch.size, setup);
    o.optimizer->zero_grad();
    torch::Tensor logits;
    {
      AutocastGuard autocast(setup.autocast);
      logits = o.model->forward(images);
    }
    const LossParts loss = combined_loss(logits, masks, c.loss);
    const double loss_value = loss.total.item<double>();
    if (!std::isfinite(loss_value)) {
      throw ModelError(fmt::format(
          "training diverged: non-finite loss ({}) at epoch {} step {}; lower training.learning_rate{}", loss_value,
          epoch + 1, step + 1,
          outputs.last_checkpoint.empty()
              ? std::string()
              : "; the last good checkpoint is \"" + outputs.last_checkpoint.string() + "\""));
    }
    optimizer_step(o, loss.total, epoch, step);
    p.counts += confusion_counts(logits.detach(), masks, c.prediction_threshold);
    p.loss_sum += loss_value * batch.count;
    p.patches += batch.count;
    p.next_step = step + 1;
    progress.advance(batch.count, fmt::format("loss {:.4f}", p.loss_sum / static_cast<double>(p.patches)));
    if (setup.options.on_step_end) setup.options.on_step_end(epoch, step);
    const bool stop = setup.options.interrupt != nullptr && setup.options.interrupt->load();
    if (stop && step + 1 < loader.batch_count()) {
      p.seconds = seconds_before + seconds_since(start);
      p.data_seconds += data_seconds;
      return false;
    }
  }
  progress.finish();
  const double train_seconds = seconds_since(start);
  p.seconds = seconds_before + train_seconds;
  p.data_seconds += data_seconds;
  log_data_wait(epoch, data_seconds, train_seconds);
  return true;
}

}  // namespace segoid::train
