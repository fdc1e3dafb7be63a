// SPDX-License-Identifier: MIT
// The sanity check: config parsing (Python file loads, strict own keys); a tiny run:
// sanity_check_run_test.cpp.
#include "segoid/pipeline/sanity_check.hpp"

#include <gtest/gtest.h>

#include "segoid/core/atomic_file.hpp"
#include "segoid/core/error.hpp"
#include "test_support.hpp"
#include "tiny_sanity.hpp"

namespace segoid::pipeline {
namespace fs = std::filesystem;
TEST(SanityCheckTest, UnknownExitCriterionNamesFileAndKey) {
  test::TempDir dir;
  test::write_sanity_plates(dir.path(), "train.csv", 0, 2);
  test::write_sanity_plates(dir.path(), "val.csv", 2, 1);
  const fs::path config = dir / "sanity.yaml";
  core::write_file_atomic(config, test::tiny_sanity_config(dir.path(), "  spatial_coherence_treshold: 0.3\n"));
  try {
    run_sanity_check(config, {});
    FAIL() << "expected ConfigError";
  } catch (const ConfigError& e) {
    const std::string message = e.what();
    EXPECT_NE(message.find("sanity.yaml"), std::string::npos) << message;
    EXPECT_NE(message.find("exit_criteria.spatial_coherence_treshold"), std::string::npos) << message;
    EXPECT_NE(message.find("did you mean 'exit_criteria.spatial_coherence_threshold'"), std::string::npos) << message;
  }
}

TEST(SanityCheckTest, PythonSanityConfigSectionsParse) {
  // The Python SegOid's sanity_check.yaml (trimmed to its keys) fails only on its missing
  // manifests, not on any key: every section and key is known.
  test::TempDir dir;
  const fs::path config = dir / "python_sanity.yaml";
  core::write_file_atomic(config, R"(data:
  train_manifest: )" + (dir / "absent_train.csv").string() + R"(
  val_manifest: data/splits/val.csv
  data_root: data
dataset:
  patch_size: 256
  patches_per_image: 10
  positive_ratio: 0.7
  negative_threshold: 0.05
  max_jitter: 0.25
  augmentation: {enabled: true, horizontal_flip: 0.5, vertical_flip: 0.5, rotate_90: 0.5, brightness_limit: 0.1, contrast_limit: 0.1}
model: {architecture: unet, encoder: resnet18, encoder_weights: imagenet, in_channels: 1, classes: 1, training_pixel_size: 2.76}
training: {epochs: 5, batch_size: 4, learning_rate: 0.0001, num_workers: 2, pin_memory: true}
loss: {bce_weight: 0.5, dice_weight: 0.5}
output: {run_dir: )" + (dir / "runs").string() + R"(, save_overlays: true, num_overlay_samples: null}
validation: {prediction_threshold: 0.5}
exit_criteria: {min_dice_improvement: 0.0, spatial_coherence_threshold: 0.2}
)");
  try {
    run_sanity_check(config, {});
    FAIL() << "expected the missing manifest to stop the run";
  } catch (const IoError& e) {
    EXPECT_NE(std::string(e.what()).find("absent_train.csv"), std::string::npos) << e.what();
  }
}

}  // namespace segoid::pipeline
