// SPDX-License-Identifier: MIT
// One training epoch (ordered batches, loss, AdamW step, interrupt), validation and panels.
#include <ATen/autocast_mode.h>
#include <fmt/format.h>
#include <spdlog/spdlog.h>

#include <chrono>
#include <cmath>
#include <opencv2/imgproc.hpp>

#include "batch_loader.hpp"
#include "losses.hpp"
#include "segoid/core/error.hpp"
#include "segoid/core/progress.hpp"
#include "segoid/core/rng.hpp"
#include "segoid/model/layout_choice.hpp"
#include "trainer_internal.hpp"

namespace segoid::train {
namespace {

using Clock = std::chrono::steady_clock;
constexpr std::uint64_t kOrderStream = 0x6f72646572ULL;  // "order": batch order per epoch
constexpr double kDataWarnShare = 0.05;                   // data wait above 5% of step time is logged

double seconds_since(Clock::time_point t) { return std::chrono::duration<double>(Clock::now() - t).count(); }

torch::Tensor to_tensor(std::vector<float>& values, int count, int size, const Session& s) {
  torch::Tensor t = torch::from_blob(values.data(), {count, 1, size, size}, torch::kFloat32);
  if (s.device.is_cuda()) {
    if (s.config.training.pin_memory) t = t.pin_memory();
    return t.to(s.device, /*non_blocking=*/true);
  }
  // Batches in the weights' layout meet them without a reorder per layer (always a copy: the
  // blob is the loader's buffer).
  return model::to_layout(t, s.memory_format);
}

/// RAII float16 autocast on CUDA.
class AutocastGuard {
 public:
  explicit AutocastGuard(bool on) : on_(on) {
    if (on_) at::autocast::set_enabled(true);
  }
  ~AutocastGuard() {
    if (on_) {
      at::autocast::set_enabled(false);
      at::autocast::clear_cache();
    }
  }

