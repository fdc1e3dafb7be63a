// SPDX-License-Identifier: MIT
// End-to-end tests of predict_full through the CLI, and of the predictor on a random-weight U-Net.
#include "segoid/infer/predict_full.hpp"

#include <fmt/format.h>
#include <gtest/gtest.h>
#include <opencv2/imgcodecs.hpp>
#include <opencv2/imgproc.hpp>
#include <torch/torch.h>

#include <fstream>

#include "segoid/core/atomic_file.hpp"
#include "segoid/core/error.hpp"
#include "segoid/data/mask_metrics.hpp"
#include "segoid/infer/predictor.hpp"
#include "segoid/io/image_io.hpp"
#include "segoid/model/checkpoint.hpp"
#include "test_support.hpp"

namespace segoid::infer {
namespace {
namespace fs = std::filesystem;

constexpr int kTile = 64;

/// A random-weight resnet18 U-Net checkpoint with training patch size kTile, written once.
const fs::path& tiny_checkpoint() {
  static test::TempDir dir;
  static const fs::path path = [] {
    torch::manual_seed(0);
    model::Unet net(model::UnetOptions{});
    model::CheckpointInfo info;
    info.patch_size = kTile;
    info.normalization = "range";
    const fs::path p = dir / "tiny.pt";
    model::save_checkpoint(p, net, info);
    return p;
  }();
  return path;
}

/// A gray plate-like image: bright discs on a dark background, plus noise.
cv::Mat plate(int rows, int cols, int depth) {
  cv::Mat image(rows, cols, CV_32FC1, cv::Scalar(0.2));
  cv::circle(image, cv::Point(cols / 3, rows / 2), rows / 5, cv::Scalar(0.8), cv::FILLED);
  cv::circle(image, cv::Point(2 * cols / 3, rows / 3), rows / 8, cv::Scalar(0.7), cv::FILLED);
  cv::Mat noise(rows, cols, CV_32FC1);
  cv::randn(noise, 0.0, 0.05);
  image += noise;
  if (depth == CV_32F) return image;
  cv::Mat out;
  image.convertTo(out, depth, depth == CV_8U ? 255.0 : 65535.0);
  return out;
}

std::string run_cli(const std::string& args, int* status) {
  std::string output;
  *status = test::run_command(test::segoid_binary().string() + " predict_full " + args, &output);
  return output;
}

TEST(PredictFullTest, CorruptImageIsListedAndOthersComplete) {
  test::TempDir dir;
  const fs::path in = dir / "in";
  fs::create_directories(in);
  io::write_gray_tiff(in / "a_8bit.tif", plate(100, 90, CV_8U));
  io::write_gray_tiff(in / "b_16bit.tif", plate(70, 130, CV_16U));
  io::write_float_tiff(in / "c_float.tif", plate(64, 64, CV_32F));
  cv::Mat rgb;
  cv::cvtColor(plate(50, 40, CV_8U), rgb, cv::COLOR_GRAY2BGR);
  cv::imwrite((in / "d_rgb.png").string(), rgb);
  core::write_file_atomic(in / "e_corrupt.tif", "II*\0 this is not a TIFF");
  int status = 0;
  const std::string args = "--checkpoint " + tiny_checkpoint().string() + " --input " + in.string() +
                           " --output-dir " + (dir / "out").string() + " --threads 2 --batch-size 3";
  const std::string output = run_cli(args, &status);
  EXPECT_EQ(status, 1) << output;
  for (const char* name : {"a_8bit", "b_16bit", "c_float", "d_rgb"}) {
    const fs::path mask_path = dir / "out" / (std::string(name) + "_pred_mask.tif");
    ASSERT_TRUE(fs::exists(mask_path)) << name << "\n" << output;
    const io::Image mask = io::read_image(mask_path);
    const io::Image source = io::read_image(in / (std::string(name) + (name[0] == 'd' ? ".png" : ".tif")));
    EXPECT_EQ(mask.pixels.size(), source.pixels.size());
    EXPECT_TRUE(fs::exists(dir / "out" / (std::string(name) + "_pred_prob.tif")));
  }
  const std::string errors = core::read_file(dir / "out" / "errors.csv");
  EXPECT_NE(errors.find("file,reason"), std::string::npos);
  EXPECT_NE(errors.find("e_corrupt.tif"), std::string::npos) << errors;
  EXPECT_EQ(std::count(errors.begin(), errors.end(), '\n'), 2) << errors;
  EXPECT_TRUE(fs::exists(dir / "out" / "predict_meta.yaml"));
  EXPECT_NE(core::read_file(dir / "out" / "predict_meta.yaml").find("tile_size: 64"), std::string::npos);

  // A second run into the same folder must not mix with the first one silently.
  const std::string again = run_cli(args, &status);
  EXPECT_EQ(status, 2) << again;
  EXPECT_NE(again.find("--force"), std::string::npos) << again;
  fs::remove(in / "e_corrupt.tif");
  const std::string forced = run_cli(args + " --force --no-probabilities", &status);
  EXPECT_EQ(status, 0) << forced;
  EXPECT_FALSE(fs::exists(dir / "out" / "errors.csv")) << "stale errors.csv of the first run kept";
  EXPECT_FALSE(fs::exists(dir / "out" / "a_8bit_pred_prob.tif")) << "stale probability map kept";
}

TEST(PredictFullTest, ManifestMasksGivePixelMetrics) {
  test::TempDir dir;
  fs::create_directories(dir / "images");
  fs::create_directories(dir / "masks");
  std::string manifest = "basename,image_path,mask_path\n";
  for (int i = 0; i < 2; ++i) {
    const std::string name = "img" + std::to_string(i);
    const cv::Mat image = plate(96 + 10 * i, 80, CV_8U);
    io::write_gray_tiff(dir / "images" / (name + ".tif"), image);
    cv::Mat truth;
    cv::compare(image, 128, truth, cv::CMP_GT);
    io::write_mask_tiff(dir / "masks" / (name + ".tif"), truth);
    manifest += name + ",images/" + name + ".tif,masks/" + name + ".tif\n";
  }
  core::write_file_atomic(dir / "all.csv", manifest);
  int status = 0;
  const std::string output = run_cli("--checkpoint " + tiny_checkpoint().string() + " --manifest " +
                                         (dir / "all.csv").string() + " --data-root " + dir.path().string() +
                                         " --output-dir " + (dir / "out").string() + " --threads 2",
                                     &status);
  ASSERT_EQ(status, 0) << output;
  EXPECT_NE(output.find("pixel Dice"), std::string::npos) << output;
  const std::string csv = core::read_file(dir / "out" / "pixel_metrics.csv");
  EXPECT_EQ(csv.rfind("basename,dice,iou,precision,recall,pred_pixels,true_pixels\n", 0), 0u) << csv;
  // The row must agree with metrics recomputed from the written mask and the truth.
  const cv::Mat pred = io::read_image(dir / "out" / "img1_pred_mask.tif").pixels;
  const cv::Mat truth = io::read_image(dir / "masks" / "img1.tif").pixels;
  const data::PixelMetrics m = data::pixel_metrics(pred, truth);
  EXPECT_NE(csv.find("img1," + fmt::format("{:.6f},{:.6f}", m.dice, m.iou)), std::string::npos) << csv;
  EXPECT_NE(csv.find(fmt::format(",{},{}\n", m.pred_pixels, m.true_pixels)), std::string::npos) << csv;
}

TEST(PredictorTest, OutputDoesNotDependOnBatchSizeOrInferenceForm) {
  const Predictor fast = Predictor::load(tiny_checkpoint(), {"cpu", 2, true, true});
  PredictorOptions plain_options{"cpu", 2, false, false};
  const Predictor plain = Predictor::load(tiny_checkpoint(), plain_options);
  std::vector<cv::Mat> tiles;
  for (int i = 0; i < 4; ++i) {
    const cv::Mat image = plate(kTile, kTile, CV_32F);
    tiles.push_back(image);
  }
  const std::vector<cv::Mat> batched = fast.predict(tiles);
  ASSERT_EQ(batched.size(), 4u);
  double spread = 0.0;
  for (int i = 0; i < 4; ++i) {
    const cv::Mat single = fast.predict({tiles[i]})[0];
    double diff = 0.0;
    cv::minMaxLoc(cv::abs(single - batched[i]), nullptr, &diff);
    EXPECT_LT(diff, 1e-5) << "tile " << i;
    const cv::Mat reference = plain.predict({tiles[i]})[0];
    cv::minMaxLoc(cv::abs(reference - batched[i]), nullptr, &diff);
    EXPECT_LT(diff, 1e-4) << "folded BatchNorm + channels_last differs from the plain model, tile " << i;
    cv::Scalar mean;
    cv::Scalar stddev;
    cv::meanStdDev(reference, mean, stddev);
    spread = std::max(spread, stddev[0]);
  }
  EXPECT_GT(spread, 1e-4) << "degenerate model: constant output makes the comparison meaningless";
}

TEST(PredictFullTest, ConfigFileIsStrict) {
  test::TempDir dir;
  core::write_file_atomic(dir / "p.yaml", "inference:\n  tile_size: 128\n  overlapp: 0.3\n");
  PredictConfig config;
  try {
    load_predict_config(dir / "p.yaml", config);
    FAIL() << "expected ConfigError";
  } catch (const ConfigError& e) {
    EXPECT_NE(std::string(e.what()).find("overlap"), std::string::npos) << e.what();
  }
  PredictConfig shipped;
  load_predict_config(test::source_dir() / "configs" / "predict.yaml", shipped);
  EXPECT_EQ(shipped.overlap, 0.25);
  EXPECT_EQ(shipped.blend, "gaussian");
}

TEST(PredictFullTest, InputsExpandFoldersAndGlobs) {
  test::TempDir dir;
  for (const char* name : {"b.tif", "a.png", "notes.txt"}) core::write_file_atomic(dir / name, "x");
  const auto from_folder = collect_inputs({dir.path().string()});
  ASSERT_EQ(from_folder.size(), 2u);
  EXPECT_EQ(from_folder[0].filename(), "a.png");
  EXPECT_EQ(collect_inputs({(dir / "*.tif").string(), (dir / "b.tif").string()}).size(), 1u);
  EXPECT_THROW(collect_inputs({(dir / "*.jpg").string()}), ConfigError);
  EXPECT_THROW(collect_inputs({(dir / "missing.tif").string()}), ConfigError);
}

}  // namespace
}  // namespace segoid::infer
