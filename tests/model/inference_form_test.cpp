// SPDX-License-Identifier: MIT
// Inference form: same output as the plain eval model, no BatchNorm left, channels_last weights.
#include "segoid/model/inference_form.hpp"

#include <gtest/gtest.h>

#include <algorithm>

#include "model/random_batch_norms.hpp"
#include "segoid/model/state_dict.hpp"

namespace segoid::model {
namespace {

// Float rounding grows with depth and logit size: the plain float model itself is 5e-6..1e-5 x
// max|logit| away from the same model in double (measured here). So the folded model must stay as
// close to the double-precision result as the plain float model is (within 4x its error), and agree
// with the plain one within 2.5e-5 x the logit scale (measured: resnet18 0.9e-5, resnet34 2.1e-5).
TEST(InferenceFormTest, MatchesPlainEvalModel) {
  for (const std::string encoder : {"resnet18", "resnet34"}) {
    SCOPED_TRACE(encoder);
    UnetOptions options;
    options.encoder = encoder;
    Unet plain = model_with_random_batch_norms(options);
    Unet fast = make_inference_model(plain);
    torch::NoGradGuard no_grad;
    const auto x = torch::randn({2, 1, 96, 64}) * 0.5 + 0.3;
    const auto expected = plain->forward(x);
    const auto actual = fast->forward(x);
    const double scale = std::max(1.0, expected.abs().max().item<double>());
    const double fast_vs_plain = (actual - expected).abs().max().item<double>();
    EXPECT_LT(fast_vs_plain, 2.5e-5 * scale) << "max |logit| " << scale;
    EXPECT_GT(expected.std().item<float>(), 1e-2f);

    plain->to(torch::kDouble);
    const auto exact = plain->forward(x.to(torch::kDouble));
    const double plain_error = (expected.to(torch::kDouble) - exact).abs().max().item<double>();
    const double fast_error = (actual.to(torch::kDouble) - exact).abs().max().item<double>();
    EXPECT_LT(fast_error, 4.0 * plain_error + 1e-7) << "plain float error " << plain_error;
  }
}

TEST(InferenceFormTest, HasNoBatchNormAndChannelsLastWeights) {
  Unet plain = model_with_random_batch_norms();
  Unet fast = make_inference_model(plain);
  EXPECT_FALSE(fast->is_training());
  for (const auto& module : fast->modules()) EXPECT_EQ(module->as<torch::nn::BatchNorm2d>(), nullptr);
  for (const auto& [name, p] : state_dict(*fast)) {
    EXPECT_FALSE(p.requires_grad()) << name;
    if (p.dim() != 4) continue;
    // channels_last strides: [H*W*C, 1, W*C, C], also for 1-channel weights.
    const auto c = p.size(1), w = p.size(3);
    EXPECT_EQ(p.strides(), torch::IntArrayRef({p.size(2) * w * c, 1, w * c, c})) << name;
  }
  // Conv weights and biases only: 182 entries minus BatchNorms' 5 each, plus one bias per folded conv.
  EXPECT_EQ(state_dict(*fast).size(), 182u - 5 * 30 + 30);
  // The trained model is untouched and keeps training.
  EXPECT_FALSE(plain->encoder->conv1->weight.is_contiguous(torch::MemoryFormat::ChannelsLast) &&
               plain->encoder->conv1->weight.stride(1) == 1);
  EXPECT_THROW(make_inference_model(fast), std::exception);
}

}  // namespace
}  // namespace segoid::model
