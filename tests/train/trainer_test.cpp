// SPDX-License-Identifier: MIT
// End-to-end training on tiny in-memory images: artefacts, bit-exact resume, divergence.
// CTest label: e2e
#include <gtest/gtest.h>
#include <nlohmann/json.hpp>

#include <atomic>
#include <fstream>

#include "../../src/train/python_state.hpp"
#include "model/legacy_checkpoint.hpp"
#include "model/python_fixtures.hpp"
#include "model/same_weights.hpp"
#include "segoid/core/atomic_file.hpp"
#include "segoid/core/error.hpp"
#include "segoid/core/sha256.hpp"
#include "segoid/model/checkpoint.hpp"
#include "segoid/train/trainer.hpp"
#include "test_support.hpp"
#include "tiny_training.hpp"

namespace segoid::train {
namespace {

namespace fs = std::filesystem;

data::TrainingImage disk_image(int index) {
  return test::noisy_disk(7, index, cv::Point(30 + 10 * index, 40 + 7 * index), 14 + 2 * index);
}

TrainConfig tiny_config(const fs::path& runs) {
  TrainConfig c = test::tiny_train_config(runs, 11, 3);
  c.training.memory_format = "channels_last";  // forced: a measured choice could differ between runs
  c.checkpointing.periodic_interval = 2;
  c.tensorboard.image_interval = 2;
  c.tensorboard.num_image_samples = 2;
  return c;
}

TrainResult run(const TrainConfig& c, const TrainOptions& o) {
  return train_on_images(c, o, {disk_image(0), disk_image(1)}, {disk_image(2)});
}

int count_lines(const fs::path& p) {
  std::ifstream in(p);
  int n = 0;
  for (std::string line; std::getline(in, line);) ++n;
  return n;
}

/// The run folder of a finished 3-epoch run with periodic_interval 2.
void expect_every_artefact(const TrainResult& r) {
  EXPECT_TRUE(fs::exists(r.run_dir / "config.yaml"));
  const TrainConfig snapshot = load_train_config(r.run_dir / "config.yaml");
  EXPECT_EQ(snapshot.seed, 11u);
  EXPECT_EQ(count_lines(r.run_dir / "val_metrics.csv"), 4);
  EXPECT_TRUE(fs::exists(r.run_dir / "checkpoints/best_model.pth"));
  EXPECT_TRUE(fs::exists(r.run_dir / "checkpoints/checkpoint_epoch_002.pth"));
  EXPECT_FALSE(fs::exists(r.run_dir / "checkpoints/checkpoint_epoch_003.pth"));
  EXPECT_TRUE(fs::exists(r.run_dir / "checkpoints/final_model.pth"));
  int event_files = 0;
  for (const auto& entry : fs::directory_iterator(r.run_dir / "tensorboard")) {
    event_files += entry.path().filename().string().rfind("events.out.tfevents.", 0) == 0;
    EXPECT_GT(fs::file_size(entry.path()), 1000u);  // scalars and at least one PNG panel
    // The Python SegOid's image tags: one strip per validation sample (num_image_samples = 2).
    const std::string events = core::read_file(entry.path());
    EXPECT_NE(events.find("Sample_0/Image_Mask_Prediction"), std::string::npos);
    EXPECT_NE(events.find("Sample_1/Image_Mask_Prediction"), std::string::npos);
    EXPECT_EQ(events.find("Sample_2/"), std::string::npos);
    EXPECT_NE(events.find("Dice/val"), std::string::npos);
  }
  EXPECT_EQ(event_files, 1);
  const model::CheckpointInfo info = model::read_checkpoint_info(r.run_dir / "checkpoints/best_model.pth");
  EXPECT_EQ(info.model.patch_size, 64);
  EXPECT_EQ(io::to_string(info.model.normalization), "percentile");
  EXPECT_EQ(info.best_epoch, r.best_epoch);
  EXPECT_DOUBLE_EQ(info.best_val_dice, r.best_val_dice);
  EXPECT_EQ(config_from_checkpoint(r.run_dir / "checkpoints/final_model.pth").dataset.patch_size, 64);
}

TEST(TrainerTest, InterruptedAndResumedRunEndsWithIdenticalWeights) {
  test::TempDir dir;
  // Uninterrupted reference, with background batch workers.
  TrainConfig c = tiny_config(dir / "runs");
  c.training.num_workers = 2;
  TrainOptions straight;
  straight.run_dir = dir / "straight";
  const TrainResult a = run(c, straight);
  ASSERT_FALSE(a.interrupted);
  EXPECT_EQ(a.epochs_completed, 3);
  expect_every_artefact(a);

  // Same run, interrupted after the first step of epoch 2 (inline batches), then resumed.
  c.training.num_workers = 0;
  std::atomic<bool> stop{false};
  TrainOptions first;
  first.run_dir = dir / "resumed";
  first.interrupt = &stop;
  first.on_step_end = [&](int epoch, int step) {
    if (epoch == 1 && step == 0) stop = true;
  };
  const TrainResult b = run(c, first);
  ASSERT_TRUE(b.interrupted);
  EXPECT_EQ(b.epochs_completed, 1);
  EXPECT_TRUE(fs::exists(b.interrupted_checkpoint));
  EXPECT_NE(b.resume_command.find("--resume"), std::string::npos);
  EXPECT_TRUE(b.final_checkpoint.empty());

  TrainOptions second;
  second.resume = b.interrupted_checkpoint;
  const TrainResult r = run(c, second);
  EXPECT_FALSE(r.interrupted);
  EXPECT_EQ(r.run_dir, dir / "resumed");
  EXPECT_EQ(r.epochs_completed, 3);
  EXPECT_FALSE(fs::exists(b.interrupted_checkpoint));
  ASSERT_EQ(r.history.size(), 3u);
  for (std::size_t i = 0; i < 3; ++i) {
    EXPECT_EQ(r.history[i].train.loss, a.history[i].train.loss) << i;
    EXPECT_EQ(r.history[i].val.dice, a.history[i].val.dice) << i;
    EXPECT_EQ(r.history[i].lr, a.history[i].lr) << i;
  }
  EXPECT_TRUE(test::same_weights(a.final_checkpoint, r.final_checkpoint));
}

TEST(TrainerTest, ALegacyPtRunFolderResumesToIdenticalWeights) {
  test::TempDir dir;
  TrainConfig c = tiny_config(dir / "runs");
  c.training.epochs = 2;
  TrainOptions straight;
  straight.run_dir = dir / "straight";
  const TrainResult a = run(c, straight);

  // The state after epoch 1 as SegOid wrote it before the .pth format: a LibTorch archive last.pt,
  // the lr and schedule inside the training-state JSON (version 1).
  TrainConfig one = c;
  one.training.epochs = 1;
  TrainOptions first;
  first.run_dir = dir / "old";
  const TrainResult b = run(one, first);
  model::Unet net;
  torch::optim::AdamW optimizer(net->parameters(), torch::optim::AdamWOptions(1.0));
  model::LoadedCheckpoint loaded = model::load_checkpoint(b.final_checkpoint, torch::kCPU, &optimizer);
  const double lr = optimizer.param_groups()[0].options().get_lr();
  ReduceLrOnPlateau schedule(lr, PlateauOptions{});
  load_plateau_state_dict(schedule, loaded.scheduler_state, lr, b.final_checkpoint.string());
  nlohmann::json state = nlohmann::json::parse(loaded.info.trainer_state_json);
  state["version"] = 1;
  state["lr"] = lr;
  state["scheduler"] = nlohmann::json::parse(schedule.to_json());
  loaded.info.trainer_state_json = state.dump();
  const fs::path checkpoints = dir / "old" / "checkpoints";
  std::vector<fs::path> written;
  for (const auto& entry : fs::directory_iterator(checkpoints)) written.push_back(entry.path());
  for (const fs::path& path : written) fs::remove(path);
  test::write_legacy_checkpoint(checkpoints / "last.pt", loaded.model, loaded.info, &optimizer);

  TrainOptions second;
  second.resume = find_resume_checkpoint(dir / "old");
  EXPECT_EQ(second.resume.filename(), "last.pt");
  const TrainResult r = run(c, second);
  EXPECT_EQ(r.epochs_completed, 2);
  ASSERT_EQ(r.history.size(), 2u);
  EXPECT_EQ(r.history[1].val.dice, a.history[1].val.dice);
  EXPECT_TRUE(test::same_weights(a.final_checkpoint, r.final_checkpoint));
  EXPECT_FALSE(fs::exists(checkpoints / "last.pt")) << "final_model.pth holds its state";
}

TEST(TrainerTest, ResumeKeepsTheLayoutRecordedInTheCheckpoint) {
  test::TempDir dir;
  TrainConfig c = tiny_config(dir / "runs");
  c.training.epochs = 2;
  c.training.memory_format = "contiguous";
  std::atomic<bool> stop{false};
  TrainOptions first;
  first.run_dir = dir / "run";
  first.cache_dir = dir / "cache";
  first.interrupt = &stop;
  first.on_step_end = [&](int epoch, int step) {
    if (epoch == 0 && step == 0) stop = true;
  };
  const TrainResult a = run(c, first);
  ASSERT_TRUE(a.interrupted);
  EXPECT_EQ(a.memory_format, "contiguous");
  EXPECT_NE(core::read_file(dir / "run" / "runtime.yaml").find("memory_format_source: forced"), std::string::npos);

  // The resumed run asks for another layout (and for a measurement): it keeps the recorded one.
  for (const std::string asked : {"channels_last", "auto"}) {
    // Each resume in its own copy of the run (a finished resume deletes interrupted.pth).
    const fs::path copy = dir / asked / "checkpoints" / "interrupted.pth";
    fs::create_directories(copy.parent_path());
    fs::copy_file(a.interrupted_checkpoint, copy);
    TrainConfig again = c;
    again.training.memory_format = asked;
    again.training.epochs = 1;  // the interrupted epoch 1 completes, nothing more
    TrainOptions second;
    second.resume = copy;
    second.cache_dir = dir / "cache";
    const TrainResult r = run(again, second);
    EXPECT_EQ(r.memory_format, "contiguous") << asked;
    const std::string runtime = core::read_file(dir / asked / "runtime.yaml");
    EXPECT_NE(runtime.find("memory_format: contiguous"), std::string::npos) << runtime;
    EXPECT_NE(runtime.find("memory_format_source: resumed"), std::string::npos) << runtime;
  }
  EXPECT_FALSE(fs::exists(dir / "cache" / "choices.json")) << "a resumed run measures nothing";
}

TEST(TrainerTest, MaxMinutesStopsAfterTheEpochWithCheckpoints) {
  test::TempDir dir;
  TrainConfig c = tiny_config(dir / "runs");
  c.training.max_minutes = 1e-6;  // runs out during the first epoch
  TrainOptions options;
  options.run_dir = dir / "run";
  const TrainResult r = run(c, options);
  EXPECT_TRUE(r.time_budget_reached);
  EXPECT_FALSE(r.interrupted);
  EXPECT_EQ(r.epochs_completed, 1);
  EXPECT_EQ(count_lines(r.run_dir / "val_metrics.csv"), 2);
  EXPECT_TRUE(fs::exists(r.run_dir / "checkpoints/final_model.pth"));
  EXPECT_TRUE(fs::exists(r.run_dir / "checkpoints/best_model.pth"));
  EXPECT_EQ(model::read_checkpoint_info(r.run_dir / "checkpoints/final_model.pth").epoch, 1);
  // Without a budget (max_minutes 0) every epoch runs: InterruptedAndResumedRunEndsWithIdenticalWeights.
}

TEST(TrainerTest, HubCacheWeightsAreFoundAndHashedIntoTheCheckpoint) {
  const fs::path fixtures = test::torch_fixture_dir();
  if (fixtures.empty()) GTEST_SKIP() << "/usr/bin/python3 lacks torch/torchvision";
  test::TempDir dir;
  const fs::path hub = dir / "torch_home" / "hub" / "checkpoints";
  fs::create_directories(hub);
  fs::create_directories(dir / "empty");
  fs::copy_file(fixtures / "resnet18.pth", hub / "resnet18-f37072fd.pth");
  TrainConfig c = tiny_config(dir / "runs");
  c.model.encoder_weights = "imagenet";
  c.training.epochs = 1;
  TrainOptions o;
  o.weights_dir = (dir / "empty").string() + ":" + hub.string();
  const TrainResult r = run(c, o);
  const model::CheckpointInfo info = model::read_checkpoint_info(r.final_checkpoint);
  EXPECT_EQ(info.encoder_weights_file, (hub / "resnet18-f37072fd.pth").string());
  EXPECT_EQ(info.encoder_weights_sha256, core::sha256_file(fixtures / "resnet18.pth"));
  EXPECT_EQ(info.encoder_weights_sha256.size(), 64u);
}

TEST(TrainerTest, NonFiniteLossStopsWithClearError) {
  test::TempDir dir;
  TrainConfig c = tiny_config(dir / "runs");
  c.training.epochs = 1;
  data::TrainingImage bad = disk_image(0);
  bad.image.setTo(cv::Scalar(std::numeric_limits<float>::quiet_NaN()));
  try {
    train_on_images(c, TrainOptions{}, {bad}, {disk_image(2)});
    FAIL() << "expected ModelError";
  } catch (const ModelError& e) {
    EXPECT_NE(std::string(e.what()).find("non-finite loss"), std::string::npos) << e.what();
  }
}

}  // namespace
}  // namespace segoid::train
