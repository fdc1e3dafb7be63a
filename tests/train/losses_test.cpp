// SPDX-License-Identifier: MIT
// Loss and metrics against values computed by hand.
#include <gtest/gtest.h>

#include <cmath>

#include "../../src/train/losses.hpp"

namespace segoid::train {
namespace {

// sigmoid of these logits: 0.5, 0.75, 0.25, 0.9; target 1, 1, 0, 0.
torch::Tensor hand_logits() {
  return torch::tensor({0.0, std::log(3.0), -std::log(3.0), std::log(9.0)}, torch::kFloat32).view({1, 1, 2, 2});
}
torch::Tensor hand_target() { return torch::tensor({1.0f, 1.0f, 0.0f, 0.0f}).view({1, 1, 2, 2}); }

TEST(LossesTest, BceAndDiceMatchHandComputation) {
  const LossParts parts = combined_loss(hand_logits(), hand_target(), LossSection{0.3, 0.7});
  const double bce = (std::log(2.0) + 2.0 * std::log(4.0 / 3.0) + std::log(10.0)) / 4.0;
  // sum(p t) = 1.25, sum p = 2.4, sum t = 2.
  const double dice = 1.0 - (2.5 + kDiceEps) / (4.4 + kDiceEps);
  EXPECT_NEAR(parts.bce.item<double>(), bce, 1e-6);
  EXPECT_NEAR(parts.dice.item<double>(), dice, 1e-6);
  EXPECT_NEAR(parts.total.item<double>(), 0.3 * bce + 0.7 * dice, 1e-6);
}

TEST(LossesTest, DiceSumsOverTheWholeBatch) {
  // Sample 0 as above, sample 1 empty truth with p = 0.25 everywhere: its p adds to the
  // denominator only. Per-sample averaging would give a very different value.
  const torch::Tensor logits = torch::cat({hand_logits(), torch::full({1, 1, 2, 2}, -std::log(3.0))});
  const torch::Tensor target = torch::cat({hand_target(), torch::zeros({1, 1, 2, 2})});
  const LossParts parts = combined_loss(logits, target, LossSection{0.0, 1.0});
  const double dice = 1.0 - (2.5 + kDiceEps) / (4.4 + 1.0 + kDiceEps);
  EXPECT_NEAR(parts.dice.item<double>(), dice, 1e-6);
  EXPECT_NEAR(parts.total.item<double>(), dice, 1e-6);
}

TEST(LossesTest, PerfectEmptyPredictionHasZeroDiceLoss) {
  const torch::Tensor logits = torch::full({2, 1, 4, 4}, -200.0);
  const LossParts parts = combined_loss(logits, torch::zeros({2, 1, 4, 4}), LossSection{});
  EXPECT_NEAR(parts.dice.item<double>(), 0.0, 1e-6);
  EXPECT_TRUE(std::isfinite(parts.total.item<double>()));
}

TEST(LossesTest, GradientFlowsToLogits) {
  torch::Tensor logits = hand_logits().clone().requires_grad_(true);
  combined_loss(logits, hand_target(), LossSection{}).total.backward();
  ASSERT_TRUE(logits.grad().defined());
  // Raising the logit of a true-foreground pixel lowers the loss; of a background pixel, raises it.
  EXPECT_LT(logits.grad().view(-1)[0].item<double>(), 0.0);
  EXPECT_GT(logits.grad().view(-1)[3].item<double>(), 0.0);
}

TEST(LossesTest, GapPixelsAreTheBackgroundBetweenNearbyObjects) {
  // Two 5x5 squares 2 px apart, a third on the image border far from both: a 5x5 closing fills
  // exactly the 2x5 strip between the first two; nothing at the border or around the squares.
  torch::Tensor target = torch::zeros({1, 1, 20, 20});
  target.index_put_({0, 0, torch::indexing::Slice(3, 8), torch::indexing::Slice(3, 8)}, 1.0);
  target.index_put_({0, 0, torch::indexing::Slice(3, 8), torch::indexing::Slice(10, 15)}, 1.0);
  target.index_put_({0, 0, torch::indexing::Slice(15, 20), torch::indexing::Slice(0, 5)}, 1.0);
  const torch::Tensor gap = gap_pixels(target, 2);
  EXPECT_EQ(gap.sum().item<double>(), 10.0);
  EXPECT_EQ(gap.index({0, 0, torch::indexing::Slice(3, 8), torch::indexing::Slice(8, 10)}).sum().item<double>(), 10.0);
  // A 3x3 closing bridges at most 2 px: widened to 3 px, the gap stays open at radius 1.
  target.index_put_({0, 0, torch::indexing::Slice(3, 8), torch::indexing::Slice(10, 11)}, 0.0);
  EXPECT_EQ(gap_pixels(target, 1).sum().item<double>(), 0.0);
}

TEST(LossesTest, GapWeightScalesTheBceOfGapPixelsOnly) {
  // Target 1 0 1: the middle pixel is a 1-px gap. sigmoid(logits) = 0.5, 0.75, 0.9.
  const torch::Tensor logits = torch::tensor({0.0, std::log(3.0), std::log(9.0)}, torch::kFloat32).view({1, 1, 1, 3});
  const torch::Tensor target = torch::tensor({1.0f, 0.0f, 1.0f}).view({1, 1, 1, 3});
  LossSection loss{1.0, 0.0};
  loss.gap_weight = 4.0;
  loss.gap_radius = 1;
  const double expected = (std::log(2.0) + 5.0 * std::log(4.0) + std::log(10.0 / 9.0)) / 3.0;
  EXPECT_NEAR(combined_loss(logits, target, loss).bce.item<double>(), expected, 1e-6);
  loss.gap_weight = 0.0;
  const double plain = (std::log(2.0) + std::log(4.0) + std::log(10.0 / 9.0)) / 3.0;
  EXPECT_NEAR(combined_loss(logits, target, loss).bce.item<double>(), plain, 1e-6);
}

TEST(LossesTest, ConfusionCountsAtThreshold) {
  // p = 0.5 is not > 0.5: pixel 0 is a false negative.
  const ConfusionCounts c = confusion_counts(hand_logits(), hand_target(), 0.5);
  EXPECT_EQ(c.tp, 1);
  EXPECT_EQ(c.fp, 1);
  EXPECT_EQ(c.fn, 1);
  EXPECT_EQ(c.tn, 1);
  const ConfusionCounts low = confusion_counts(hand_logits(), hand_target(), 0.2);
  EXPECT_EQ(low.tp, 2);
  EXPECT_EQ(low.fp, 2);
  EXPECT_EQ(low.fn, 0);
}

TEST(LossesTest, EpochMetricsFromCounts) {
  ConfusionCounts c;
  c.tp = 6;
  c.fp = 2;
  c.fn = 4;
  c.tn = 100;
  const EpochMetrics m = finalize_metrics(/*loss_sum=*/3.0, /*patches=*/4, c);
  EXPECT_DOUBLE_EQ(m.loss, 0.75);
  EXPECT_DOUBLE_EQ(m.dice, 12.0 / 18.0);
  EXPECT_DOUBLE_EQ(m.iou, 6.0 / 12.0);
  EXPECT_DOUBLE_EQ(m.precision, 6.0 / 8.0);
  EXPECT_DOUBLE_EQ(m.recall, 6.0 / 10.0);
  const EpochMetrics empty = finalize_metrics(0.0, 1, ConfusionCounts{0, 0, 0, 50});
  EXPECT_DOUBLE_EQ(empty.dice, 1.0);
  EXPECT_DOUBLE_EQ(empty.precision, 1.0);
  EXPECT_DOUBLE_EQ(empty.recall, 1.0);
}

}  // namespace
}  // namespace segoid::train
