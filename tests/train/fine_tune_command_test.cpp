// SPDX-License-Identifier: MIT
// Fine-tuning and named models through the binary: `train --init-from` inherits the parent's
// image_scale and patch size and refuses a conflicting explicit value; a model name works where
// a checkpoint path does; predict_full without --checkpoint uses the shipped model; a half
// export stores exactly the float16-rounded weights.
// CTest label: e2e
#include <gtest/gtest.h>

#include <fstream>

#include "segoid/model/checkpoint.hpp"
#include "segoid/train/train_config.hpp"
#include "test_support.hpp"

namespace segoid::train {
namespace {

namespace fs = std::filesystem;

/// An untrained parent at half resolution with 64-px patches, saved as `path`.
void write_parent(const fs::path& path) {
  model::CheckpointInfo info;
  info.model.patch_size = 64;
  info.model.image_scale = 0.5;
  info.epoch = 3;
  torch::manual_seed(7);
  model::save_checkpoint(path, model::Unet(model::unet_options(info.model)), info);
}

/// The binary's command line with `models` as $SEGOID_MODELS_DIR, holding a parent named `name`.
std::string segoid_with_model(const fs::path& models, const std::string& name) {
  fs::create_directories(models);
  write_parent(models / (name + ".pth"));
  return "SEGOID_MODELS_DIR='" + models.string() + "' '" + test::segoid_binary().string() + "'";
}

/// A one-epoch fine-tune config on tiny plates that names neither image_scale nor patch_size
/// (plus `extra` YAML lines).
fs::path write_config(const fs::path& root, const std::string& extra) {
  const fs::path train = test::write_tiny_plates(root / "data", "train.csv", 0, 2, 5);
  const fs::path val = test::write_tiny_plates(root / "data", "val.csv", 2, 1, 5);
  const fs::path config = root / "ft.yaml";
  std::ofstream(config) << "data:\n  train_manifest: " << train.string() << "\n  val_manifest: " << val.string()
                        << "\n  data_root: " << root.string() << "\ndataset:\n  patches_per_image: 2\n"
                        << "training:\n  epochs: 1\n  batch_size: 2\n  num_workers: 0\n"
                        << "tensorboard:\n  enabled: false\ncheckpointing:\n  save_periodic: false\n"
                        << "output:\n  run_dir: " << (root / "runs").string() << "\n"
                        << extra;
  return config;
}

TEST(FineTuneCommandTest, InheritsUnsetKeysAndRefusesAConflictUnlessAllowed) {
  test::TempDir dir;
  const fs::path models = dir / "models";
  const std::string segoid = segoid_with_model(models, "tiny-parent");
  std::string output;
  // By name, from the model folder; the config leaves image_scale and patch_size unset.
  const fs::path config = write_config(dir.path(), "");
  ASSERT_EQ(test::run_command(segoid + " train --config '" + config.string() + "' --init-from tiny-parent", &output), 0)
      << output;
  EXPECT_NE(output.find("model.image_scale 0.5"), std::string::npos) << output;
  std::vector<fs::path> runs;
  for (const auto& entry : fs::directory_iterator(dir / "runs")) runs.push_back(entry.path());
  ASSERT_EQ(runs.size(), 1u);
  const TrainConfig used = load_train_config(runs[0] / "config.yaml");
  EXPECT_DOUBLE_EQ(used.model.image_scale, 0.5);
  EXPECT_EQ(used.dataset.patch_size, 64);
  EXPECT_EQ(used.model.init_checkpoint, models / "tiny-parent.pth");
  EXPECT_DOUBLE_EQ(model::read_model_description(runs[0] / "checkpoints/best_model.pth").image_scale, 0.5);

  // An explicit other scale, even the key's default, is refused before any data is read.
  const fs::path conflict = write_config(dir / "conflict", "model:\n  image_scale: 1.0\n");
  const std::string command = segoid + " train --config '" + conflict.string() + "' --init-from tiny-parent";
  EXPECT_EQ(test::run_command(command, &output), 2) << output;
  EXPECT_NE(output.find("model.image_scale is 1 in the config but 0.5"), std::string::npos) << output;
  EXPECT_FALSE(fs::exists(dir / "conflict" / "runs"));
  ASSERT_EQ(test::run_command(command + " --allow-change model.image_scale", &output), 0) << output;
}

TEST(FineTuneCommandTest, PredictWithoutCheckpointUsesTheShippedModelByName) {
  test::TempDir dir;
  const fs::path models = dir / "models";
  const std::string segoid = segoid_with_model(models, "spheroid-base");
  test::write_tiny_plates(dir / "data", "all.csv", 0, 1, 3);
  std::string output;
  ASSERT_EQ(test::run_command(segoid + " predict_full --input '" + (dir / "data" / "images").string() +
                                  "' --output-dir '" + (dir / "pred").string() + "'",
                              &output),
            0)
      << output;
  EXPECT_NE(output.find("shipped model spheroid-base"), std::string::npos) << output;
  int masks = 0;
  for (const auto& entry : fs::directory_iterator(dir / "pred")) masks += entry.path().string().find("_pred_mask.tif") != std::string::npos;
  EXPECT_EQ(masks, 1);
  ASSERT_EQ(test::run_command(segoid + " model_info spheroid-base --json", &output), 0) << output;
  EXPECT_NE(output.find("\"image_scale\""), std::string::npos) << output;
  EXPECT_EQ(test::run_command(segoid + " predict_full --checkpoint no-such-model --input '" +
                                  (dir / "data" / "images").string() + "' --output-dir '" + (dir / "p2").string() + "'",
                              &output),
            5)
      << output;
  EXPECT_NE(output.find("no model named \"no-such-model\""), std::string::npos) << output;

  // --half: the stored weights are the float32 ones rounded to float16, loaded back as float32.
  const fs::path half = dir / "half.pth";
  ASSERT_EQ(test::run_command(segoid + " export_checkpoint spheroid-base '" + half.string() + "' --half", &output), 0)
      << output;
  EXPECT_LT(fs::file_size(half), 0.55 * fs::file_size(models / "spheroid-base.pth"));
  const model::LoadedCheckpoint full = model::load_checkpoint(models / "spheroid-base.pth");
  const model::LoadedCheckpoint loaded = model::load_checkpoint(half);
  const auto rounded = loaded.model->named_parameters();
  for (const auto& item : full.model->named_parameters()) {
    const torch::Tensor expected = item.value().to(torch::kHalf).to(torch::kFloat);
    EXPECT_TRUE(torch::equal(rounded[item.key()], expected)) << item.key();
    EXPECT_EQ(rounded[item.key()].scalar_type(), torch::kFloat) << item.key();
  }
}

}  // namespace
}  // namespace segoid::train
