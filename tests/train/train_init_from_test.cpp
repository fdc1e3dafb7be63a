// SPDX-License-Identifier: MIT
// train --init-from: the parent's weights at step 0, its lineage, an architecture mismatch (the
// training runs and the command: train_init_from_run_test.cpp).
#include <gtest/gtest.h>


#include "../model/python_fixtures.hpp"
#include "../model/same_weights.hpp"
#include "../../src/train/trainer_internal.hpp"
#include "segoid/core/error.hpp"
#include "segoid/model/checkpoint.hpp"
#include "segoid/train/trainer.hpp"
#include "init_from_fixture.hpp"
#include "test_support.hpp"
#include "tiny_training.hpp"

namespace segoid::train {
namespace {

namespace fs = std::filesystem;
using init_from::tiny;
using init_from::run;
using init_from::parent_checkpoint;

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
  EXPECT_EQ(lineage[0].epoch, 10);  // epochs trained: Python's "epoch" 9 is a 0-based index
}

}  // namespace
}  // namespace segoid::train
