// SPDX-License-Identifier: MIT
// Training entry from manifests: reads the train/val image+mask pairs, then trains.
#include <spdlog/spdlog.h>

#include "segoid/core/error.hpp"
#include "segoid/data/manifest.hpp"
#include "segoid/model/checkpoint_info.hpp"
#include "segoid/model/model_description.hpp"
#include "segoid/train/fine_tune.hpp"
#include "segoid/train/trainer.hpp"

namespace segoid::train {
namespace {

std::vector<data::TrainingImage> load_split(const std::filesystem::path& manifest_path,
                                            const std::filesystem::path& data_root, const std::string& normalization,
                                            double image_scale, const char* split) {
  const data::Manifest manifest = data::read_manifest(manifest_path);
  if (manifest.rows.empty()) {
    throw DataError(std::string(split) + " manifest \"" + manifest_path.string() + "\" has no rows");
  }
  std::vector<std::filesystem::path> images;
  std::vector<std::filesystem::path> masks;
  for (const data::ManifestRow& row : manifest.rows) {
    if (row.mask_path.empty()) {
      throw DataError(std::string(split) + " manifest \"" + manifest_path.string() + "\": image '" + row.basename +
                      "' has no mask_path; training needs a mask for every image");
    }
    images.push_back(data::resolve_data_path(row.image_path, data_root));
    masks.push_back(data::resolve_data_path(row.mask_path, data_root));
  }
  spdlog::info("{}: {} images from \"{}\"", split, images.size(), manifest_path.string());
  return data::load_training_images(images, masks, io::parse_normalization(normalization), image_scale);
}

/// `config` with the unset keys its parent model's predictions depend on taken from it (logged).
TrainConfig with_parent_contract(const TrainConfig& config, const std::set<std::string>& allowed_changes) {
  const std::filesystem::path& parent = config.model.init_checkpoint;
  std::vector<InheritedValue> taken;
  TrainConfig result =
      inherit_from_parent(config, model::read_model_description(parent), parent.filename().string(), allowed_changes, &taken);
  std::string said;
  for (const InheritedValue& value : taken) said += (said.empty() ? "" : ", ") + value.key + " " + value.value;
  if (!said.empty()) spdlog::info("from the parent model \"{}\" (unset in the config): {}", parent.string(), said);
  return result;
}

}  // namespace

TrainResult train_model(const TrainConfig& given, const TrainOptions& options) {
  const bool fine_tune = !given.model.init_checkpoint.empty() && options.resume.empty();
  const TrainConfig config = fine_tune ? with_parent_contract(given, options.allowed_changes) : given;
  validate_train_config(config, options.config_path.empty() ? "train config" : options.config_path.string());
  // Validation runs at the model's scale too: its Dice is over the resized masks.
  const double scale = config.model.image_scale;
  auto train_images = load_split(config.data.train_manifest, config.data.data_root, config.normalization, scale, "train");
  auto val_images = load_split(config.data.val_manifest, config.data.data_root, config.normalization, scale, "val");
  return train_on_images(config, options, std::move(train_images), std::move(val_images));
}

TrainConfig config_from_checkpoint(const std::filesystem::path& checkpoint) {
  const model::CheckpointInfo info = model::read_checkpoint_info(checkpoint);
  if (info.config_yaml.empty()) {
    throw ModelError("checkpoint \"" + checkpoint.string() + "\" holds no training config; pass --config");
  }
  return parse_train_config(info.config_yaml, checkpoint.string() + " (embedded config)");
}

}  // namespace segoid::train
