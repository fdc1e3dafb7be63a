// SPDX-License-Identifier: MIT
// SegOid checkpoints: bit-exact round trip, info, optimizer state, errors naming the file.
#include "segoid/model/checkpoint.hpp"

#include <gtest/gtest.h>

#include <fstream>

#include "segoid/core/error.hpp"
#include "segoid/model/state_dict.hpp"
#include "legacy_checkpoint.hpp"
#include "same_weights.hpp"
#include "test_support.hpp"

namespace segoid::model {
namespace {

CheckpointInfo sample_info() {
  CheckpointInfo info;
  info.model.normalization = io::Normalization::kRange;
  info.model.patch_size = 128;
  info.epoch = 7;
  info.best_epoch = 5;
  info.best_val_dice = 0.8765432109876;
  info.config_yaml = "seed: 42\nmodel:\n  encoder: resnet18\n";
  info.history_json = R"({"val_dice":[0.5,0.7]})";
  info.trainer_state_json = R"({"scheduler":{"best":0.1}})";
  info.segoid_version = "segoid test";
  return info;
}

/// One AdamW step on random data, so that the optimizer has moments to save.
void train_one_step(Unet& model, torch::optim::AdamW& optimizer) {
  model->train();
  optimizer.zero_grad();
  const auto loss = model->forward(torch::randn({2, 1, 32, 32})).pow(2).mean();
  loss.backward();
  optimizer.step();
}

TEST(CheckpointTest, RoundTripIsBitExactWithInfoAndOptimizer) {
  segoid::test::TempDir dir;
  torch::manual_seed(11);
  Unet model;
  torch::optim::AdamW optimizer(model->parameters(), torch::optim::AdamWOptions(1e-3));
  train_one_step(model, optimizer);
  const auto path = dir / "ckpt" / "best_model.pth";
  save_checkpoint(path, model, sample_info(), {&optimizer});
  ASSERT_TRUE(std::filesystem::exists(path));

  // A second model and optimizer: restore both, then one more step must match the original's step.
  torch::manual_seed(99);
  Unet other;
  torch::optim::AdamW other_optimizer(other->parameters(), torch::optim::AdamWOptions(1e-3));
  LoadedCheckpoint loaded = load_checkpoint(path, torch::kCPU, &other_optimizer);
  EXPECT_TRUE(segoid::test::same_weights(*model, *loaded.model));
  const CheckpointInfo info = loaded.info;
  const CheckpointInfo expected = sample_info();
  EXPECT_EQ(info.model.normalization, expected.model.normalization);
  EXPECT_EQ(info.model.patch_size, expected.model.patch_size);
  EXPECT_EQ(info.epoch, expected.epoch);
  EXPECT_EQ(info.best_epoch, expected.best_epoch);
  EXPECT_EQ(info.best_val_dice, expected.best_val_dice);
  EXPECT_EQ(info.config_yaml, expected.config_yaml);
  EXPECT_EQ(info.history_json, expected.history_json);
  EXPECT_EQ(info.trainer_state_json, expected.trainer_state_json);
  EXPECT_EQ(info.segoid_version, expected.segoid_version);
  EXPECT_EQ(read_checkpoint_info(path).best_val_dice, expected.best_val_dice);

  torch::manual_seed(5);
  train_one_step(model, optimizer);
  torch::manual_seed(5);
  train_one_step(loaded.model, other_optimizer);
  EXPECT_TRUE(segoid::test::same_weights(*model, *loaded.model)) << "after resumed step";
  EXPECT_EQ(loaded.kind, CheckpointKind::kSegoid);
  EXPECT_EQ(checkpoint_kind(path), CheckpointKind::kSegoid);
}

TEST(CheckpointTest, LegacyLibTorchArchiveStillLoadsWithItsOptimizer) {
  segoid::test::TempDir dir;
  torch::manual_seed(12);
  Unet model;
  torch::optim::AdamW optimizer(model->parameters(), torch::optim::AdamWOptions(1e-3));
  train_one_step(model, optimizer);
  const auto path = dir / "best_model.pt";
  segoid::test::write_legacy_checkpoint(path, model, sample_info(), &optimizer);
  EXPECT_EQ(checkpoint_kind(path), CheckpointKind::kSegoidLegacy);
  EXPECT_EQ(read_checkpoint_info(path).best_val_dice, sample_info().best_val_dice);

  torch::manual_seed(98);
  Unet other;
  torch::optim::AdamW other_optimizer(other->parameters(), torch::optim::AdamWOptions(1e-3));
  LoadedCheckpoint loaded = load_checkpoint(path, torch::kCPU, &other_optimizer);
  EXPECT_EQ(loaded.kind, CheckpointKind::kSegoidLegacy);
  EXPECT_TRUE(loaded.scheduler_state.isNone());
  EXPECT_EQ(loaded.info.trainer_state_json, sample_info().trainer_state_json);
  EXPECT_TRUE(segoid::test::same_weights(*model, *loaded.model));
  torch::manual_seed(6);
  train_one_step(model, optimizer);
  torch::manual_seed(6);
  train_one_step(loaded.model, other_optimizer);
  EXPECT_TRUE(segoid::test::same_weights(*model, *loaded.model)) << "after resumed step";

  // Re-saved, it is a torch.save file with the same weights and optimizer state.
  save_checkpoint(dir / "converted.pth", loaded.model, loaded.info, {&other_optimizer});
  EXPECT_EQ(checkpoint_kind(dir / "converted.pth"), CheckpointKind::kSegoid);
  EXPECT_TRUE(segoid::test::same_weights(*model, *load_checkpoint(dir / "converted.pth").model));
}

TEST(CheckpointTest, Resnet34AndVersionStamp) {
  segoid::test::TempDir dir;
  UnetOptions options;
  options.encoder = "resnet34";
  options.in_channels = 3;
  options.classes = 2;
  Unet model(options);
  CheckpointInfo info;
  info.model.encoder = "resnet34";
  info.model.in_channels = 3;
  info.model.classes = 2;
  save_checkpoint(dir / "m.pt", model, info);
  const auto loaded = load_checkpoint(dir / "m.pt");
  EXPECT_EQ(loaded.model->options().encoder, "resnet34");
  EXPECT_EQ(loaded.model->options().in_channels, 3);
  EXPECT_FALSE(loaded.info.segoid_version.empty());
  // Info that contradicts the model is refused before anything is written.
  info.model.classes = 1;
  EXPECT_THROW(save_checkpoint(dir / "bad.pt", model, info), ModelError);
  EXPECT_FALSE(std::filesystem::exists(dir / "bad.pt"));
}

TEST(CheckpointTest, MissingFileErrorNamesTheFile) {
  segoid::test::TempDir dir;
  const auto path = dir / "nope.pt";
  try {
    load_checkpoint(path);
    FAIL();
  } catch (const ModelError& e) {
    EXPECT_NE(std::string(e.what()).find(path.string()), std::string::npos) << e.what();
  }
  EXPECT_THROW(read_checkpoint_info(path), ModelError);
}

TEST(CheckpointTest, CorruptFileErrorNamesTheFile) {
  segoid::test::TempDir dir;
  Unet model;
  const auto good = dir / "good.pt";
  save_checkpoint(good, model, CheckpointInfo{});
  const std::string bytes = [&] {
    std::ifstream in(good, std::ios::binary);
    return std::string(std::istreambuf_iterator<char>(in), {});
  }();
  const auto truncated = dir / "truncated.pt";
  std::ofstream(truncated, std::ios::binary) << bytes.substr(0, bytes.size() / 2);
  const auto text = dir / "text.pt";
  std::ofstream(text) << "not a checkpoint\n";
  for (const auto& path : {truncated, text}) {
    try {
      load_checkpoint(path);
      FAIL() << path;
    } catch (const ModelError& e) {
      EXPECT_NE(std::string(e.what()).find(path.string()), std::string::npos) << e.what();
    }
  }
  // An optimizer cannot be restored from a checkpoint saved without one.
  torch::optim::AdamW optimizer(model->parameters(), torch::optim::AdamWOptions(1e-3));
  EXPECT_THROW(load_checkpoint(good, torch::kCPU, &optimizer), ModelError);
}

}  // namespace
}  // namespace segoid::model

