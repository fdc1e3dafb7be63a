// SPDX-License-Identifier: MIT
// BCE + soft Dice loss, thresholded pixel counts and the epoch metrics derived from them.
#include "losses.hpp"

namespace segoid::train {

torch::Tensor gap_pixels(const torch::Tensor& target, int radius) {
  torch::NoGradGuard no_grad;
  const std::int64_t side = 2 * static_cast<std::int64_t>(radius) + 1;
  const torch::Tensor t = target.to(torch::kFloat32);
  // Dilation then erosion as max pooling; max_pool2d pads with -inf, so the image border
  // neither grows nor blocks the closing.
  const torch::Tensor dilated = torch::max_pool2d(t, {side, side}, {1, 1}, {radius, radius});
  const torch::Tensor closed = -torch::max_pool2d(-dilated, {side, side}, {1, 1}, {radius, radius});
  return (closed - t).clamp_min(0.0);
}

LossParts combined_loss(const torch::Tensor& logits, const torch::Tensor& target, const LossSection& loss) {
  TORCH_CHECK(logits.sizes() == target.sizes(), "loss: logits ", logits.sizes(), " vs target ", target.sizes());
  const torch::Tensor x = logits.to(torch::kFloat32);
  const torch::Tensor t = target.to(torch::kFloat32);
  LossParts parts;
  if (loss.gap_weight > 0.0) {
    const torch::Tensor weight = 1.0 + loss.gap_weight * gap_pixels(t, loss.gap_radius);
    parts.bce = torch::binary_cross_entropy_with_logits(x, t, weight);
  } else {
    parts.bce = torch::binary_cross_entropy_with_logits(x, t);
  }
  const torch::Tensor p = torch::sigmoid(x);
  const torch::Tensor intersection = (p * t).sum();
  const torch::Tensor cardinality = p.sum() + t.sum();
  parts.dice = 1.0 - (2.0 * intersection + kDiceEps) / (cardinality + kDiceEps);
  parts.total = loss.bce_weight * parts.bce + loss.dice_weight * parts.dice;
  return parts;
}

ConfusionCounts confusion_counts(const torch::Tensor& logits, const torch::Tensor& target, double threshold) {
  torch::NoGradGuard no_grad;
  const torch::Tensor predicted = torch::sigmoid(logits.to(torch::kFloat32)) > threshold;
  const torch::Tensor truth = target > 0.5;
  ConfusionCounts c;
  c.tp = (predicted & truth).sum().item<std::int64_t>();
  c.fp = (predicted & ~truth).sum().item<std::int64_t>();
  c.fn = (~predicted & truth).sum().item<std::int64_t>();
  c.tn = truth.numel() - c.tp - c.fp - c.fn;
  return c;
}

EpochMetrics finalize_metrics(double loss_sum, std::int64_t patches, const ConfusionCounts& c) {
  EpochMetrics m;
  m.loss = patches > 0 ? loss_sum / static_cast<double>(patches) : 0.0;
  core::assign_scores(core::scores_from_counts(c), m);
  return m;
}

}  // namespace segoid::train
