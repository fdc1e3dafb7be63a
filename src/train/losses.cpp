// SPDX-License-Identifier: MIT
// BCE + soft Dice loss, thresholded pixel counts and the epoch metrics derived from them.
#include "losses.hpp"

namespace segoid::train {

LossParts combined_loss(const torch::Tensor& logits, const torch::Tensor& target, double bce_weight,
                        double dice_weight) {
  TORCH_CHECK(logits.sizes() == target.sizes(), "loss: logits ", logits.sizes(), " vs target ", target.sizes());
  const torch::Tensor x = logits.to(torch::kFloat32);
  const torch::Tensor t = target.to(torch::kFloat32);
  LossParts parts;
  parts.bce = torch::binary_cross_entropy_with_logits(x, t);
  const torch::Tensor p = torch::sigmoid(x);
  const torch::Tensor intersection = (p * t).sum();
  const torch::Tensor cardinality = p.sum() + t.sum();
  parts.dice = 1.0 - (2.0 * intersection + kDiceEps) / (cardinality + kDiceEps);
  parts.total = bce_weight * parts.bce + dice_weight * parts.dice;
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
  const core::Scores s = core::scores_from_counts(c);
  m.dice = s.dice;
  m.iou = s.iou;
  m.precision = s.precision;
  m.recall = s.recall;
  return m;
}

}  // namespace segoid::train
