// SPDX-License-Identifier: MIT
// train --init-from end to end: the lineage chains through trained generations and survives a
// resume, and the command refuses --init-from with --resume.
// CTest label: e2e
#include <gtest/gtest.h>

#include <atomic>
#include <fstream>
#include <string>

#include "init_from_fixture.hpp"
#include "segoid/model/checkpoint.hpp"
#include "segoid/train/trainer.hpp"
#include "test_support.hpp"

namespace segoid::train {
namespace {

namespace fs = std::filesystem;
using init_from::tiny;
using init_from::run;
using init_from::parent_checkpoint;

std::string sha256sum(const fs::path& path) {
  std::string output;
  if (test::run_command("sha256sum '" + path.string() + "'", &output) != 0) return "";
  return output.substr(0, 64);
}

TEST(TrainInitFromTest, LineageChainsThroughGenerationsInNewRunFolders) {
  test::TempDir dir;
  const fs::path parent = parent_checkpoint(dir.path());
  TrainConfig c = tiny(dir / "runs");
  c.model.init_checkpoint = parent;
  const TrainResult child = run(c);
  EXPECT_EQ(child.run_dir.parent_path(), dir / "runs");  // a new train_YYYYMMDD_HHMMSS folder
  EXPECT_EQ(child.epochs_completed, 1);  // a fresh schedule: epochs count from 0, not from the parent's 12
  const model::CheckpointInfo child_info = model::read_checkpoint_info(child.final_checkpoint);
  EXPECT_EQ(child_info.epoch, 1);
  ASSERT_EQ(child_info.lineage.size(), 1u);
  EXPECT_EQ(child_info.lineage[0].file_name, "parent_best.pt");
  EXPECT_DOUBLE_EQ(child_info.lineage[0].best_val_dice, 0.42);
  EXPECT_EQ(child_info.lineage[0].epoch, 12);
  const std::string parent_sha = sha256sum(parent);
  if (!parent_sha.empty()) {
    EXPECT_EQ(child_info.lineage[0].sha256, parent_sha);
  }
  EXPECT_EQ(load_train_config(child.run_dir / "config.yaml").model.init_checkpoint, parent);

  c.model.init_checkpoint = child.best_checkpoint;
  const TrainResult grandchild = run(c);
  const model::CheckpointInfo info = model::read_checkpoint_info(grandchild.best_checkpoint);
  ASSERT_EQ(info.lineage.size(), 2u);
  EXPECT_EQ(info.lineage[0].file_name, "best_model.pth");
  const std::string child_sha = sha256sum(child.best_checkpoint);
  if (!child_sha.empty()) {
    EXPECT_EQ(info.lineage[0].sha256, child_sha);
  }
  EXPECT_EQ(info.lineage[1].sha256, child_info.lineage[0].sha256);
}

TEST(TrainInitFromTest, ResumeKeepsLineageWithoutRereadingTheParent) {
  test::TempDir dir;
  const fs::path parent_copy = dir / "parent.pt";
  fs::rename(parent_checkpoint(dir.path()), parent_copy);
  TrainConfig c = tiny(dir / "runs");
  c.training.epochs = 2;
  c.model.init_checkpoint = parent_copy;
  std::atomic<bool> stop{false};
  TrainOptions first;
  first.interrupt = &stop;
  first.on_step_end = [&](int epoch, int step) {
    if (epoch == 1 && step == 0) stop = true;
  };
  const TrainResult interrupted = run(c, first);
  ASSERT_TRUE(interrupted.interrupted);
  fs::remove(parent_copy);  // resuming must not need the parent any more
  TrainOptions second;
  second.resume = interrupted.interrupted_checkpoint;
  const TrainResult resumed = run(c, second);
  EXPECT_EQ(resumed.epochs_completed, 2);
  const model::CheckpointInfo info = model::read_checkpoint_info(resumed.final_checkpoint);
  ASSERT_EQ(info.lineage.size(), 1u);
  EXPECT_EQ(info.lineage[0].file_name, "parent.pt");
}

TEST(TrainInitFromTest, CommandRefusesInitFromWithResume) {
  test::TempDir dir;
  const fs::path fake = dir / "x.pt";
  std::ofstream(fake) << "x";
  std::string output;
  const std::string command = "'" + test::segoid_binary().string() + "' train --init-from '" + fake.string() +
                              "' --resume '" + fake.string() + "' --config '" +
                              (test::source_dir() / "configs/train.yaml").string() + "'";
  EXPECT_EQ(test::run_command(command, &output), 2) << output;
  EXPECT_NE(output.find("--init-from"), std::string::npos) << output;
}

}  // namespace
}  // namespace segoid::train
