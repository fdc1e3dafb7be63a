// SPDX-License-Identifier: MIT
// GradScaler: unscaled gradients, skipped steps on overflow, backoff and growth, state round trip.
#include "../../src/train/grad_scaler.hpp"

#include <gtest/gtest.h>

#include <limits>

namespace segoid::train {
namespace {

/// loss = sum(w * x) for w = [1, 2, 3]: the gradient of w is x.
struct Problem {
  torch::Tensor w = torch::tensor({1.0f, 2.0f, 3.0f}).requires_grad_(true);
  torch::optim::SGD sgd{std::vector<torch::Tensor>{w}, torch::optim::SGDOptions(0.1)};
  torch::Tensor loss(const torch::Tensor& x) const { return (w * x).sum(); }
};

TEST(GradScalerTest, StepUsesTheUnscaledGradient) {
  Problem scaled;
  Problem plain;
  GradScaler scaler;
  const torch::Tensor x = torch::tensor({0.5f, -0.25f, 1e-3f});
  scaled.sgd.zero_grad();
  scaler.scale(scaled.loss(x)).backward();
  EXPECT_FLOAT_EQ(scaled.w.grad()[0].item<float>(), 0.5f * 65536.0f) << "backward ran on the scaled loss";
  EXPECT_TRUE(scaler.step(scaled.sgd));
  scaler.update();
  plain.sgd.zero_grad();
  plain.loss(x).backward();
  plain.sgd.step();
  EXPECT_TRUE(torch::allclose(scaled.w, plain.w, /*rtol=*/1e-6, /*atol=*/1e-7)) << scaled.w << plain.w;
  EXPECT_DOUBLE_EQ(scaler.current_scale(), 65536.0);
  EXPECT_EQ(scaler.growth_tracker(), 1);
}

TEST(GradScalerTest, OverflowSkipsTheStepAndBacksOff) {
  Problem p;
  GradScaler scaler;
  const torch::Tensor before = p.w.detach().clone();
  p.sgd.zero_grad();
  scaler.scale(p.loss(torch::tensor({1.0f, 1.0f, 1.0f}))).backward();
  p.w.mutable_grad()[1].fill_(std::numeric_limits<float>::infinity());  // a float16 overflow, faked
  EXPECT_FALSE(scaler.step(p.sgd));
  scaler.update();
  EXPECT_TRUE(torch::equal(p.w.detach(), before)) << "the weights must not move on an overflowed step";
  EXPECT_DOUBLE_EQ(scaler.current_scale(), 32768.0);
  EXPECT_EQ(scaler.growth_tracker(), 0);
  EXPECT_EQ(scaler.skipped_steps(), 1);

  p.sgd.zero_grad();
  scaler.scale(p.loss(torch::tensor({1.0f, 1.0f, 1.0f}))).backward();
  p.w.mutable_grad()[0].fill_(std::numeric_limits<float>::quiet_NaN());
  EXPECT_FALSE(scaler.step(p.sgd));
  scaler.update();
  EXPECT_DOUBLE_EQ(scaler.current_scale(), 16384.0) << "nan backs off too";
}

TEST(GradScalerTest, ScaleGrowsAfterGrowthIntervalCleanSteps) {
  GradScalerOptions options;
  options.init_scale = 8.0;
  options.growth_interval = 3;
  GradScaler scaler(options);
  Problem p;
  for (int step = 1; step <= 7; ++step) {
    p.sgd.zero_grad();
    scaler.scale(p.loss(torch::ones({3}))).backward();
    ASSERT_TRUE(scaler.step(p.sgd));
    scaler.update();
    EXPECT_DOUBLE_EQ(scaler.current_scale(), step < 3 ? 8.0 : step < 6 ? 16.0 : 32.0) << step;
  }
  EXPECT_EQ(scaler.growth_tracker(), 1);
}

TEST(GradScalerTest, StateRoundTripsThroughJson) {
  GradScalerOptions options;
  options.init_scale = 4.0;
  GradScaler a(options);
  Problem p;
  p.sgd.zero_grad();
  a.scale(p.loss(torch::ones({3}))).backward();
  p.w.mutable_grad()[2].fill_(std::numeric_limits<float>::infinity());
  a.step(p.sgd);
  a.update();
  GradScaler b;
  b.load_json(a.to_json());
  EXPECT_DOUBLE_EQ(b.current_scale(), 2.0);
  EXPECT_EQ(b.growth_tracker(), 0);
  EXPECT_EQ(b.skipped_steps(), 1);
}

}  // namespace
}  // namespace segoid::train
