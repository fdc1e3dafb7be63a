// SPDX-License-Identifier: MIT
// The int8 U-Net against the float model's own forward (UnetImpl::forward, not the int8 walk):
// calibrated on some images, it must give nearly the same logits on others; and its use is guarded.
#include "segoid/model/quantized_unet.hpp"

#include <gtest/gtest.h>

#include "segoid/core/error.hpp"

namespace segoid::model {
namespace {

/// A model whose BatchNorms do something, as after training (see inference_form_test).
Unet trained_like_model(const std::string& encoder) {
  torch::manual_seed(29);
  UnetOptions options;
  options.encoder = encoder;
  Unet model(options);
  torch::NoGradGuard no_grad;
  for (auto& module : model->modules()) {
    if (auto* bn = module->as<torch::nn::BatchNorm2d>()) {
      bn->weight.uniform_(0.5, 1.5);
      bn->bias.normal_(0.0, 0.1);
      bn->options.momentum(1.0);
    }
  }
  model->train();
  model->forward(torch::rand({8, 1, 96, 96}));
  model->eval();
  return model;
}

/// Images in [0, 1] as the model sees them: smooth blobs on a gradient with noise.
torch::Tensor blob_images(int64_t n, int64_t side, uint64_t seed) {
  torch::manual_seed(seed);
  const torch::Tensor coarse = torch::rand({n, 1, side / 16, side / 16});
  const torch::Tensor smooth = torch::upsample_bilinear2d(coarse, {side, side}, /*align_corners=*/false);
  return (0.7 * smooth + 0.05 * torch::randn({n, 1, side, side})).clamp(0, 1);
}

// An untrained network with random BatchNorms is a hard case for 8-bit scales (heavy-tailed
// activations, no structure to keep), so the bounds are loose: measured correlation 0.970 and
// 0.882, mean error 0.18 and 0.36 of the logits' spread, sign agreement (Dice) 0.95 and above.
// A wrong skip, scale or residual in the int8 walk scatters the logits (correlation near 0). The
// trained model's agreement (Dice 0.9998) is checked in predictor_test's Int8 test.
TEST(QuantizedUnetTest, LogitsFollowTheFloatModel) {
  if (!int8_inference_available()) GTEST_SKIP() << "this LibTorch has no oneDNN quantized engine";
  struct Case {
    std::string encoder;
    double min_correlation;
    double max_relative_error;
  };
  for (const Case& c : {Case{"resnet18", 0.93, 0.3}, Case{"resnet34", 0.8, 0.5}}) {
    SCOPED_TRACE(c.encoder);
    Unet model = trained_like_model(c.encoder);
    QuantizedUnet int8(model);
    for (int i = 0; i < 4; ++i) int8.observe(blob_images(4, 160, 100 + i));
    int8.freeze();
    const torch::Tensor x = blob_images(4, 160, 7);  // not among the calibration images
    torch::NoGradGuard no_grad;
    const torch::Tensor expected = model->forward(x);
    const torch::Tensor got = int8.forward(x);
    ASSERT_EQ(got.sizes(), expected.sizes());
    EXPECT_FALSE(got.is_quantized());
    const torch::Tensor stacked = torch::stack({got.flatten(), expected.flatten()});
    EXPECT_GT(torch::corrcoef(stacked)[0][1].item<double>(), c.min_correlation);
    EXPECT_LT(((got - expected).abs().mean() / expected.std()).item<double>(), c.max_relative_error);
    const torch::Tensor a = expected > 0;
    const torch::Tensor b = got > 0;
    EXPECT_GT(2.0 * (a & b).sum().item<double>() / (a.sum() + b.sum()).item<double>(), 0.9);
  }
}

TEST(QuantizedUnetTest, NeedsObservationsBeforeItRuns) {
  if (!int8_inference_available()) GTEST_SKIP() << "this LibTorch has no oneDNN quantized engine";
  QuantizedUnet int8(trained_like_model("resnet18"));
  EXPECT_FALSE(int8.frozen());
  EXPECT_THROW(int8.freeze(), ModelError);
  int8.observe(blob_images(1, 64, 3));
  int8.freeze();
  EXPECT_TRUE(int8.frozen());
  EXPECT_EQ(int8.forward(blob_images(2, 64, 4)).sizes(), torch::IntArrayRef({2, 1, 64, 64}));
}

}  // namespace
}  // namespace segoid::model
