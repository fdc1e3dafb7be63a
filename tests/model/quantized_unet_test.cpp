// SPDX-License-Identifier: MIT
// The int8 U-Net against the float model's own forward (UnetImpl::forward, not the int8 walk):
// calibrated on some images, it must give nearly the same logits on others; and its use is guarded.
#include "segoid/model/quantized_unet.hpp"

#include <gtest/gtest.h>

#include <iostream>
#include <limits>
#include <utility>
#include <vector>

#include "model/random_batch_norms.hpp"
#include "segoid/core/error.hpp"

namespace segoid::model {
namespace {

/// Images in [0, 1] as the model sees them: smooth blobs on a gradient with noise.
torch::Tensor blob_images(int64_t n, int64_t side, uint64_t seed) {
  torch::manual_seed(seed);
  const torch::Tensor coarse = torch::rand({n, 1, side / 16, side / 16});
  const torch::Tensor smooth = torch::upsample_bilinear2d(coarse, {side, side}, /*align_corners=*/false);
  return (0.7 * smooth + 0.05 * torch::randn({n, 1, side, side})).clamp(0, 1);
}

// An untrained network with random BatchNorms is a hard case for 8-bit scales (heavy-tailed
// activations, no structure to keep), so the bounds are loose. Measured: correlation 0.94 (both
// encoders), mean error 0.25-0.26 of the logits' spread, sign agreement (Dice) 0.83-0.84. The test
// is there to catch a walk that is not the network (a wrong skip, scale or residual), not to
// measure accuracy: the trained model's agreement (mask Dice 0.9998 on disks) is in
// predictor_test's Int8 test, and on real images in bench_int8_unet and bench_predict.sh.
TEST(QuantizedUnetTest, LogitsFollowTheFloatModel) {
  if (!int8_inference_available()) GTEST_SKIP() << "this LibTorch has no oneDNN quantized engine";
  struct Case {
    std::string encoder;
    double min_correlation;
    double max_relative_error;
    double min_dice;
  };
  for (const Case& c : {Case{"resnet18", 0.85, 0.4, 0.7}, Case{"resnet34", 0.85, 0.4, 0.7}}) {
    SCOPED_TRACE(c.encoder);
    UnetOptions options;
    options.encoder = c.encoder;
    Unet model = model_with_random_batch_norms(options);
    QuantizedUnet int8(model);
    for (int i = 0; i < 4; ++i) int8.observe(blob_images(4, 160, 100 + i));
    int8.freeze();
    const torch::Tensor x = blob_images(4, 160, 7);  // not among the calibration images
    torch::NoGradGuard no_grad;
    const torch::Tensor expected = model->forward(x);
    const torch::Tensor got = int8.forward(x);
    ASSERT_EQ(got.sizes(), expected.sizes());
    EXPECT_FALSE(got.is_quantized());
    const double correlation = torch::corrcoef(torch::stack({got.flatten(), expected.flatten()}))[0][1].item<double>();
    const double relative = ((got - expected).abs().mean() / expected.std()).item<double>();
    const torch::Tensor a = expected > 0;
    const torch::Tensor b = got > 0;
    const double dice = 2.0 * (a & b).sum().item<double>() / (a.sum() + b.sum()).item<double>();
    std::cout << c.encoder << ": correlation " << correlation << ", mean error " << relative
              << " of the spread, sign Dice " << dice << "\n";
    EXPECT_GT(correlation, c.min_correlation);
    EXPECT_LT(relative, c.max_relative_error);
    EXPECT_GT(dice, c.min_dice);
  }
}

TEST(QuantizedUnetTest, NeedsObservationsBeforeItRuns) {
  if (!int8_inference_available()) GTEST_SKIP() << "this LibTorch has no oneDNN quantized engine";
  QuantizedUnet int8(model_with_random_batch_norms());
  EXPECT_FALSE(int8.frozen());
  EXPECT_THROW(int8.freeze(), ModelError);
  int8.observe(blob_images(1, 64, 3));
  int8.freeze();
  EXPECT_TRUE(int8.frozen());
  EXPECT_EQ(int8.forward(blob_images(2, 64, 4)).sizes(), torch::IntArrayRef({2, 1, 64, 64}));
}

// Ranges taken from one calibrated instance freeze another to the same int8 network (a cache
// entry is this); ranges that are not this network's are refused and leave it unfrozen.
TEST(QuantizedUnetTest, FrozenRangesFreezeAnotherInstanceToTheSameNetwork) {
  if (!int8_inference_available()) GTEST_SKIP() << "this LibTorch has no oneDNN quantized engine";
  const Unet model = model_with_random_batch_norms();
  QuantizedUnet calibrated(model);
  EXPECT_THROW(calibrated.ranges(), std::exception) << "no ranges before freeze";
  calibrated.observe(blob_images(2, 64, 3));
  calibrated.freeze();
  const std::vector<std::pair<float, float>> ranges = calibrated.ranges();
  ASSERT_GT(ranges.size(), 10u);
  for (const auto& [low, high] : ranges) EXPECT_LE(low, high);

  QuantizedUnet other(model);
  std::vector<std::pair<float, float>> bad = ranges;
  bad.pop_back();
  EXPECT_THROW(other.freeze(bad), ModelError) << "one range too few";
  bad = ranges;
  bad.push_back(ranges.back());
  EXPECT_THROW(other.freeze(bad), ModelError) << "one range too many";
  bad = ranges;
  bad[3].second = std::numeric_limits<float>::quiet_NaN();
  EXPECT_THROW(other.freeze(bad), ModelError) << "NaN";
  bad = ranges;
  std::swap(bad[0].first, bad[0].second);
  if (bad[0].first > bad[0].second) {
    EXPECT_THROW(other.freeze(bad), ModelError) << "low above high";
  }
  EXPECT_FALSE(other.frozen());

  other.freeze(ranges);
  EXPECT_TRUE(other.frozen());
  EXPECT_EQ(other.ranges(), ranges);
  const torch::Tensor x = blob_images(2, 64, 4);
  EXPECT_TRUE(torch::equal(other.forward(x), calibrated.forward(x)));
}

}  // namespace
}  // namespace segoid::model
