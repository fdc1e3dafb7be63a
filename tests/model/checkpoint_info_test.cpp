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
  info.patch_size = 96;
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
  EXPECT_EQ(back.patch_size, 96);
  EXPECT_EQ(back.best_val_dice, info.best_val_dice);
  EXPECT_EQ(back.config_yaml, "seed: 42\nmodel:\n  encoder: resnet18\n  encoder_weights: ~\ntraining:\n  learning_rate: 0.0001\n");
  EXPECT_EQ(back.history_json, info.history_json);
  EXPECT_EQ(back.trainer_state_json, info.trainer_state_json);
  EXPECT_EQ(back.segoid_version, "segoid test");
}

TEST(CheckpointInfoTest, ModelConfigNumberReadsTheEmbeddedConfig) {
  CheckpointInfo info;
  EXPECT_DOUBLE_EQ(model_config_number(info, "image_scale", 1.0), 1.0);  // no config: a Python checkpoint
  info.config_yaml = "model:\n  image_scale: 0.5\n  encoder: resnet18\n";
  EXPECT_DOUBLE_EQ(model_config_number(info, "image_scale", 1.0), 0.5);
  EXPECT_DOUBLE_EQ(model_config_number(info, "training_pixel_size", 0.0), 0.0);  // key absent
  EXPECT_DOUBLE_EQ(model_config_number(info, "encoder", 7.0), 7.0);              // not a number
  info.config_yaml = "model: [unclosed\n";
  EXPECT_DOUBLE_EQ(model_config_number(info, "image_scale", 1.0), 1.0);  // not YAML
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
  EXPECT_EQ(info.encoder, "resnet34");
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
