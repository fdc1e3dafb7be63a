// SPDX-License-Identifier: MIT
// Fine-tuning's contract with its parent model: the settings its predictions depend on are the
// parent's unless the run says otherwise on purpose.
#pragma once

#include <set>
#include <string>
#include <vector>

#include "segoid/model/model_description.hpp"
#include "segoid/train/train_config.hpp"

namespace segoid::train {

/// The keys a fine-tuned model inherits from its parent: architecture, encoder, channels, classes,
/// normalization, model.image_scale, model.training_pixel_size and the training patch size
/// (dataset.patch_size, which sets predict_full's tile size).
const std::vector<std::string>& inherited_keys();

/// One inherited key and the parent's value, as written in YAML.
struct InheritedValue {
  std::string key;
  std::string value;
};

/// `config` with the parent's values (`parent`, read from `parent_name`) in the inherited keys the
/// config file left unset (not in config.named_keys); the parent's unknowns (patch size or pixel
/// size 0) are not taken. Returns the values taken in `taken` (when given). A key the file set to
/// another value than the parent's throws ConfigError naming the key and both values, unless it is
/// in `allowed_changes`; a name there that is no inherited key throws ConfigError too.
TrainConfig inherit_from_parent(const TrainConfig& config, const model::ModelDescription& parent,
                                const std::string& parent_name, const std::set<std::string>& allowed_changes,
                                std::vector<InheritedValue>* taken = nullptr);

}  // namespace segoid::train
