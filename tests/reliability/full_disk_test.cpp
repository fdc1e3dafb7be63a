// SPDX-License-Identifier: MIT
// Full disks: a small tmpfs (mounted when running as root, skipped otherwise) fills up while train,
// predict_full and quantify_objects write. Each must stop with one error naming the file, leave no
// partial file under a final name and no temporary, and keep the earlier outputs intact.
#include <gtest/gtest.h>

#include <fstream>
#include <map>
#include <memory>

#include <fmt/format.h>

#include "process_control.hpp"
#include "segoid/io/image_io.hpp"
#include "segoid/model/checkpoint.hpp"
#include "test_support.hpp"

namespace segoid::test {
namespace {
namespace fs = std::filesystem;

std::string file_bytes(const fs::path& path) {
  std::ifstream in(path, std::ios::binary);
  return std::string(std::istreambuf_iterator<char>(in), {});
}

/// Every regular file under `dir` (recursive) with its bytes.
std::map<fs::path, std::string> snapshot(const fs::path& dir) {
  std::map<fs::path, std::string> files;
  for (const auto& entry : fs::recursive_directory_iterator(dir)) {
    if (entry.is_regular_file()) files[entry.path()] = file_bytes(entry.path());
  }
  return files;
}

/// Lines of `output` that report an error (the CLI prints exactly one on failure).
int error_lines(const std::string& output) {
  int count = 0;
  for (std::size_t at = output.find(": error: "); at != std::string::npos; at = output.find(": error: ", at + 1)) ++count;
  return count;
}

class FullDiskTest : public ::testing::Test {
 protected:
  void SetUp() override {
    root_ = fast_temp_root() / fmt::format("segoid-full-disk-{}-{}", ::getpid(), counter_++);
    fs::remove_all(root_);
    fs::create_directories(root_);
  }
  void TearDown() override {
    mount_.reset();
    std::error_code ec;
    fs::remove_all(root_, ec);
  }
  /// Mounts a tmpfs of `bytes` at root_/disk, or skips the test.
  bool mount_disk(std::size_t bytes) {
    mount_ = std::make_unique<TmpfsMount>(root_ / "disk", bytes);
    return mount_->mounted();
  }
  fs::path disk() const { return root_ / "disk"; }

  /// A one-epoch model trained on tiny plates (on the normal scratch disk).
  fs::path train_tiny_model(bool save_final) {
    const fs::path train = write_tiny_plates(root_ / "data", "train.csv", 0, 2, 5);
    const fs::path val = write_tiny_plates(root_ / "data", "val.csv", 2, 1, 5);
    std::string yaml = tiny_train_yaml(train, val, root_ / "runs", 1);
    if (!save_final) yaml.replace(yaml.find("save_final: true"), 16, "save_final: false");
    std::ofstream(root_ / "train.yaml") << yaml;
    std::string output;
    EXPECT_EQ(run_command(fmt::format("{} train --config {}", segoid_binary().string(), (root_ / "train.yaml").string()),
                          &output), 0) << output;
    for (const auto& entry : fs::directory_iterator(root_ / "runs")) return entry.path() / "checkpoints";
    return {};
  }

