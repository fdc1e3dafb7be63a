// SPDX-License-Identifier: MIT
// A tiny sanity-check project (synthetic plates and a 2-epoch config) for the sanity-check tests.
#pragma once

#include <filesystem>
#include <string>

#include "test_support.hpp"

namespace segoid::test {

/// `count` synthetic plates from plate `first` on, with the manifest root/<name>.
inline std::filesystem::path write_sanity_plates(const std::filesystem::path& root, const std::string& name,
                                                 int first, int count) {
  return write_tiny_plates(root, name, first, count, /*seed=*/11);
}

/// A 2-epoch sanity-check config on root/train.csv and root/val.csv, with `extra` exit criteria.
inline std::string tiny_sanity_config(const std::filesystem::path& root, const std::string& extra) {
  return "data:\n  train_manifest: " + (root / "train.csv").string() + "\n  val_manifest: " +
         (root / "val.csv").string() + "\n  data_root: \"\"\n  data_fraction: 0.5\n" +
         "dataset:\n  patch_size: 64\n  patches_per_image: 4\nmodel:\n  encoder_weights: null\n" +
         "training:\n  epochs: 2\n  batch_size: 4\n  learning_rate: 0.003\n  num_workers: 0\n" +
         "  memory_format: contiguous\n" +
         "tensorboard:\n  enabled: false\noutput:\n  run_dir: " + (root / "sanity").string() +
         "\n  save_overlays: true\n  num_overlay_samples: 1\n" +
         "exit_criteria:\n  min_dice_improvement: 0.0\n  spatial_coherence_threshold: 0.2\n" + extra +
         "threads: 1\ndevice: cpu\nseed: 4\n";
}

}  // namespace segoid::test
