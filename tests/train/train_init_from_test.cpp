// SPDX-License-Identifier: MIT
// train --init-from: the parent's weights at step 0, a fresh run, and a lineage that survives.
#include <gtest/gtest.h>

#include <atomic>

#include "../model/python_fixtures.hpp"
#include "../model/same_weights.hpp"
#include "../../src/train/trainer_internal.hpp"
#include "segoid/core/error.hpp"
#include "segoid/model/checkpoint.hpp"
#include "segoid/train/trainer.hpp"
#include "test_support.hpp"
#include "tiny_training.hpp"

namespace segoid::train {
namespace {

namespace fs = std::filesystem;

data::TrainingImage disk(int index) { return test::noisy_disk(3, index, cv::Point(35 + 8 * index, 45), 15); }

TrainConfig tiny(const fs::path& runs) {
  TrainConfig c = test::tiny_train_config(runs, 5, 1);
  c.checkpointing.save_periodic = false;
  c.tensorboard.enabled = false;
  return c;
}

TrainResult run(const TrainConfig& c, const TrainOptions& o = {}) {
  return train_on_images(c, o, {disk(0), disk(1)}, {disk(2)});
}

/// An untrained parent checkpoint (no training run needed) with a known best val Dice.
fs::path parent_checkpoint(const fs::path& dir) {
  model::CheckpointInfo info;
  info.patch_size = 64;
  info.epoch = 12;
  info.best_epoch = 10;
  info.best_val_dice = 0.42;
  torch::manual_seed(99);
  const fs::path path = dir / "parent_best.pt";
  model::save_checkpoint(path, model::Unet(model::unet_options(info)), info);
  return path;
}

std::string sha256sum(const fs::path& path) {
  std::string output;
  if (test::run_command("sha256sum '" + path.string() + "'", &output) != 0) return "";
  return output.substr(0, 64);
}

TEST(TrainInitFromTest, StartsFromTheParentsWeights) {
  test::TempDir dir;
  const fs::path parent = parent_checkpoint(dir.path());
  TrainConfig child = tiny(dir / "runs");
  child.model.init_checkpoint = parent;
  std::vector<model::ParentCheckpoint> lineage;
  model::Unet initial = init_model_from(child, lineage);
  EXPECT_TRUE(test::same_weights(*initial, *model::load_checkpoint(parent).model));
  // The first forward of the initialised model equals the parent's (eval mode, same input).
  model::Unet reference = model::load_checkpoint(parent).model;
  initial->eval();
  reference->eval();
  torch::NoGradGuard no_grad;
  const torch::Tensor x = torch::rand({1, 1, 64, 64});
  EXPECT_TRUE(torch::equal(initial->forward(x), reference->forward(x)));
  ASSERT_EQ(lineage.size(), 1u);
  EXPECT_EQ(lineage[0].file_name, "parent_best.pt");
  EXPECT_DOUBLE_EQ(lineage[0].best_val_dice, 0.42);
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
  EXPECT_EQ(info.lineage[0].file_name, "best_model.pt");
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

TEST(TrainInitFromTest, ArchitectureMismatchNamesTheCheckpoint) {
  test::TempDir dir;
  const fs::path parent = parent_checkpoint(dir.path());
  TrainConfig c = tiny(dir / "runs");
  c.model.encoder = "resnet34";
  c.model.init_checkpoint = parent;
  try {
    run(c);
    FAIL() << "expected ConfigError";
  } catch (const ConfigError& e) {
    EXPECT_NE(std::string(e.what()).find(parent.string()), std::string::npos) << e.what();
    EXPECT_NE(std::string(e.what()).find("resnet34"), std::string::npos) << e.what();
  }
}

TEST(TrainInitFromTest, StartsFromAPythonCheckpoint) {
  if (!test::has_reference_fixtures()) GTEST_SKIP() << "needs /usr/bin/python3 torch and ../shared/reference";
  const fs::path python = test::torch_fixture_dir() / "python_segoid.pth";
  test::TempDir dir;
  TrainConfig c = tiny(dir / "runs");
  c.model.init_checkpoint = python;
  std::vector<model::ParentCheckpoint> lineage;
  EXPECT_TRUE(test::same_weights(*init_model_from(c, lineage), *model::load_checkpoint(python).model));
  ASSERT_EQ(lineage.size(), 1u);
  EXPECT_EQ(lineage[0].file_name, "python_segoid.pth");
  EXPECT_DOUBLE_EQ(lineage[0].best_val_dice, 0.8125);
  EXPECT_EQ(lineage[0].epoch, 9);
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
