// SPDX-License-Identifier: MIT
// ImageNet encoder weights: file lookup, torchvision file loading, smp's conv1 adaptation.
#include "segoid/model/encoder_weights.hpp"

#include <gtest/gtest.h>

#include <fstream>

#include "python_fixtures.hpp"
#include "segoid/core/error.hpp"
#include "segoid/model/state_dict.hpp"
#include "segoid/model/torch_pickle.hpp"

namespace segoid::model {
namespace {

TEST(EncoderWeightsTest, LoadsTorchvisionFileWithConv1SummedOverRgb) {
  const auto dir = segoid::test::torch_fixture_dir();
  if (dir.empty()) GTEST_SKIP() << "/usr/bin/python3 lacks torch/torchvision";
  torch::manual_seed(4);
  Unet model;
  const auto decoder_before = model->decoder->blocks[0]->as<DecoderBlock>()->conv1[0]->as<torch::nn::Conv2d>()
                                  ->weight.clone();
  load_encoder_weights(model, dir / "resnet18.pth");
  // conv1 against Python's own weight.sum(1, keepdim=True).
  const auto gray = segoid::test::read_f32(dir / "conv1_gray.f32");
  const auto expected = torch::from_blob(const_cast<float*>(gray.data()), {64, 1, 7, 7}, torch::kFloat);
  EXPECT_TRUE(torch::allclose(model->encoder->conv1->weight, expected, /*rtol=*/0, /*atol=*/1e-6));
  // Every other encoder tensor equals the file's; the decoder is untouched.
  const StateDict file = read_state_dict(dir / "resnet18.pth");
  const StateDict encoder = state_dict(*model->encoder);
  size_t compared = 0;
  for (const auto& [name, tensor] : file) {
    if (name == "conv1.weight" || name.rfind("fc.", 0) == 0) continue;
    for (const auto& [ename, etensor] : encoder) {
      if (ename == name) {
        EXPECT_TRUE(torch::equal(tensor, etensor)) << name;
        ++compared;
      }
    }
  }
  EXPECT_EQ(compared, encoder.size() - 1);
  EXPECT_TRUE(torch::equal(decoder_before, model->decoder->blocks[0]->as<DecoderBlock>()->conv1[0]
                                               ->as<torch::nn::Conv2d>()->weight));
}

TEST(EncoderWeightsTest, WrongDepthListsMissingKeys) {
  const auto dir = segoid::test::torch_fixture_dir();
  if (dir.empty()) GTEST_SKIP() << "/usr/bin/python3 lacks torch/torchvision";
  UnetOptions options;
  options.encoder = "resnet34";
  Unet model(options);
  try {
    load_encoder_weights(model, dir / "resnet18.pth");
    FAIL();
  } catch (const ModelError& e) {
    const std::string what = e.what();
    EXPECT_NE(what.find("resnet18.pth"), std::string::npos) << what;
    EXPECT_NE(what.find("missing keys [layer1.2.conv1.weight"), std::string::npos) << what;
  }
}

TEST(EncoderWeightsTest, AdaptsFirstConvLikeSmp) {
  const auto rgb = torch::randn({64, 3, 7, 7});
  EXPECT_TRUE(torch::equal(adapt_first_conv(rgb, 3), rgb));
  const auto five = adapt_first_conv(rgb, 5);
  ASSERT_EQ(five.sizes(), torch::IntArrayRef({64, 5, 7, 7}));
  // smp: new[:, i] = rgb[:, i % 3] * 3 / 5.
  for (int64_t i = 0; i < 5; ++i) {
    EXPECT_TRUE(torch::allclose(five.select(1, i), rgb.select(1, i % 3) * 0.6)) << i;
  }
  const auto two = adapt_first_conv(rgb, 2);
  EXPECT_TRUE(torch::allclose(two.select(1, 1), rgb.select(1, 1) * 1.5));
}

TEST(EncoderWeightsTest, FindsFilesAndExplainsHowToProvideOne) {
  namespace fs = std::filesystem;
  segoid::test::TempDir dir;
  std::ofstream(dir / "resnet34-b627a593.pth") << "x";
  std::ofstream(dir / "resnet18-f37072fd.pth") << "x";
  std::ofstream(dir / "resnet18-notes.txt") << "x";
  EXPECT_EQ(find_encoder_weights("resnet18", "", dir.path().string()), dir / "resnet18-f37072fd.pth");
  EXPECT_EQ(find_encoder_weights("resnet34", "", dir.path().string()), dir / "resnet34-b627a593.pth");
  EXPECT_EQ(find_encoder_weights("resnet18", (dir / "resnet34-b627a593.pth").string(), ""),
            dir / "resnet34-b627a593.pth");
  // A ':'-separated search path: the first folder holding a match wins, empty or missing ones are skipped.
  fs::create_directories(dir / "empty");
  fs::create_directories(dir / "hub");
  std::ofstream(dir / "hub" / "resnet18-5c106cde.pth") << "x";
  std::ofstream(dir / "hub" / "resnet180.pth") << "x";  // another name, not resnet18's
  EXPECT_EQ(find_encoder_weights("resnet18", "", (dir / "missing").string() + ":" + (dir / "empty").string() + ":" +
                                                     (dir / "hub").string() + ":" + dir.path().string()),
            dir / "hub" / "resnet18-5c106cde.pth");
  try {
    find_encoder_weights("resnet34", "", (dir / "empty").string() + ":" + (dir / "hub").string());
    FAIL();
  } catch (const ModelError& e) {
    EXPECT_NE(std::string(e.what()).find((dir / "hub").string()), std::string::npos) << e.what();
    EXPECT_NE(std::string(e.what()).find("TORCH_HOME"), std::string::npos) << e.what();
  }
  for (const auto& [configured, weights_dir] :
       std::vector<std::pair<std::string, std::string>>{{"", ""}, {(dir / "none.pth").string(), ""},
                                                        {"", (dir / "empty").string()}}) {
    try {
      find_encoder_weights("resnet18", configured, weights_dir);
      FAIL();
    } catch (const ModelError& e) {
      const std::string what = e.what();
      EXPECT_NE(what.find("encoder_weights_path"), std::string::npos) << what;
      EXPECT_NE(what.find("SEGOID_WEIGHTS_DIR"), std::string::npos) << what;
      EXPECT_NE(what.find("encoder_weights: null"), std::string::npos) << what;
    }
  }
}

}  // namespace
}  // namespace segoid::model
