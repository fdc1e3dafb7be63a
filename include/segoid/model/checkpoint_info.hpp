// SPDX-License-Identifier: MIT
// What a SegOid checkpoint says about its model and run, beside the weights (torch-free).
#pragma once

#include <filesystem>
#include <string>
#include <vector>

#include "segoid/model/unet_options.hpp"

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
  std::string encoder = "resnet18";          ///< Unet encoder: resnet18 | resnet34
  int in_channels = 1;                       ///< image channels the model takes
  int classes = 1;                           ///< output channels (logits)
  std::string normalization = "percentile";  ///< intensity normalization the model was trained with
  int patch_size = 256;                      ///< training patch side, pixels (inference tile default)
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
/// `config`, `history` and `trainer_state` as objects (or null). Both are read.
constexpr int kCheckpointFormatVersion = 2;

/// Unet architecture described by an info.
UnetOptions unet_options(const CheckpointInfo& info);

/// model.<key> of the training config a checkpoint carries (config_yaml), as a number; `absent`
/// when there is no config (a Python checkpoint), no such key (an older SegOid one) or no number.
double model_config_number(const CheckpointInfo& info, const char* key, double absent);

/// Reads only the info of a checkpoint (SegOid or Python `.pth`). Throws ModelError naming the file.
/// (Implemented with the checkpoint reader, in the torch part of the library.)
CheckpointInfo read_checkpoint_info(const std::filesystem::path& path);

/// Info -> the JSON document stored inside the checkpoint (format version 2). Throws ModelError
/// when config_yaml is not YAML or history_json / trainer_state_json are not JSON.
std::string info_to_json(const CheckpointInfo& info);
/// The stored JSON document (format version 1 or 2) -> info; the config comes back as YAML text
/// and the history and trainer state as JSON text. Throws ModelError naming `source` when malformed
/// or newer than this SegOid.
CheckpointInfo info_from_json(const std::string& json, const std::string& source);

}  // namespace segoid::model
