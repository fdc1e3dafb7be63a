// SPDX-License-Identifier: MIT
// The train --init-from tests' fixture: an untrained parent checkpoint and a one-epoch tiny run.
#pragma once

#include <torch/torch.h>

#include <filesystem>

#include "../../src/train/trainer_internal.hpp"
#include "segoid/model/checkpoint.hpp"
#include "segoid/train/trainer.hpp"
#include "tiny_training.hpp"

namespace segoid::train::init_from {

/// The three 96-px training images: a bright disk each, shifted.
inline data::TrainingImage disk(int index) { return test::noisy_disk(3, index, cv::Point(35 + 8 * index, 45), 15); }

/// One epoch of the tiny config, no periodic checkpoints, no TensorBoard.
inline TrainConfig tiny(const std::filesystem::path& runs) {
  TrainConfig c = test::tiny_train_config(runs, 5, 1);
  c.checkpointing.save_periodic = false;
  c.tensorboard.enabled = false;
  return c;
}

/// Trains on disks 0 and 1, validates on disk 2.
inline TrainResult run(const TrainConfig& c, const TrainOptions& o = {}) {
  return train_on_images(c, o, {disk(0), disk(1)}, {disk(2)});
}

/// An untrained parent checkpoint (no training run needed) with a known best val Dice.
inline std::filesystem::path parent_checkpoint(const std::filesystem::path& dir) {
  model::CheckpointInfo info;
  info.model.patch_size = 64;
  info.epoch = 12;
  info.best_epoch = 10;
  info.best_val_dice = 0.42;
  torch::manual_seed(99);
  const std::filesystem::path path = dir / "parent_best.pt";
  model::save_checkpoint(path, model::Unet(model::unet_options(info.model)), info);
  return path;
}

}  // namespace segoid::train::init_from
