// SPDX-License-Identifier: MIT
// Unet: smp's names, shapes and parameter count; forward shapes; shape errors; batch independence.
#include "segoid/model/unet.hpp"
#include "segoid/model/state_dict.hpp"

#include <gtest/gtest.h>

#include <fstream>
#include <map>
#include <sstream>

#include "segoid/core/error.hpp"
#include "test_support.hpp"

namespace segoid::model {
namespace {

constexpr int64_t kSmpResnet18Params = 14321937;

/// "64x1x7x7" / "scalar" as in the reference TSV.
std::string shape_code(const torch::Tensor& t) {
  if (t.dim() == 0) return "scalar";
  std::string text;
  for (int64_t d = 0; d < t.dim(); ++d) text += (d ? "x" : "") + std::to_string(t.size(d));
  return text;
}

std::filesystem::path reference_tsv() {
  return segoid::test::source_dir().parent_path() / "shared" / "reference" / "smp_unet_resnet18_in1_state_dict.tsv";
}

TEST(UnetTest, ParameterCountMatchesSmp) {
  Unet model;
  EXPECT_EQ(parameter_count(*model), kSmpResnet18Params);
}

TEST(UnetTest, StateDictNamesShapesAndOrderMatchSmp) {
  const auto tsv = reference_tsv();
  if (!std::filesystem::exists(tsv)) GTEST_SKIP() << "no ../shared/reference";
  std::ifstream in(tsv);
  std::vector<std::string> expected;
  std::string line;
  while (std::getline(in, line)) {
    if (line.empty() || line[0] == '#') continue;
    std::istringstream fields(line);
    std::string key, shape, dtype;
    std::getline(fields, key, '\t');
    std::getline(fields, shape, '\t');
    std::getline(fields, dtype, '\t');
    expected.push_back(key + " " + shape + " " + dtype);
  }
  ASSERT_EQ(expected.size(), 182u);
  Unet model;
  std::vector<std::string> actual;
  for (const auto& [name, tensor] : state_dict(*model)) {
    const std::string dtype = tensor.scalar_type() == torch::kLong ? "int64" : "float32";
    actual.push_back(name + " " + shape_code(tensor) + " " + dtype);
  }
  EXPECT_EQ(actual, expected);
}

TEST(UnetTest, Resnet34VariantBuildsAndRuns) {
  UnetOptions options;
  options.encoder = "resnet34";
  options.in_channels = 3;
  options.classes = 2;
  Unet model(options);
  // torchvision resnet34 without fc (21,284,672) + smp decoder/head for 3->2 channels.
  int64_t encoder_params = parameter_count(*model->encoder);
  EXPECT_EQ(encoder_params, 21797672 - 513000);
  model->eval();
  torch::NoGradGuard no_grad;
  const auto out = model->forward(torch::randn({1, 3, 64, 64}));
  EXPECT_EQ(out.sizes(), torch::IntArrayRef({1, 2, 64, 64}));
}

TEST(UnetTest, ForwardShapes) {
  torch::manual_seed(1);
  Unet model;
  model->eval();
  torch::NoGradGuard no_grad;
  EXPECT_EQ(model->forward(torch::randn({2, 1, 64, 64})).sizes(), torch::IntArrayRef({2, 1, 64, 64}));
  EXPECT_EQ(model->forward(torch::randn({1, 1, 96, 160})).sizes(), torch::IntArrayRef({1, 1, 96, 160}));
}

TEST(UnetTest, RejectsSidesNotMultipleOf32) {
  Unet model;
  model->eval();
  torch::NoGradGuard no_grad;
  try {
    model->forward(torch::zeros({1, 1, 100, 64}));
    FAIL() << "expected ModelError";
  } catch (const ModelError& e) {
    EXPECT_NE(std::string(e.what()).find("[1, 1, 100, 64]"), std::string::npos) << e.what();
    EXPECT_NE(std::string(e.what()).find("multiples of 32"), std::string::npos) << e.what();
  }
  EXPECT_THROW(model->forward(torch::zeros({1, 3, 64, 64})), ModelError);
  EXPECT_THROW(model->forward(torch::zeros({1, 1, 64, 64}, torch::kByte)), ModelError);
  EXPECT_THROW(Unet(UnetOptions{"resnet50"}), ModelError);
}

TEST(UnetTest, EvalOutputIndependentOfBatchSize) {
  torch::manual_seed(2);
  Unet model;
  model->eval();
  torch::NoGradGuard no_grad;
  const auto batch = torch::randn({3, 1, 64, 64});
  const auto together = model->forward(batch);
  for (int64_t i = 0; i < 3; ++i) {
    const auto alone = model->forward(batch.slice(0, i, i + 1));
    EXPECT_LT((alone - together.slice(0, i, i + 1)).abs().max().item<float>(), 1e-5f);
  }
}

TEST(UnetTest, InitializationFollowsTorchvisionAndSmp) {
  torch::manual_seed(3);
  Unet model;
  // kaiming normal fan_out relu: std = sqrt(2 / (out * k * k)) for layer4 conv (512*9).
  const auto w = model->encoder->layer4[0]->as<BasicBlock>()->conv1->weight;
  EXPECT_NEAR(w.std().item<double>(), std::sqrt(2.0 / (512 * 9)), 0.01 * std::sqrt(2.0 / (512 * 9)));
  // kaiming uniform fan_in relu: bound = sqrt(6 / fan_in); std = bound / sqrt(3).
  const auto d = model->decoder->blocks[0]->as<DecoderBlock>()->conv1[0]->as<torch::nn::Conv2d>()->weight;
  const double fan_in = (512 + 256) * 9;
  EXPECT_NEAR(d.std().item<double>(), std::sqrt(2.0 / fan_in), 0.01 * std::sqrt(2.0 / fan_in));
  EXPECT_LE(d.abs().max().item<double>(), std::sqrt(6.0 / fan_in));
  const auto head = model->segmentation_head[0]->as<torch::nn::Conv2d>();
  EXPECT_EQ(head->bias.abs().sum().item<float>(), 0.0f);
  // Same seed, same weights.
  torch::manual_seed(3);
  Unet again;
  EXPECT_TRUE(torch::equal(again->encoder->conv1->weight, model->encoder->conv1->weight));
}

}  // namespace
}  // namespace segoid::model
