// SPDX-License-Identifier: MIT
// A SegOid checkpoint with a training config and parents, for the model_info tests.
#pragma once

#include <filesystem>
#include <string>

#include "segoid/model/checkpoint.hpp"

namespace segoid::test {

/// A SegOid checkpoint with a training config and a two-generation lineage.
inline std::filesystem::path write_child_checkpoint(const std::filesystem::path& dir) {
  model::CheckpointInfo info;
  info.model.patch_size = 128;
  info.model.training_pixel_size = 0.65;  // as its config says
  info.model.image_scale = 0.5;
  info.epoch = 7;
  info.best_epoch = 5;
  info.best_val_dice = 0.9125;
  info.config_yaml = "data:\n  train_manifest: data/splits/train.csv\n  val_manifest: data/splits/val.csv\n"
                     "  data_root: data\nmodel:\n  training_pixel_size: 0.65\n  image_scale: 0.5\n";
  info.lineage = {{"best_model.pt", std::string(64, 'a'), 0.45, 30, "segoid 0.1.0 (abc)"},
                  {"python.pth", std::string(64, 'b'), 0.8, 9, "imported from Python checkpoint python.pth"}};
  const std::filesystem::path path = dir / "child.pt";
  model::save_checkpoint(path, model::Unet(model::unet_options(info.model)), info);
  return path;
}

}  // namespace segoid::test
