// SPDX-License-Identifier: MIT
// The trainer tests' shared fixture: 96-px images of one bright disk, and the smallest config
// that trains on them end to end in seconds. Each test file adds only what it checks.
#pragma once

#include <opencv2/imgproc.hpp>

#include <cstdint>
#include <filesystem>
#include <string>

#include "segoid/core/rng.hpp"
#include "segoid/data/training_images.hpp"
#include "segoid/train/train_config.hpp"

namespace segoid::test {

/// A 96x96 image of uniform noise in [0.1, 0.3) drawn from `seed` and `index`, with a disk of 0.8
/// at `centre`, and its mask; named "disk<index>".
inline data::TrainingImage noisy_disk(std::uint64_t seed, int index, cv::Point centre, int radius) {
  core::Rng rng(core::mix_seed(seed, static_cast<std::uint64_t>(index)));
  cv::Mat image(96, 96, CV_32FC1);
  for (int row = 0; row < image.rows; ++row) {
    for (int col = 0; col < image.cols; ++col) image.at<float>(row, col) = static_cast<float>(rng.uniform(0.1, 0.3));
  }
  cv::Mat mask = cv::Mat::zeros(96, 96, CV_8UC1);
  cv::circle(mask, centre, radius, cv::Scalar(1), cv::FILLED);
  image.setTo(cv::Scalar(0.8), mask);
  return data::make_training_image("disk" + std::to_string(index), image, mask);
}

/// 64-px patches, 2 per image, batch 2, random initialisation, inline batches, contiguous layout,
/// 2 CPU threads.
inline train::TrainConfig tiny_train_config(const std::filesystem::path& runs, std::uint64_t seed, int epochs) {
  train::TrainConfig c;
  c.dataset.patch_size = 64;
  c.dataset.patches_per_image = 2;
  c.model.encoder_weights.clear();
  c.training.epochs = epochs;
  c.training.batch_size = 2;
  c.training.learning_rate = 1e-3;
  c.training.num_workers = 0;
  // Forced: "auto" would measure both layouts in every run (no cache here); LayoutChoiceTest tests that.
  c.training.memory_format = "contiguous";
  c.run_dir = runs;
  c.seed = seed;
  c.threads = 2;
  c.device = "cpu";
  return c;
}

}  // namespace segoid::test
