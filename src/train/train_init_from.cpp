// SPDX-License-Identifier: MIT
// `train --init-from CKPT` / model.init_checkpoint: start a run from a trained model's weights.
#include <spdlog/spdlog.h>

#include "segoid/core/error.hpp"
#include "segoid/core/sha256.hpp"
#include "segoid/model/checkpoint.hpp"
#include "segoid/model/checkpoint_info.hpp"
#include "segoid/model/state_dict.hpp"
#include "trainer_internal.hpp"

namespace segoid::train {

model::Unet init_model_from(const TrainConfig& config, std::vector<model::ParentCheckpoint>& lineage) {
  const std::filesystem::path& path = config.model.init_checkpoint;
  SEGOID_CHECK(!path.empty(), "init_model_from needs model.init_checkpoint");
  torch::manual_seed(config.seed);  // no random draws follow, but keep the RNG state as build_model leaves it
  model::LoadedCheckpoint parent = model::load_checkpoint(path);  // any kind: SegOid .pth or legacy .pt, or Python .pth
  const model::CheckpointInfo& info = parent.info;
  const model::ModelDescription& described = info.model;
  if (described.encoder != config.model.encoder || described.in_channels != config.model.in_channels ||
      described.classes != config.model.classes) {
    throw ConfigError("model.init_checkpoint \"" + path.string() + "\" holds a " + described.encoder + " U-Net with " +
                      std::to_string(described.in_channels) + " input and " + std::to_string(described.classes) +
                      " output channel(s), but the config asks for " + config.model.encoder + " with " +
                      std::to_string(config.model.in_channels) + " and " + std::to_string(config.model.classes) +
                      ": set model.encoder/in_channels/classes to match");
  }
  if (const std::string normalization = io::to_string(described.normalization); normalization != config.normalization) {
    spdlog::warn("\"{}\" was trained with normalization: {}, this run uses {}: the model first sees inputs "
                 "scaled differently (set normalization: {} to keep its scaling)",
                 path.string(), normalization, config.normalization, normalization);
  }
  if (const double scale = described.image_scale; scale != config.model.image_scale) {
    spdlog::warn("\"{}\" was trained on images resized by {} (model.image_scale), this run uses {}: it first sees "
                 "objects at another size (set model.image_scale: {} to keep its scale)",
                 path.string(), scale, config.model.image_scale, scale);
  }
  model::ParentCheckpoint record;
  record.file_name = path.filename().string();
  record.sha256 = core::sha256_file(path);
  record.best_val_dice = info.best_val_dice;
  record.epoch = info.epoch;
  record.segoid_version = info.segoid_version;
  lineage.clear();
  lineage.push_back(record);
  lineage.insert(lineage.end(), info.lineage.begin(), info.lineage.end());
  spdlog::info("initialised from \"{}\" (sha256 {}, best val Dice {:.4f}, {} ancestor(s)); fresh optimizer and "
               "schedule",
               path.string(), record.sha256.substr(0, 12), info.best_val_dice, lineage.size() - 1);
  parent.model->train();
  return parent.model;
}

}  // namespace segoid::train