 private:
  bool on_;
};

}  // namespace

std::vector<std::int64_t> epoch_order(const Session& s, int epoch) {
  std::vector<std::int64_t> order(static_cast<std::size_t>(s.train_sampler->epoch_size()));
  for (std::size_t i = 0; i < order.size(); ++i) order[i] = static_cast<std::int64_t>(i);
  core::Rng rng(core::mix_seed(s.config.seed, static_cast<std::uint64_t>(epoch), kOrderStream));
  rng.shuffle(order);
  return order;
}

void apply_lr(Session& s, double lr) {
  s.lr = lr;
  for (auto& group : s.optimizer->param_groups()) {
    static_cast<torch::optim::AdamWOptions&>(group.options()).lr(lr);
  }
}

bool train_epoch(Session& s) {
  const TrainConfig& c = s.config;
  const int epoch = s.epochs_done;
  PartialEpoch& p = s.partial;
  BatchLoader loader(*s.train_sampler, epoch, epoch_order(s, epoch), c.training.batch_size, p.next_step,
                     c.training.num_workers);
  s.model->train();
  core::Progress progress(fmt::format("epoch {}/{}", epoch + 1, c.training.epochs), s.train_sampler->epoch_size(),
                          "patches");
  progress.advance(p.patches);
  const Clock::time_point start = Clock::now();
  const double seconds_before = p.seconds;
  double data_seconds = 0.0;
  for (int step = p.next_step; step < loader.batch_count(); ++step) {
    const Clock::time_point wait = Clock::now();
    HostBatch batch = loader.next();
    data_seconds += seconds_since(wait);
    const torch::Tensor images = to_tensor(batch.images, batch.count, batch.size, s);
    const torch::Tensor masks = to_tensor(batch.masks, batch.count, batch.size, s);
    s.optimizer->zero_grad();
    torch::Tensor logits;
    {
      AutocastGuard autocast(s.autocast);
      logits = s.model->forward(images);
    }
    const LossParts loss = combined_loss(logits, masks, c.loss.bce_weight, c.loss.dice_weight);
    const double loss_value = loss.total.item<double>();
    if (!std::isfinite(loss_value)) {
      throw ModelError(fmt::format(
          "training diverged: non-finite loss ({}) at epoch {} step {}; lower training.learning_rate{}", loss_value,
          epoch + 1, step + 1,
          s.last_checkpoint.empty() ? std::string()
                                    : "; the last good checkpoint is \"" + s.last_checkpoint.string() + "\""));
    }
    if (s.scaler) {
      // float16 gradients: scaled backward; a step whose gradients overflowed is skipped.
      s.scaler->scale(loss.total).backward();
      if (!s.scaler->step(*s.optimizer)) {
        spdlog::debug("epoch {} step {}: inf/nan gradients at loss scale {}; step skipped", epoch + 1, step + 1,
                      s.scaler->current_scale());
      }
      s.scaler->update();
    } else {
      loss.total.backward();
      s.optimizer->step();
    }
    p.counts += confusion_counts(logits.detach(), masks, c.prediction_threshold);
    p.loss_sum += loss_value * batch.count;
    p.patches += batch.count;
    p.next_step = step + 1;
    progress.advance(batch.count, fmt::format("loss {:.4f}", p.loss_sum / static_cast<double>(p.patches)));
    if (s.options.on_step_end) s.options.on_step_end(epoch, step);
    const bool stop = s.options.interrupt != nullptr && s.options.interrupt->load();
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
  const double share = train_seconds > 0 ? data_seconds / train_seconds : 0.0;
  const std::string message = fmt::format("epoch {}: waited {:.2f}s for batches ({:.1f}% of training time)",
                                          epoch + 1, data_seconds, 100.0 * share);
  if (share > kDataWarnShare) {
    spdlog::warn("{}; raise training.num_workers", message);
  } else {
    spdlog::debug("{}", message);
  }
  return true;
}

std::vector<cv::Mat> predict_patches(Session& s, const std::vector<data::Patch>& patches) {
  s.model->eval();
  torch::NoGradGuard no_grad;
  std::vector<cv::Mat> out;
  const int batch_size = s.config.training.batch_size;
  for (std::size_t begin = 0; begin < patches.size(); begin += batch_size) {
    const std::size_t end = std::min(patches.size(), begin + batch_size);
    HostBatch batch = pack_patches({patches.begin() + begin, patches.begin() + end});
    torch::Tensor probs = torch::sigmoid(s.model->forward(to_tensor(batch.images, batch.count, batch.size, s)))
                              .to(torch::kCPU, torch::kFloat32)
                              .contiguous();
    for (int i = 0; i < batch.count; ++i) {
      cv::Mat m(batch.size, batch.size, CV_32FC1, probs[i].data_ptr<float>());
      out.push_back(m.clone());
    }
  }
  return out;
}

EpochMetrics validate(Session& s) {
  s.model->eval();
  torch::NoGradGuard no_grad;
  const TrainConfig& c = s.config;
  double loss_sum = 0.0;
  std::int64_t patches = 0;
  ConfusionCounts counts;
  const std::size_t batch_size = static_cast<std::size_t>(c.training.batch_size);
  for (std::size_t begin = 0; begin < s.val_patches.size(); begin += batch_size) {
    const std::size_t end = std::min(s.val_patches.size(), begin + batch_size);
    HostBatch batch = pack_patches({s.val_patches.begin() + begin, s.val_patches.begin() + end});
    const torch::Tensor images = to_tensor(batch.images, batch.count, batch.size, s);
    const torch::Tensor masks = to_tensor(batch.masks, batch.count, batch.size, s);
    torch::Tensor logits;
    {
      AutocastGuard autocast(s.autocast);
      logits = s.model->forward(images);
    }
    const LossParts loss = combined_loss(logits, masks, c.loss.bce_weight, c.loss.dice_weight);
    loss_sum += loss.total.item<double>() * batch.count;
    patches += batch.count;
    counts += confusion_counts(logits, masks, c.prediction_threshold);
  }
  return finalize_metrics(loss_sum, patches, counts);
}

cv::Mat make_panel(const std::vector<data::Patch>& samples, const std::vector<cv::Mat>& probabilities) {
  constexpr int kGap = 2;  // white separator, pixels
  std::vector<cv::Mat> rows;
  for (std::size_t i = 0; i < samples.size(); ++i) {
    cv::Mat image, truth, prediction;
    samples[i].image.convertTo(image, CV_8U, 255.0);
    samples[i].mask.convertTo(truth, CV_8U, 255.0);
    probabilities[i].convertTo(prediction, CV_8U, 255.0);
    const cv::Mat gap(image.rows, kGap, CV_8UC1, cv::Scalar(255));
    cv::Mat row;
    cv::hconcat(std::vector<cv::Mat>{image, gap, truth, gap, prediction}, row);
    if (!rows.empty()) rows.emplace_back(kGap, row.cols, CV_8UC1, cv::Scalar(255));
    rows.push_back(row);
  }
  cv::Mat panel;
  cv::vconcat(rows, panel);
  return panel;
}

}  // namespace segoid::train
