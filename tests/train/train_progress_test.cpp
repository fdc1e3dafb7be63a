// SPDX-License-Identifier: MIT
// Training progress: closing epochs, and its round trip through a checkpoint's stored state.
#include "../../src/train/train_progress.hpp"

#include <gtest/gtest.h>
#include <nlohmann/json.hpp>

#include <limits>


namespace segoid::train {
namespace {

EpochRecord epoch_with_dice(int epoch, double dice) {
  EpochRecord r;
  r.epoch = epoch;
  r.lr = 1e-3 / epoch;
  r.train.loss = 0.5 / epoch;
  r.train.dice = dice - 0.01;
  r.val.loss = 0.6 / epoch;
  r.val.dice = dice;
  r.val.iou = dice / 2;
  r.seconds = 1.25 * epoch;
  r.data_seconds = 0.125;
  return r;
}

/// A progress two epochs and three steps in, with early stopping counting.
Progress sample_progress() {
  Progress p(/*patience=*/3, /*min_delta=*/0.01);
  record_epoch(p, epoch_with_dice(1, 0.4));
  p.early_stopping.step(0.4);
  record_epoch(p, epoch_with_dice(2, 0.3));
  p.early_stopping.step(0.3);
  p.partial.next_step = 3;
  p.partial.loss_sum = 1.0 / 3.0;
  p.partial.patches = 6;
  p.partial.counts = {11, 22, 33, 44};
  p.partial.seconds = 2.5;
  p.partial.data_seconds = 0.25;
  return p;
}

TEST(TrainProgressTest, RecordEpochClosesTheEpochAndKeepsTheBest) {
  Progress p(3, 0.0);
  p.partial.next_step = 7;
  EXPECT_TRUE(record_epoch(p, epoch_with_dice(1, 0.5)));
  EXPECT_EQ(p.epochs_done, 1);
  EXPECT_EQ(p.partial.next_step, 0);
  EXPECT_FALSE(record_epoch(p, epoch_with_dice(2, 0.5)));  // equal is not better
  EXPECT_TRUE(record_epoch(p, epoch_with_dice(3, 0.6)));
  EXPECT_FALSE(record_epoch(p, epoch_with_dice(4, std::numeric_limits<double>::quiet_NaN())));
  EXPECT_EQ(p.epochs_done, 4);
  EXPECT_EQ(p.best_epoch, 3);
  EXPECT_DOUBLE_EQ(p.best_val_dice, 0.6);
  ASSERT_EQ(p.history.size(), 4u);
  EXPECT_EQ(p.history[1].epoch, 2);
}

TEST(TrainProgressTest, RoundTripsThroughTheStoredCheckpointInfo) {
  const Progress saved = sample_progress();
  model::CheckpointInfo info;
  nlohmann::json state = {{"version", 1}};
  progress_to_checkpoint(saved, info, state);
  info.trainer_state_json = state.dump();
  // What the checkpoint file stores, read back.
  const model::CheckpointInfo stored = model::info_from_json(model::info_to_json(info), "test");
  EXPECT_EQ(stored.epoch, 2);
  EXPECT_EQ(stored.best_epoch, 1);
  EXPECT_DOUBLE_EQ(stored.best_val_dice, 0.4);

  Progress restored(3, 0.01);
  progress_from_checkpoint(stored, nlohmann::json::parse(stored.trainer_state_json), restored);
  EXPECT_EQ(restored.epochs_done, saved.epochs_done);
  EXPECT_EQ(restored.best_epoch, saved.best_epoch);
  EXPECT_EQ(restored.best_val_dice, saved.best_val_dice);
  EXPECT_EQ(restored.partial.next_step, 3);
  EXPECT_EQ(restored.partial.loss_sum, saved.partial.loss_sum);  // bit-exact, not approximately
  EXPECT_EQ(restored.partial.patches, 6);
  EXPECT_EQ(restored.partial.counts.tp, 11);
  EXPECT_EQ(restored.partial.counts.fp, 22);
  EXPECT_EQ(restored.partial.counts.fn, 33);
  EXPECT_EQ(restored.partial.counts.tn, 44);
  EXPECT_EQ(restored.partial.seconds, 2.5);
  EXPECT_EQ(restored.partial.data_seconds, 0.25);
  EXPECT_EQ(restored.early_stopping.to_json(), saved.early_stopping.to_json());
  EXPECT_EQ(restored.early_stopping.counter(), 1);
  ASSERT_EQ(restored.history.size(), saved.history.size());
  for (std::size_t i = 0; i < saved.history.size(); ++i) {
    EXPECT_EQ(restored.history[i].epoch, saved.history[i].epoch);
    EXPECT_EQ(restored.history[i].lr, saved.history[i].lr);
    EXPECT_EQ(restored.history[i].val.dice, saved.history[i].val.dice);
    EXPECT_EQ(restored.history[i].seconds, saved.history[i].seconds);
  }
  // Saving the restored progress again gives the same stored text.
  model::CheckpointInfo again;
  nlohmann::json state_again = {{"version", 1}};
  progress_to_checkpoint(restored, again, state_again);
  EXPECT_EQ(state_again.dump(), state.dump());
  EXPECT_EQ(again.history_json, info.history_json);
}

TEST(TrainProgressTest, StateKeysAreThoseOfEarlierCheckpoints) {
  // Checkpoints written before Progress existed must resume: the key names are the format.
  model::CheckpointInfo info;
  nlohmann::json state = nlohmann::json::object();
  progress_to_checkpoint(sample_progress(), info, state);
  EXPECT_EQ(state.at("partial_epoch").dump(),
            R"({"data_seconds":0.25,"fn":33,"fp":22,"loss_sum":0.3333333333333333,"next_step":3,"patches":6,)"
            R"("seconds":2.5,"tn":44,"tp":11})");
  EXPECT_EQ(state.at("best_val_dice").get<double>(), 0.4);
  EXPECT_EQ(state.at("early_stopping").at("counter").get<int>(), 1);
  EXPECT_EQ(state.size(), 3u);
}

TEST(TrainProgressTest, BeforeTheFirstValidationTheCheckpointSaysDiceZero) {
  model::CheckpointInfo info;
  nlohmann::json state = nlohmann::json::object();
  progress_to_checkpoint(Progress(3, 0.0), info, state);
  EXPECT_EQ(info.best_val_dice, 0.0);
  EXPECT_EQ(state.at("best_val_dice").get<double>(), -1.0);  // the state keeps "no validation yet"
}

TEST(TrainProgressTest, MissingPartialEpochIsAJsonError) {
  model::CheckpointInfo info;
  nlohmann::json state = nlohmann::json::object();
  progress_to_checkpoint(sample_progress(), info, state);
  state.erase("partial_epoch");
  Progress p(3, 0.0);
  EXPECT_THROW(progress_from_checkpoint(info, state, p), nlohmann::json::exception);
}

}  // namespace
}  // namespace segoid::train
