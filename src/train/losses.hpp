// SPDX-License-Identifier: MIT
// Training loss (BCE + soft Dice from logits) and thresholded pixel counts; torch, train-internal.
#pragma once

#include <torch/torch.h>

#include "segoid/train/metrics.hpp"
#include "segoid/train/train_config.hpp"

namespace segoid::train {

/// Smoothing of the soft Dice: segmentation-models-pytorch's DiceLoss default eps (1e-7), added
/// to numerator and denominator so that an all-background batch predicted all-background has
/// loss 0 rather than 0/0.
constexpr double kDiceEps = 1e-7;

/// Loss parts, each a 0-dim float tensor attached to the graph.
struct LossParts {
  torch::Tensor total;  ///< bce_weight * bce + dice_weight * dice
  torch::Tensor bce;    ///< mean BCEWithLogits over all pixels of the batch, gap pixels weighted
  torch::Tensor dice;   ///< 1 - (2 sum(p t) + eps) / (sum p + sum t + eps), sums over the batch
};

/// `logits` and `target` are [N, 1, H, W]; target is 0/1 float. The Dice sums run over the whole
/// batch (as smp's DiceLoss in binary mode), so a negative patch does not get a Dice of 0 on its
/// own: the Python tool's per-sample mean (smooth 1e-6) scores every empty patch as loss 1.
/// With `loss.gap_weight` > 0 each pixel's BCE is weighted by 1 + gap_weight * gap_pixels().
/// Computed in float32 even under autocast.
LossParts combined_loss(const torch::Tensor& logits, const torch::Tensor& target, const LossSection& loss);

/// 1 on the background pixels that a morphological closing of `target` ([N, 1, H, W], 0/1) with
/// a (2 radius + 1)-pixel square fills: the gaps between objects closer than that, and narrow
/// bays, where a model that blurs the outline joins two objects into one. 0 elsewhere.
torch::Tensor gap_pixels(const torch::Tensor& target, int radius);

/// Pixel counts of sigmoid(logits) > threshold against the 0/1 target.
ConfusionCounts confusion_counts(const torch::Tensor& logits, const torch::Tensor& target, double threshold);

}  // namespace segoid::train
