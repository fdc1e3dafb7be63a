// SPDX-License-Identifier: MIT
// The sanity check: config parsing (Python file loads, strict own keys) and a tiny end-to-end run.
#include "segoid/pipeline/sanity_check.hpp"

#include <gtest/gtest.h>

#include "segoid/core/atomic_file.hpp"
#include "segoid/core/error.hpp"
#include "segoid/data/manifest.hpp"
#include "segoid/io/image_io.hpp"
#include "test_support.hpp"

namespace segoid::pipeline {
namespace fs = std::filesystem;
namespace {

fs::path write_plates(const fs::path& root, const std::string& name, int first, int count) {
  return test::write_tiny_plates(root, name, first, count, /*seed=*/11);
}

std::string tiny_config(const fs::path& root, const std::string& extra) {
  return "data:\n  train_manifest: " + (root / "train.csv").string() + "\n  val_manifest: " +
         (root / "val.csv").string() + "\n  data_root: \"\"\n  data_fraction: 0.5\n" +
         "dataset:\n  patch_size: 64\n  patches_per_image: 4\nmodel:\n  encoder_weights: null\n" +
         "training:\n  epochs: 2\n  batch_size: 4\n  learning_rate: 0.003\n  num_workers: 0\n" +
         "tensorboard:\n  enabled: false\noutput:\n  run_dir: " + (root / "sanity").string() +
         "\n  save_overlays: true\n  num_overlay_samples: 1\n" +
         "exit_criteria:\n  min_dice_improvement: 0.0\n  spatial_coherence_threshold: 0.2\n" + extra +
         "threads: 1\ndevice: cpu\nseed: 4\n";
}

}  // namespace

TEST(SanityCheckTest, UnknownExitCriterionNamesFileAndKey) {
  test::TempDir dir;
  write_plates(dir.path(), "train.csv", 0, 2);
  write_plates(dir.path(), "val.csv", 2, 1);
  const fs::path config = dir / "sanity.yaml";
  core::write_file_atomic(config, tiny_config(dir.path(), "  spatial_coherence_treshold: 0.3\n"));
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

TEST(SanityCheckTest, TinyRunWritesCurveOverlaysAndVerdict) {
  test::TempDir dir;
  write_plates(dir.path(), "train.csv", 0, 6);
  write_plates(dir.path(), "val.csv", 6, 2);
  const fs::path config = dir / "sanity.yaml";
  core::write_file_atomic(config, tiny_config(dir.path(), ""));
  const SanityResult result = run_sanity_check(config, {});
  // data_fraction 0.5 of 6 images keeps the floor of 5.
  EXPECT_EQ(data::read_manifest(result.run_dir / "sanity_train.csv").rows.size(), 5u);
  ASSERT_EQ(result.checks.size(), 4u);
  EXPECT_TRUE(fs::exists(result.run_dir / "loss_curve.png"));
  const std::string curve = core::read_file(result.run_dir / "loss_curve.csv");
  EXPECT_EQ(std::count(curve.begin(), curve.end(), '\n'), 3);  // header + 2 epochs
  ASSERT_EQ(result.overlays.size(), 1u);  // num_overlay_samples: 1
  EXPECT_FALSE(io::read_image(result.overlays[0]).pixels.empty());
  EXPECT_TRUE(fs::exists(result.run_dir / "predictions" / "synth_plate_007_pred_mask.tif"));
  const std::string report = core::read_file(result.run_dir / "sanity_report.yaml");
  EXPECT_NE(report.find(result.go ? "verdict: GO" : "verdict: NO-GO"), std::string::npos) << report;
  // The verdict is the conjunction of the checks, and the text says which failed.
  bool all = true;
  for (const auto& check : result.checks) all = all && check.passed;
  EXPECT_EQ(result.go, all);
  const std::string text = format_sanity_result(result);
  EXPECT_NE(text.find(result.go ? "GO:" : "NO-GO:"), std::string::npos) << text;
}

// As the Python SegOid re-runs into runs/sanity_check/, an earlier sanity check in the folder is
// replaced without --force; a folder holding anything else is refused. (The runs stop at their
// missing training manifest, after the folder was prepared.)
TEST(SanityCheckTest, EarlierSanityCheckIsReplacedOtherFoldersRefused) {
  test::TempDir dir;
  const fs::path config = dir / "sanity.yaml";
  core::write_file_atomic(config, tiny_config(dir.path(), ""));  // train.csv does not exist
  core::write_file_atomic(dir / "sanity" / "sanity_train.csv", "basename,image_path\n");
  core::write_file_atomic(dir / "sanity" / "loss_curve.csv", "stale\n");
  EXPECT_THROW(run_sanity_check(config, {}), IoError);  // got past the folder check
  EXPECT_FALSE(fs::exists(dir / "sanity" / "loss_curve.csv")) << "the earlier check was not replaced";
  fs::remove_all(dir / "sanity");
  core::write_file_atomic(dir / "sanity" / "notes.txt", "mine\n");
  try {
    run_sanity_check(config, {});
    FAIL() << "expected ConfigError";
  } catch (const ConfigError& e) {
    EXPECT_NE(std::string(e.what()).find("--force"), std::string::npos) << e.what();
  }
  EXPECT_TRUE(fs::exists(dir / "sanity" / "notes.txt"));
}

}  // namespace segoid::pipeline
