// SPDX-License-Identifier: MIT
// train.yaml loading: Python files load unchanged, strict keys, typed errors, YAML round trip.
#include <gtest/gtest.h>

#include <set>
#include <string>

#include "segoid/core/error.hpp"
#include "segoid/train/train_config.hpp"
#include "test_support.hpp"

namespace segoid::train {
namespace {

std::string error_of(const std::string& yaml) {
  try {
    parse_train_config(yaml, "my.yaml");
  } catch (const ConfigError& e) {
    return e.what();
  }
  return "";
}

TEST(TrainConfigTest, PythonTrainYamlLoadsUnchanged) {
  const TrainConfig c = load_train_config(test::source_dir() / "tests/train/fixtures/python_train.yaml");
  EXPECT_EQ(c.data.train_manifest, "data/splits/train.csv");
  EXPECT_EQ(c.data.data_root, "data");
  EXPECT_EQ(c.dataset.patch_size, 256);
  EXPECT_DOUBLE_EQ(c.dataset.augmentation.contrast_limit, 0.1);
  EXPECT_EQ(c.model.encoder_weights, "imagenet");
  EXPECT_DOUBLE_EQ(c.model.training_pixel_size, 2.76);
  EXPECT_DOUBLE_EQ(c.training.learning_rate, 1e-4);
  EXPECT_EQ(c.early_stopping.patience, 10);
  EXPECT_DOUBLE_EQ(c.lr_scheduler.min_lr, 1e-5);
  EXPECT_EQ(c.tensorboard.image_interval, 10);
  EXPECT_EQ(c.run_dir, "runs");
  EXPECT_DOUBLE_EQ(c.prediction_threshold, 0.5);
  EXPECT_EQ(c.normalization, "percentile");  // our default when the key is absent
}

TEST(TrainConfigTest, ShippedConfigsLoad) {
  for (const char* name : {"configs/train.yaml", "configs/production_train.yaml"}) {
    SCOPED_TRACE(name);
    const TrainConfig c = load_train_config(test::source_dir() / name);
    EXPECT_EQ(c.model.encoder, "resnet18");
  }
  const TrainConfig prod = load_train_config(test::source_dir() / "configs/production_train.yaml");
  EXPECT_EQ(prod.training.epochs, 100);
  EXPECT_FALSE(prod.early_stopping.enabled);
  EXPECT_EQ(prod.data.train_manifest, prod.data.val_manifest);
}

TEST(TrainConfigTest, UnknownKeySuggestsNearest) {
  const std::string msg = error_of("training:\n  learning_rte: 0.001\n");
  EXPECT_NE(msg.find("my.yaml"), std::string::npos) << msg;
  EXPECT_NE(msg.find("training.learning_rte"), std::string::npos) << msg;
  EXPECT_NE(msg.find("did you mean 'training.learning_rate'"), std::string::npos) << msg;
  const std::string top = error_of("seeed: 3\n");
  EXPECT_NE(top.find("did you mean 'seed'"), std::string::npos) << top;
}

TEST(TrainConfigTest, WrongTypeNamesTheKey) {
  const std::string msg = error_of("training:\n  epochs: many\n");
  EXPECT_NE(msg.find("training.epochs"), std::string::npos) << msg;
  EXPECT_NE(msg.find("integer"), std::string::npos) << msg;
  const std::string b = error_of("early_stopping:\n  enabled: maybe\n");
  EXPECT_NE(b.find("early_stopping.enabled"), std::string::npos) << b;
}

TEST(TrainConfigTest, OutOfRangeNamesTheKey) {
  EXPECT_NE(error_of("dataset:\n  positive_ratio: 1.5\n").find("dataset.positive_ratio"), std::string::npos);
  EXPECT_NE(error_of("dataset:\n  patch_size: 100\n").find("multiple of 32"), std::string::npos);
  EXPECT_NE(error_of("device: gpu\n").find("device"), std::string::npos);
  EXPECT_NE(error_of("model:\n  encoder: resnet50\n").find("model.encoder"), std::string::npos);
}

TEST(TrainConfigTest, NullEncoderWeightsMeansRandomInit) {
  const TrainConfig c = parse_train_config("model:\n  encoder_weights: null\n", "x.yaml");
  EXPECT_TRUE(c.model.encoder_weights.empty());
}

TEST(TrainConfigTest, MemoryFormatAndMaxMinutesAreChecked) {
  EXPECT_THROW(parse_train_config("training:\n  memory_format: nhwc\n", "t.yaml"), ConfigError);
  EXPECT_THROW(parse_train_config("training:\n  max_minutes: -1\n", "t.yaml"), ConfigError);
  const TrainConfig c = parse_train_config("training:\n  memory_format: channels_last\n  max_minutes: 6\n", "t.yaml");
  EXPECT_EQ(c.training.memory_format, "channels_last");
  EXPECT_DOUBLE_EQ(c.training.max_minutes, 6.0);
  EXPECT_EQ(TrainConfig{}.training.memory_format, "auto");
}

TEST(TrainConfigTest, YamlRoundTripKeepsEveryValue) {
  TrainConfig c;
  c.seed = 1234567890123ULL;
  c.training.learning_rate = 3.3e-4;
  c.model.encoder_weights.clear();
  c.dataset.augmentation.rotate_90 = 0.25;
  c.normalization = "range";
  c.run_dir = "somewhere/else";
  c.training.memory_format = "contiguous";
  c.training.max_minutes = 7.5;
  const std::string text = to_yaml(c);
  const TrainConfig back = parse_train_config(text, "snapshot.yaml");
  EXPECT_EQ(to_yaml(back), text);
  EXPECT_EQ(back.seed, c.seed);
  EXPECT_DOUBLE_EQ(back.training.learning_rate, 3.3e-4);
  EXPECT_TRUE(back.model.encoder_weights.empty());
  EXPECT_EQ(back.normalization, "range");
  EXPECT_EQ(back.training.memory_format, "contiguous");
  EXPECT_DOUBLE_EQ(back.training.max_minutes, 7.5);
  EXPECT_NE(text.find("git_hash"), std::string::npos);
}

TEST(TrainConfigTest, RobustnessAugmentationIsOffUnlessNamed) {
  const TrainConfig python = load_train_config(test::source_dir() / "tests/train/fixtures/python_train.yaml");
  const AugmentSection& a = python.dataset.augmentation;
  EXPECT_EQ(a.scale + a.grid_distortion + a.gamma + a.blur + a.noise + a.invert, 0.0);
  const TrainConfig c = parse_train_config(
      "dataset:\n  augmentation:\n    gamma: 0.4\n    gamma_min: 0.5\n    gamma_max: 2.0\n    invert: 0.1\n"
      "    scale: 0.3\n    scale_min: 0.5\n    grid_distortion: 0.2\n    grid_cells: 6\n    blur: 0.25\n"
      "    blur_sigma_max: 3.0\n    noise: 0.5\n    noise_sd_max: 0.08\n",
      "aug.yaml");
  EXPECT_DOUBLE_EQ(c.dataset.augmentation.gamma, 0.4);
  EXPECT_DOUBLE_EQ(c.dataset.augmentation.gamma_min, 0.5);
  EXPECT_DOUBLE_EQ(c.dataset.augmentation.gamma_max, 2.0);
  EXPECT_DOUBLE_EQ(c.dataset.augmentation.invert, 0.1);
  EXPECT_DOUBLE_EQ(c.dataset.augmentation.scale_min, 0.5);
  EXPECT_EQ(c.dataset.augmentation.grid_cells, 6);
  EXPECT_DOUBLE_EQ(c.dataset.augmentation.noise_sd_max, 0.08);
  EXPECT_DOUBLE_EQ(c.dataset.augmentation.blur, 0.25);
  const TrainConfig back = parse_train_config(to_yaml(c), "snapshot.yaml");
  EXPECT_DOUBLE_EQ(back.dataset.augmentation.gamma_max, 2.0);
  EXPECT_DOUBLE_EQ(back.dataset.augmentation.grid_distortion, 0.2);
  EXPECT_NE(error_of("dataset:\n  augmentation:\n    gamma_max: 9\n").find("dataset.augmentation.gamma_max"),
            std::string::npos);
  EXPECT_NE(error_of("dataset:\n  augmentation:\n    noise: -1\n").find("dataset.augmentation.noise"),
            std::string::npos);
}

TEST(TrainConfigTest, RecordsTheKeysTheFileNamed) {
  // epochs 50 and lr_scheduler.factor 0.5 are the defaults: named all the same.
  const TrainConfig c = parse_train_config(
      "training:\n  epochs: 50\n  learning_rate: 0.001\nlr_scheduler:\n  factor: 0.5\n"
      "dataset:\n  augmentation:\n    gamma: 0.4\nseed: 42\n",
      "named.yaml");
  EXPECT_EQ(c.named_keys, (std::set<std::string>{"training.epochs", "training.learning_rate", "lr_scheduler.factor",
                                                 "dataset.augmentation.gamma", "seed"}));
  EXPECT_EQ(c.named_keys.count("training.batch_size"), 0u) << "absent keys are not named";
  EXPECT_TRUE(TrainConfig{}.named_keys.empty());
  EXPECT_TRUE(parse_train_config("", "empty.yaml").named_keys.empty());
  // A Python SegOid file names what it sets, and nothing it leaves out.
  const TrainConfig python = load_train_config(test::source_dir() / "tests/train/fixtures/python_train.yaml");
  EXPECT_EQ(python.named_keys.count("model.training_pixel_size"), 1u);
  EXPECT_EQ(python.named_keys.count("dataset.augmentation.contrast_limit"), 1u);
  EXPECT_EQ(python.named_keys.count("normalization"), 0u);
  EXPECT_EQ(python.named_keys.count("model.image_scale"), 0u);
  // A run's snapshot names every key; its provenance keys are none.
  const TrainConfig snapshot = parse_train_config(to_yaml(c), "config.yaml");
  EXPECT_EQ(snapshot.named_keys.size(), train_config_table().size());
  EXPECT_EQ(snapshot.named_keys.count("segoid_version"), 0u);
}

TEST(TrainConfigTest, SectionsAreTheLibraryOptions) {
  // One default per key: the dataset and lr_scheduler sections are the sampler's and the
  // scheduler's own option structs.
  const TrainConfig defaults;
  const data::SamplingConfig& sampling = defaults.dataset;
  const PlateauOptions& plateau = defaults.lr_scheduler;
  EXPECT_EQ(sampling.patches_per_image, data::SamplingConfig{}.patches_per_image);
  EXPECT_EQ(sampling.patches_per_image, 20);  // the Python SegOid's train.yaml
  EXPECT_DOUBLE_EQ(plateau.factor, 0.5);
  EXPECT_EQ(plateau.patience, 5);
  EXPECT_DOUBLE_EQ(plateau.min_lr, 1e-5);
  EXPECT_NE(error_of("dataset:\n  positive_ratio: 1.5\n").find("my.yaml: dataset.positive_ratio must be in [0, 1]"),
            std::string::npos);
}

}  // namespace
}  // namespace segoid::train