  fs::path root_;
  std::unique_ptr<TmpfsMount> mount_;
  static inline int counter_ = 0;
};

TEST_F(FullDiskTest, TrainCheckpointOnFullDisk) {
  const fs::path checkpoints = train_tiny_model(/*save_final=*/false);
  ASSERT_TRUE(fs::exists(checkpoints / "last.pth"));
  const std::uintmax_t checkpoint_bytes = fs::file_size(checkpoints / "last.pth");
  // Room for config, metrics and best_model.pth of epoch 1, but not for last.pth as well.
  if (!mount_disk(checkpoint_bytes * 3 / 2)) GTEST_SKIP() << mount_->why_not();
  std::string yaml = file_bytes(root_ / "train.yaml");
  yaml.replace(yaml.find((root_ / "runs").string()), (root_ / "runs").string().size(), (disk() / "runs").string());
  std::ofstream(root_ / "disk.yaml") << yaml;
  std::string output;
  const int rc = run_command(fmt::format("{} train --config {}", segoid_binary().string(), (root_ / "disk.yaml").string()),
                             &output);
  EXPECT_EQ(rc, 3) << output;
  EXPECT_EQ(error_lines(output), 1) << output;
  EXPECT_NE(output.find("cannot write"), std::string::npos) << output;
  EXPECT_NE(output.find("last.pth\""), std::string::npos) << output;
  EXPECT_TRUE(temporary_files(disk()).empty()) << temporary_files(disk()).front();
  fs::path run;
  for (const auto& entry : fs::directory_iterator(disk() / "runs")) run = entry.path();
  EXPECT_FALSE(fs::exists(run / "checkpoints" / "last.pth"));
  // What was written before the disk filled up is whole: best_model.pth loads, the metrics row is there.
  ASSERT_TRUE(fs::exists(run / "checkpoints" / "best_model.pth"));
  EXPECT_NO_THROW(model::load_checkpoint(run / "checkpoints" / "best_model.pth"));
  EXPECT_NE(file_bytes(run / "val_metrics.csv").find("\n1,"), std::string::npos);
}

TEST_F(FullDiskTest, PredictOutputsOnFullDisk) {
  const fs::path checkpoints = train_tiny_model(/*save_final=*/true);
  const fs::path model = checkpoints / "final_model.pth";
  ASSERT_TRUE(fs::exists(model));
  const fs::path first = write_tiny_plates(root_ / "plates", "first.csv", 10, 2, 9);
  const fs::path second = write_tiny_plates(root_ / "plates", "second.csv", 12, 3, 9);
  if (!mount_disk(std::size_t{8} << 20)) GTEST_SKIP() << mount_->why_not();
  std::string output;
  const std::string predict = fmt::format("{} predict_full --checkpoint {} --threads 1", segoid_binary().string(),
                                          model.string());
  ASSERT_EQ(run_command(fmt::format("{} --manifest {} --output-dir {}", predict, first.string(),
                                    (disk() / "earlier").string()), &output), 0) << output;
  const auto earlier = snapshot(disk() / "earlier");
  fill_disk(disk(), 40 << 10);  // less than one probability map
  const int rc = run_command(fmt::format("{} --manifest {} --output-dir {}", predict, second.string(),
                                         (disk() / "later").string()), &output);
  EXPECT_EQ(rc, 3) << output;
  EXPECT_EQ(error_lines(output), 1) << output;
  EXPECT_NE(output.find("cannot write \"" + (disk() / "later").string()), std::string::npos) << output;
  EXPECT_TRUE(temporary_files(disk()).empty()) << temporary_files(disk()).front();
  EXPECT_EQ(snapshot(disk() / "earlier"), earlier);
  // Whatever exists under a final name in the failed run is a complete, readable image.
  for (const auto& [path, bytes] : snapshot(disk() / "later")) {
    EXPECT_NO_THROW(io::read_image(path)) << path;
  }
}

TEST_F(FullDiskTest, QuantifyTablesOnFullDisk) {
  // Predicted masks: the plates' true masks under predict_full's names.
  const fs::path manifest = write_tiny_plates(root_ / "plates", "all.csv", 0, 3, 3);
  fs::create_directories(root_ / "pred");
  for (const auto& entry : fs::directory_iterator(root_ / "plates" / "masks")) {
    std::string name = entry.path().stem().string();
    name = name.substr(0, name.rfind("_mask"));
    fs::copy_file(entry.path(), root_ / "pred" / (name + "_pred_mask.tif"));
  }
  if (!mount_disk(std::size_t{2} << 20)) GTEST_SKIP() << mount_->why_not();
  const std::string quantify = fmt::format("{} quantify_objects --pred-mask-dir {} --gt-manifest {} --no-plots "
                                           "--output-dir {}", segoid_binary().string(), (root_ / "pred").string(),
                                           manifest.string(), (disk() / "metrics").string());
  std::string output;
  ASSERT_EQ(run_command(quantify, &output), 0) << output;
  const auto earlier = snapshot(disk() / "metrics");
  ASSERT_TRUE(earlier.count(disk() / "metrics" / "all_objects.csv")) << output;
  fill_disk(disk(), 0);
  const int rc = run_command(quantify, &output);
  EXPECT_EQ(rc, 3) << output;
  EXPECT_EQ(error_lines(output), 1) << output;
  EXPECT_NE(output.find("cannot write \"" + (disk() / "metrics").string()), std::string::npos) << output;
  EXPECT_TRUE(temporary_files(disk()).empty()) << temporary_files(disk()).front();
  // The earlier tables are untouched (a rewrite either lands whole with the same content or not at all).
  EXPECT_EQ(snapshot(disk() / "metrics"), earlier);
}

}  // namespace
}  // namespace segoid::test
