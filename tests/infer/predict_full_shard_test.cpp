// SPDX-License-Identifier: MIT
// predict_full --shard i/n through the binary: shards share one output folder without clashes, and
// their merged metrics equal an unsharded run's.
// CTest label: e2e
#include <gtest/gtest.h>
#include <opencv2/imgproc.hpp>
#include <torch/torch.h>

#include <algorithm>
#include <set>

#include "segoid/core/atomic_file.hpp"
#include "segoid/core/error.hpp"
#include "segoid/infer/predict_full.hpp"
#include "segoid/io/image_io.hpp"
#include "segoid/model/checkpoint.hpp"
#include "test_support.hpp"

namespace segoid::infer {
namespace {
namespace fs = std::filesystem;

/// A random-weight U-Net checkpoint with a 64 px patch size, written once.
const fs::path& shard_checkpoint() {
  static test::TempDir dir;
  static const fs::path path = [] {
    torch::manual_seed(1);
    model::Unet net(model::UnetOptions{});
    model::CheckpointInfo info;
    info.model.patch_size = 64;
    info.model.normalization = io::Normalization::kRange;
    const fs::path p = dir / "tiny.pt";
    model::save_checkpoint(p, net, info);
    return p;
  }();
  return path;
}

/// `count` small 8-bit images named img0..img<count-1> in `folder`.
void write_images(const fs::path& folder, int count) {
  fs::create_directories(folder);
  for (int i = 0; i < count; ++i) {
    cv::Mat image(48, 56, CV_8UC1, cv::Scalar(40));
    cv::circle(image, cv::Point(20 + i, 24), 10, cv::Scalar(200), cv::FILLED);
    io::write_gray_tiff(folder / ("img" + std::to_string(i) + ".tif"), image);
  }
}

/// Names of the files in `folder`.
std::set<std::string> files_in(const fs::path& folder) {
  std::set<std::string> names;
  for (const auto& entry : fs::directory_iterator(folder)) names.insert(entry.path().filename().string());
  return names;
}

std::string run_predict(const std::string& args, int* status) {
  std::string output;
  *status = test::run_command(test::segoid_binary().string() + " predict_full " + args, &output);
  return output;
}

TEST(PredictShardTest, ShardsShareOneFolderAndCoverAllImagesOnce) {
  test::TempDir dir;
  write_images(dir / "in", 5);
  const std::string common = "--checkpoint " + shard_checkpoint().string() + " --input " + (dir / "in").string() +
                             " --output-dir " + (dir / "out").string() + " --threads 1 --no-probabilities";
  std::vector<std::set<std::string>> masks_of(3);
  std::set<std::string> before;
  for (int shard = 1; shard <= 3; ++shard) {
    int status = 0;
    const std::string output = run_predict(common + " --shard " + std::to_string(shard) + "/3", &status);
    ASSERT_EQ(status, 0) << output;
    const std::set<std::string> after = files_in(dir / "out");
    for (const std::string& name : after) {
      if (!before.count(name) && name.find("_pred_mask.tif") != std::string::npos) masks_of[shard - 1].insert(name);
    }
    EXPECT_TRUE(after.count("predict_meta.shard-" + std::to_string(shard) + "-of-3.yaml")) << output;
    before = after;
  }
  // Sorted inputs img0..img4, round-robin: shard 1 gets positions 0 and 3, shard 2 gets 1 and 4, shard 3 gets 2.
  EXPECT_EQ(masks_of[0], (std::set<std::string>{"img0_pred_mask.tif", "img3_pred_mask.tif"}));
  EXPECT_EQ(masks_of[1], (std::set<std::string>{"img1_pred_mask.tif", "img4_pred_mask.tif"}));
  EXPECT_EQ(masks_of[2], (std::set<std::string>{"img2_pred_mask.tif"}));
  EXPECT_FALSE(fs::exists(dir / "out" / "predict_meta.yaml")) << "a shard wrote the unsharded run file";
  EXPECT_NE(core::read_file(dir / "out" / "predict_meta.shard-2-of-3.yaml").find("shard: 2/3"), std::string::npos);

  // Re-running one shard into the folder replaces its own files only.
  int status = 0;
  const std::string again = run_predict(common + " --shard 2/3", &status);
  EXPECT_EQ(status, 0) << again;
  EXPECT_EQ(files_in(dir / "out"), before) << "re-running shard 2 changed other shards' files";
  const std::string forced = run_predict(common + " --shard 2/3 --force", &status);
  EXPECT_EQ(status, 0) << forced;
  EXPECT_EQ(files_in(dir / "out"), before) << "--force on shard 2 changed other shards' files";

  // An unsharded run sees all the shards' files as an earlier run.
  const std::string plain = run_predict(common, &status);
  EXPECT_EQ(status, 2) << plain;
}

TEST(PredictShardTest, MergedShardMetricsEqualAnUnshardedRun) {
  test::TempDir dir;
  write_images(dir / "images", 5);
  std::string manifest = "basename,image_path,mask_path\n";
  fs::create_directories(dir / "masks");
  for (int i = 4; i >= 0; --i) {  // manifest order, not name order, decides the shards
    const std::string name = "img" + std::to_string(i);
    cv::Mat truth = cv::Mat::zeros(48, 56, CV_8UC1);
    cv::rectangle(truth, cv::Rect(10 + i, 12, 20, 20), cv::Scalar(255), cv::FILLED);
    io::write_mask_tiff(dir / "masks" / (name + ".tif"), truth);
    manifest += name + ",images/" + name + ".tif,masks/" + name + ".tif\n";
  }
  core::write_file_atomic(dir / "m.csv", manifest);
  const std::string common = "--checkpoint " + shard_checkpoint().string() + " --manifest " + (dir / "m.csv").string() +
                             " --data-root " + dir.path().string() + " --threads 1 --no-probabilities --output-dir ";
  int status = 0;
  std::string output = run_predict(common + (dir / "full").string(), &status);
  ASSERT_EQ(status, 0) << output;
  for (const char* shard : {"1/2", "2/2"}) {
    output = run_predict(common + (dir / "shards").string() + " --shard " + shard, &status);
    ASSERT_EQ(status, 0) << output;
  }
  EXPECT_TRUE(fs::exists(dir / "shards" / "pixel_metrics.shard-1-of-2.csv"));
  EXPECT_TRUE(fs::exists(dir / "shards" / "pixel_metrics.shard-2-of-2.csv"));
  output.clear();
  status = test::run_command(test::segoid_binary().string() + " merge_metrics " + (dir / "shards").string() +
                                 " --output-dir " + (dir / "merged").string(),
                             &output);
  ASSERT_EQ(status, 0) << output;
  EXPECT_NE(output.find("pixel_metrics.shard-2-of-2.csv"), std::string::npos) << output;
  // The unsharded run lists rows in manifest order (img4 first); the merge sorts by basename.
  const std::string full = core::read_file(dir / "full" / "pixel_metrics.csv");
  std::vector<std::string> lines;
  std::size_t start = 0;
  for (std::size_t end; (end = full.find('\n', start)) != std::string::npos; start = end + 1) {
    lines.push_back(full.substr(start, end - start + 1));
  }
  ASSERT_EQ(lines.size(), 6u) << full;
  std::sort(lines.begin() + 1, lines.end());
  std::string expected;
  for (const std::string& line : lines) expected += line;
  EXPECT_EQ(core::read_file(dir / "merged" / "pixel_metrics.csv"), expected);
}

TEST(PredictShardTest, BadShardFailsWithConfigExitCode) {
  test::TempDir dir;
  write_images(dir / "in", 1);
  int status = 0;
  const std::string output = run_predict("--checkpoint " + shard_checkpoint().string() + " --input " +
                                             (dir / "in").string() + " --output-dir " + (dir / "out").string() +
                                             " --shard 3/2",
                                         &status);
  EXPECT_EQ(status, 2) << output;
  EXPECT_NE(output.find("--shard"), std::string::npos) << output;
  EXPECT_FALSE(fs::exists(dir / "out" / "img0_pred_mask.tif"));
}

}  // namespace
}  // namespace segoid::infer
