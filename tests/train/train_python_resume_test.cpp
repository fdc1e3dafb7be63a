// SPDX-License-Identifier: MIT
// Resume both ways: Python (the Python SegOid's Adam and ReduceLROnPlateau) continues a run of ours,
// and `train --resume` continues the checkpoint Python wrote, optimizer and schedule included.
// CTest label: e2e
#include <gtest/gtest.h>

#include <sstream>

#include "model/torch_reference.hpp"
#include "segoid/model/checkpoint.hpp"
#include "segoid/train/trainer.hpp"
#include "test_support.hpp"
#include "tiny_training.hpp"

namespace segoid::train {
namespace {

namespace fs = std::filesystem;

TrainResult run(const TrainConfig& c, const TrainOptions& o) {
  return train_on_images(c, o, {test::noisy_disk(3, 0, {40, 40}, 15), test::noisy_disk(3, 1, {50, 45}, 18)},
                         {test::noisy_disk(3, 2, {45, 50}, 16)});
}

/// The file's AdamW step count (that of the first parameter) and its scheduler's last_epoch.
std::pair<int64_t, int64_t> optimizer_and_schedule_steps(const fs::path& checkpoint) {
  model::Unet net;
  torch::optim::AdamW optimizer(net->parameters(), torch::optim::AdamWOptions(1e-3));
  const model::LoadedCheckpoint loaded = model::load_checkpoint(checkpoint, torch::kCPU, &optimizer);
  const torch::Tensor first = loaded.model->parameters()[0];
  const auto& state = static_cast<const torch::optim::AdamWParamState&>(
      *optimizer.state().at(c10::guts::to_string(first.unsafeGetTensorImpl())));
  const auto schedule = loaded.scheduler_state.toGenericDict();
  return {state.step(), schedule.at(c10::IValue(std::string("last_epoch"))).toInt()};
}

TEST(TrainPythonResumeTest, PythonContinuesOurRunAndWeContinuePythons) {
  if (!test::python_has("torch")) GTEST_SKIP() << "/usr/bin/python3 lacks torch";
  test::TempDir dir;
  TrainConfig c = test::tiny_train_config(dir / "runs", 5, 1);
  TrainOptions first;
  first.run_dir = dir / "ours";
  const TrainResult ours = run(c, first);
  ASSERT_FALSE(ours.final_checkpoint.empty());
  const auto [steps_per_epoch, schedule_steps] = optimizer_and_schedule_steps(ours.final_checkpoint);
  ASSERT_GT(steps_per_epoch, 0);
  EXPECT_EQ(schedule_steps, 1);

  // Epoch 2 in Python, saved as the Python SegOid saves it.
  const fs::path python_file = dir / "python" / "checkpoints" / "checkpoint_epoch_002.pth";
  fs::create_directories(python_file.parent_path());
  std::istringstream said(test::run_torch_reference("python_save " + test::quoted(ours.final_checkpoint) + " " +
                                                    test::quoted(python_file) + " 7"));
  std::string word;
  int64_t python_steps = 0;
  said >> word >> python_steps;
  EXPECT_EQ(python_steps, steps_per_epoch + 1);
  ASSERT_EQ(model::checkpoint_kind(python_file), model::CheckpointKind::kPython);

  // Epoch 3 here.
  c.training.epochs = 3;
  TrainOptions second;
  second.resume = python_file;
  const TrainResult resumed = run(c, second);
  EXPECT_EQ(resumed.run_dir, dir / "python");
  EXPECT_EQ(resumed.epochs_completed, 3);
  ASSERT_EQ(resumed.history.size(), 3u);
  EXPECT_NEAR(resumed.history[0].val.dice, ours.history[0].val.dice, 1e-12);
  EXPECT_EQ(resumed.history[1].epoch, 2);
  EXPECT_EQ(resumed.history[1].val.dice, 0.25);  // what Python recorded
  EXPECT_EQ(resumed.history[1].train.loss, 0.6);
  EXPECT_EQ(resumed.history[2].epoch, 3);
  const auto [steps, schedule] = optimizer_and_schedule_steps(resumed.final_checkpoint);
  EXPECT_EQ(steps, steps_per_epoch + 1 + steps_per_epoch) << "the Python optimizer state carried on";
  EXPECT_EQ(schedule, 3) << "the Python schedule carried on";
  EXPECT_EQ(model::checkpoint_kind(resumed.final_checkpoint), model::CheckpointKind::kSegoid);
}

}  // namespace
}  // namespace segoid::train
