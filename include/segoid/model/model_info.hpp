// SPDX-License-Identifier: MIT
// What a checkpoint is (architecture, training, lineage), in plain types for `segoid model_info`.
#pragma once

#include <filesystem>
#include <string>
#include <vector>

#include "segoid/model/checkpoint_info.hpp"

namespace segoid::model {

/// Everything `segoid model_info` reports about one checkpoint file.
struct ModelInfo {
  std::filesystem::path path;
  std::string kind;            ///< "segoid" (SegOid .pth), "segoid-legacy" (SegOid LibTorch .pt) or "python"
  std::string sha256;          ///< of the file itself, to compare with a child's parent record
  ModelDescription model;      ///< architecture, normalization, patch size (0: not recorded), scale, pixel size
  int epochs = 0;              ///< epochs completed when saved
  int best_epoch = 0;
  double best_val_dice = 0.0;
  std::string train_manifest;  ///< from the embedded training config; empty when not recorded
  std::string val_manifest;
  std::string data_root;
  std::vector<ParentCheckpoint> lineage;   ///< parent first, then its parent, ...
  std::string segoid_version;              ///< version banner of the writer
};

/// Reads the checkpoint's info (not its weights into a model) and hashes the file.
/// Throws ModelError naming the file when it is missing or not a checkpoint.
ModelInfo describe_checkpoint(const std::filesystem::path& path);

/// Human-readable, one "key  value" line per field; the parent chain numbered from the parent.
std::string format_model_description(const ModelInfo& description);

/// The same as a JSON object (pretty-printed, keys as the struct's fields).
std::string model_description_json(const ModelInfo& description);

}  // namespace segoid::model
