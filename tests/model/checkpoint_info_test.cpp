// SPDX-License-Identifier: MIT
// The checkpoint info document: version 2 is one structured JSON; version 1 still reads.
#include "segoid/model/checkpoint_info.hpp"

#include <gtest/gtest.h>
#include <nlohmann/json.hpp>

#include "segoid/core/error.hpp"

namespace segoid::model {
namespace {

CheckpointInfo sample() {
  CheckpointInfo info;
  info.model.patch_size = 96;
  info.best_val_dice = 0.8765432109876;
  info.config_yaml = "seed: 42\nmodel:\n  encoder: resnet18\n  encoder_weights: ~\ntraining:\n  learning_rate: 0.0001\n";
  info.history_json = R"({"val_dice":[0.5,0.7]})";
  info.trainer_state_json = R"({"scheduler":{"best":0.1},"lr":0.001})";
  info.segoid_version = "segoid test";
  return info;
}

TEST(CheckpointInfoTest, Version2IsOneStructuredDocument) {
  const nlohmann::json j = nlohmann::json::parse(info_to_json(sample()));
  EXPECT_EQ(j.at("format_version").get<int>(), 2);
  ASSERT_TRUE(j.at("config").is_object());
  EXPECT_EQ(j.at("config").at("seed").get<int>(), 42);
  EXPECT_TRUE(j.at("config").at("model").at("encoder_weights").is_null());
  EXPECT_DOUBLE_EQ(j.at("config").at("training").at("learning_rate").get<double>(), 1e-4);
  EXPECT_TRUE(j.at("history").at("val_dice").is_array());
  EXPECT_DOUBLE_EQ(j.at("trainer_state").at("scheduler").at("best").get<double>(), 0.1);
  EXPECT_FALSE(j.contains("config_yaml"));
  EXPECT_FALSE(j.contains("history_json"));
}

TEST(CheckpointInfoTest, Version2RoundTripKeepsEveryField) {
  const CheckpointInfo info = sample();
  const CheckpointInfo back = info_from_json(info_to_json(info), "x.pt");
  EXPECT_EQ(back.model.patch_size, 96);
  EXPECT_EQ(back.best_val_dice, info.best_val_dice);
  EXPECT_EQ(back.config_yaml, "seed: 42\nmodel:\n  encoder: resnet18\n  encoder_weights: ~\ntraining:\n  learning_rate: 0.0001\n");
  EXPECT_EQ(back.history_json, info.history_json);
  EXPECT_EQ(back.trainer_state_json, info.trainer_state_json);
  EXPECT_EQ(back.segoid_version, "segoid test");
}

/// Info as the version 1 writer laid it out (before the description held image_scale and
/// training_pixel_size), with `config_yaml` as its training config.
std::string version1_info(const std::string& config_yaml) {
  const nlohmann::json j = {{"format", "segoid-checkpoint"}, {"format_version", 1}, {"encoder", "resnet18"},
                            {"in_channels", 1}, {"classes", 1}, {"normalization", "percentile"},
                            {"patch_size", 256}, {"epoch", 3}, {"best_epoch", 2}, {"best_val_dice", 0.5},
                            {"config_yaml", config_yaml}, {"history_json", ""}, {"trainer_state_json", ""},
                            {"segoid_version", "v"}};
  return j.dump();
}

ModelDescription described_by(const std::string& config_yaml) {
  return info_from_json(version1_info(config_yaml), "old.pt").model;
}

TEST(CheckpointInfoTest, OlderFilesKeepScaleAndPixelSizeInTheirConfig) {
  EXPECT_DOUBLE_EQ(described_by("").image_scale, 1.0);  // no config: a Python checkpoint
  const ModelDescription half = described_by("model:\n  image_scale: 0.5\n  encoder: resnet18\n");
  EXPECT_DOUBLE_EQ(half.image_scale, 0.5);
  EXPECT_DOUBLE_EQ(half.training_pixel_size, 0.0);  // key absent
  EXPECT_DOUBLE_EQ(described_by("model:\n  image_scale: big\n").image_scale, 1.0);  // not a number
  EXPECT_DOUBLE_EQ(described_by("model: [unclosed\n").image_scale, 1.0);              // not YAML
  // A version 2 file written before the keys: from its config object.
  CheckpointInfo info = sample();
  info.config_yaml = "model:\n  image_scale: 0.25\n  training_pixel_size: 0.65\n";
  nlohmann::json j = nlohmann::json::parse(info_to_json(info));
  j.erase("image_scale");
  j.erase("training_pixel_size");
  const ModelDescription old = info_from_json(j.dump(), "old.pt").model;
  EXPECT_DOUBLE_EQ(old.image_scale, 0.25);
  EXPECT_DOUBLE_EQ(old.training_pixel_size, 0.65);
}

TEST(CheckpointInfoTest, DescriptionIsWrittenOnceAsTypedKeys) {
  CheckpointInfo info = sample();
  info.model.normalization = io::Normalization::kRange;
  info.model.image_scale = 0.5;
  info.model.training_pixel_size = 0.65;
  const nlohmann::json j = nlohmann::json::parse(info_to_json(info));
  EXPECT_EQ(j.at("normalization"), "range");
  EXPECT_DOUBLE_EQ(j.at("image_scale").get<double>(), 0.5);
  EXPECT_DOUBLE_EQ(j.at("training_pixel_size").get<double>(), 0.65);
  EXPECT_EQ(j.at("architecture"), "unet");
  const ModelDescription back = info_from_json(j.dump(), "x.pt").model;
  EXPECT_EQ(back.normalization, io::Normalization::kRange);
  EXPECT_DOUBLE_EQ(back.image_scale, 0.5);
  EXPECT_DOUBLE_EQ(back.training_pixel_size, 0.65);
  EXPECT_EQ(back.patch_size, 96);
  EXPECT_EQ(back.default_tile_size(), 96);
  EXPECT_EQ(ModelDescription{}.default_tile_size(), kUnrecordedPatchTile);  // patch size not recorded
}

TEST(CheckpointInfoTest, ImageScaleOutOfRangeNamesTheFile) {
  CheckpointInfo info = sample();
  info.model.image_scale = 100.0;
  try {
    info_from_json(info_to_json(info), "huge.pt");
    FAIL() << "expected ModelError";
  } catch (const ModelError& e) {
    EXPECT_NE(std::string(e.what()).find("huge.pt"), std::string::npos) << e.what();
    EXPECT_NE(std::string(e.what()).find("image_scale"), std::string::npos) << e.what();
  }
}

TEST(CheckpointInfoTest, EmptyPartsAreNull) {
  CheckpointInfo info;
  const nlohmann::json j = nlohmann::json::parse(info_to_json(info));
  EXPECT_TRUE(j.at("config").is_null());
  EXPECT_TRUE(j.at("history").is_null());
  const CheckpointInfo back = info_from_json(j.dump(), "x.pt");
  EXPECT_TRUE(back.config_yaml.empty());
  EXPECT_TRUE(back.history_json.empty());
  EXPECT_TRUE(back.trainer_state_json.empty());
}

TEST(CheckpointInfoTest, Version1StringsStillRead) {
  const std::string v1 =
      R"({"format":"segoid-checkpoint","format_version":1,"encoder":"resnet34","in_channels":1,"classes":1,)"
      R"("normalization":"percentile","patch_size":256,"epoch":3,"best_epoch":2,"best_val_dice":0.5,)"
      R"("config_yaml":"seed: 7\n","history_json":"{\"a\":1}","trainer_state_json":"","segoid_version":"v"})";
  const CheckpointInfo info = info_from_json(v1, "old.pt");
  EXPECT_EQ(info.model.encoder, "resnet34");
  EXPECT_EQ(info.config_yaml, "seed: 7\n");
  EXPECT_EQ(info.history_json, R"({"a":1})");
  EXPECT_TRUE(info.trainer_state_json.empty());
}

TEST(CheckpointInfoTest, NewerVersionNamesTheFile) {
  try {
    info_from_json(R"({"format":"segoid-checkpoint","format_version":99})", "future.pt");
    FAIL();
  } catch (const ModelError& e) {
    EXPECT_NE(std::string(e.what()).find("future.pt"), std::string::npos) << e.what();
    EXPECT_NE(std::string(e.what()).find("update SegOid"), std::string::npos) << e.what();
  }
}

}  // namespace
}  // namespace segoid::model
