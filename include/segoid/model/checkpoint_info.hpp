// SPDX-License-Identifier: MIT
// What a SegOid checkpoint says about its model and run, beside the weights (torch-free).
#pragma once

#include <filesystem>
#include <string>
#include <vector>

#include "segoid/model/model_description.hpp"

namespace segoid::model {

/// One ancestor of a model: the checkpoint a training run started from (`train --init-from`).
struct ParentCheckpoint {
  std::string file_name;       ///< the parent's file name, without its folder
  std::string sha256;          ///< lower-case hex SHA-256 of the parent file
  double best_val_dice = 0.0;  ///< the parent's best validation Dice
  int epoch = 0;               ///< epochs the parent had trained
  std::string segoid_version;  ///< writer of the parent ("imported from Python ..." for a .pth)
};

/// What a checkpoint says about its model and run, beside the weights.
struct CheckpointInfo {
  ModelDescription model;                    ///< architecture, normalization, scale, patch size
  int epoch = 0;                             ///< epochs completed when saved
  int best_epoch = 0;                        ///< epoch of best_val_dice
  double best_val_dice = 0.0;                ///< best validation Dice so far
  std::string config_yaml;                   ///< resolved training config (YAML text)
  std::string history_json;                  ///< per-epoch metrics (JSON text, owned by train/)
  std::string trainer_state_json;            ///< scheduler/early-stopping/RNG state (JSON, owned by train/)
  std::string segoid_version;                ///< version banner of the writer; filled by save_checkpoint if empty
  std::string encoder_weights_file;          ///< ImageNet weights the encoder started from; empty = none
  std::string encoder_weights_sha256;        ///< that file's SHA-256 (hex); empty = none
  std::vector<ParentCheckpoint> lineage;     ///< the model trained from (`--init-from`), its parent, ...; empty: none
};

/// Version of the info document written by info_to_json. 1: config, history and trainer state
/// as strings (YAML or JSON text) inside the JSON; 2: one structured JSON document, with
/// `config`, `history` and `trainer_state` as objects (or null). Both are read. Keys added since
/// (architecture, image_scale, training_pixel_size) are optional: an older file lacks them.
constexpr int kCheckpointFormatVersion = 2;

/// Reads only the info of a checkpoint (SegOid or Python `.pth`). Throws ModelError naming the file.
/// (Implemented with the checkpoint reader, in the torch part of the library.)
CheckpointInfo read_checkpoint_info(const std::filesystem::path& path);

/// Info -> the JSON document stored inside the checkpoint (format version 2). Throws ModelError
/// when config_yaml is not YAML or history_json / trainer_state_json are not JSON.
std::string info_to_json(const CheckpointInfo& info);
/// The stored JSON document (format version 1 or 2) -> info; the config comes back as YAML text
/// and the history and trainer state as JSON text; the model description is read here, once (see
/// ModelDescription for older layouts). Throws ModelError naming `source` when malformed, newer
/// than this SegOid, or describing an impossible model (image_scale out of range).
CheckpointInfo info_from_json(const std::string& json, const std::string& source);

}  // namespace segoid::model