namespace segoid::model {
namespace {

/// Info as SegOid wrote it before format version 2: the config, history and trainer state as
/// strings inside the JSON.
const char* const kVersion1Info =
    R"j({"format":"segoid-checkpoint","format_version":1,"encoder":"resnet18","in_channels":1,"classes":1,)j"
    R"j("normalization":"range","patch_size":128,"epoch":7,"best_epoch":5,"best_val_dice":0.75,)j"
    R"j("config_yaml":"seed: 42\nmodel:\n  encoder: resnet18\n","history_json":"{\"val_dice\":[0.5,0.7]}",)j"
    R"j("trainer_state_json":"{\"scheduler\":{\"best\":0.1}}","segoid_version":"segoid 0.1.0 (old)"})j";

TEST(CheckpointTest, ReadsAFormatVersion1Checkpoint) {
  // A checkpoint file exactly as the version 1 writer laid it out (same archive keys).
  segoid::test::TempDir dir;
  torch::manual_seed(3);
  Unet model;
  c10::Dict<std::string, torch::Tensor> weights;
  for (const auto& [name, tensor] : state_dict(*model)) weights.insert(name, tensor.detach().clone());
  torch::serialize::OutputArchive archive;
  archive.write("segoid_info_json", c10::IValue(std::string(kVersion1Info)));
  archive.write("model_state_dict", c10::IValue(weights));
  const auto path = dir / "old.pt";
  archive.save_to(path.string());

  const LoadedCheckpoint loaded = load_checkpoint(path);
  EXPECT_EQ(io::to_string(loaded.info.model.normalization), "range");
  EXPECT_EQ(loaded.info.model.patch_size, 128);
  EXPECT_EQ(loaded.info.epoch, 7);
  EXPECT_EQ(loaded.info.config_yaml, "seed: 42\nmodel:\n  encoder: resnet18\n");
  EXPECT_EQ(loaded.info.history_json, R"({"val_dice":[0.5,0.7]})");
  EXPECT_EQ(loaded.info.trainer_state_json, R"({"scheduler":{"best":0.1}})");
  EXPECT_TRUE(segoid::test::same_weights(*model, *loaded.model));
}

}  // namespace
}  // namespace segoid::model
