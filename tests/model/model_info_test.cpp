// SPDX-License-Identifier: MIT
// model_info: a SegOid and a Python checkpoint described, the parent chain (the command:
// model_commands_test.cpp).
#include "segoid/model/model_info.hpp"

#include <gtest/gtest.h>
#include <nlohmann/json.hpp>

#include "child_checkpoint.hpp"
#include "legacy_checkpoint.hpp"
#include "python_fixtures.hpp"
#include "segoid/core/error.hpp"
#include "segoid/model/checkpoint.hpp"
#include "test_support.hpp"

namespace segoid::model {
namespace {

namespace fs = std::filesystem;

std::string sha256sum(const fs::path& path) {
  std::string output;
  if (test::run_command("sha256sum '" + path.string() + "'", &output) != 0) return "";
  return output.substr(0, 64);
}

TEST(ModelInfoTest, DescribesSegoidCheckpointWithLineage) {
  test::TempDir dir;
  const fs::path path = test::write_child_checkpoint(dir.path());
  const ModelInfo d = describe_checkpoint(path);
  EXPECT_EQ(d.kind, "segoid");
  EXPECT_EQ(d.model.architecture, "unet");
  EXPECT_EQ(d.model.encoder, "resnet18");
  EXPECT_EQ(io::to_string(d.model.normalization), "percentile");
  EXPECT_EQ(d.model.patch_size, 128);
  EXPECT_EQ(d.epochs, 7);
  EXPECT_EQ(d.best_epoch, 5);
  EXPECT_DOUBLE_EQ(d.best_val_dice, 0.9125);
  EXPECT_EQ(d.train_manifest, "data/splits/train.csv");
  EXPECT_EQ(d.val_manifest, "data/splits/val.csv");
  EXPECT_DOUBLE_EQ(d.model.training_pixel_size, 0.65);
  EXPECT_DOUBLE_EQ(d.model.image_scale, 0.5);
  ASSERT_EQ(d.lineage.size(), 2u);
  EXPECT_EQ(d.lineage[0].file_name, "best_model.pt");
  EXPECT_DOUBLE_EQ(d.lineage[0].best_val_dice, 0.45);
  EXPECT_EQ(d.lineage[1].file_name, "python.pth");
  EXPECT_EQ(d.lineage[1].epoch, 9);
  EXPECT_NE(d.segoid_version.find("segoid"), std::string::npos);
  const std::string reference = sha256sum(path);
  if (!reference.empty()) {
    EXPECT_EQ(d.sha256, reference);
  }

  const std::string text = format_model_description(d);
  EXPECT_NE(text.find("1. best_model.pt"), std::string::npos) << text;
  EXPECT_NE(text.find("2. python.pth"), std::string::npos) << text;
  EXPECT_NE(text.find("0.9125 (epoch 5)"), std::string::npos) << text;
  const nlohmann::json j = nlohmann::json::parse(model_description_json(d));
  EXPECT_EQ(j.at("lineage").size(), 2u);
  EXPECT_EQ(j.at("lineage")[1].at("sha256"), std::string(64, 'b'));
  EXPECT_EQ(j.at("patch_size"), 128);
}

TEST(ModelInfoTest, OlderCheckpointWithoutLineageReadsAsNoParents) {
  CheckpointInfo info;
  nlohmann::json j = nlohmann::json::parse(info_to_json(info));
  j.erase("lineage");
  EXPECT_TRUE(info_from_json(j.dump(), "old.pt").lineage.empty());
}

TEST(ModelInfoTest, DescribesPythonCheckpoints) {
  if (!test::has_reference_fixtures()) GTEST_SKIP() << "needs /usr/bin/python3 torch and ../shared/reference";
  const ModelInfo plain = describe_checkpoint(test::torch_fixture_dir() / "python_segoid.pth");
  EXPECT_EQ(plain.kind, "python");
  EXPECT_EQ(plain.model.encoder, "resnet18");
  EXPECT_EQ(io::to_string(plain.model.normalization), "range");
  EXPECT_EQ(plain.epochs, 10);  // its "epoch" 9 is a 0-based index
  EXPECT_DOUBLE_EQ(plain.best_val_dice, 0.8125);
  EXPECT_EQ(plain.model.patch_size, 0);  // not recorded
  EXPECT_TRUE(plain.train_manifest.empty());
  EXPECT_TRUE(plain.lineage.empty());
  EXPECT_NE(format_model_description(plain).find("(not recorded)"), std::string::npos);

  const ModelInfo with_config = describe_checkpoint(test::torch_fixture_dir() / "python_segoid_config.pth");
  EXPECT_EQ(with_config.train_manifest, "data/splits/train.csv");
  EXPECT_EQ(with_config.val_manifest, "data/splits/val.csv");
  EXPECT_EQ(with_config.model.patch_size, 192);
  EXPECT_EQ(with_config.epochs, 5);
}

TEST(ModelInfoTest, TellsTheLegacyFormatFromTheCurrentOne) {
  test::TempDir dir;
  CheckpointInfo info;
  info.epoch = 3;
  const Unet net;
  test::write_legacy_checkpoint(dir / "old.pt", net, info);
  save_checkpoint(dir / "new.pth", net, info);
  const ModelInfo old_one = describe_checkpoint(dir / "old.pt");
  const ModelInfo new_one = describe_checkpoint(dir / "new.pth");
  EXPECT_EQ(old_one.kind, "segoid-legacy");
  EXPECT_EQ(new_one.kind, "segoid");
  EXPECT_EQ(old_one.epochs, 3);
  EXPECT_EQ(new_one.epochs, 3);
  EXPECT_NE(format_model_description(old_one).find("legacy"), std::string::npos);
  EXPECT_NE(format_model_description(new_one).find("torch.save"), std::string::npos);
}

}  // namespace
}  // namespace segoid::model
