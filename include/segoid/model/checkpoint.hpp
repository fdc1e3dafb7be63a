// SPDX-License-Identifier: MIT
// The SegOid checkpoint: a Unet's weights plus everything needed to resume training or to predict.
#pragma once

#include <torch/torch.h>

#include <filesystem>
#include <string>

#include "segoid/model/unet.hpp"

namespace segoid::model {

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
};

/// Unet architecture described by an info.
UnetOptions unet_options(const CheckpointInfo& info);

/// Writes `model` (all parameters and buffers, by state-dict name, moved to CPU), `info` and, when
/// given, the optimizer state to `path` atomically (temp file + rename). Throws IoError/ModelError.
void save_checkpoint(const std::filesystem::path& path, const Unet& model, const CheckpointInfo& info,
                     const torch::optim::Optimizer* optimizer = nullptr);

/// A checkpoint read back.
struct LoadedCheckpoint {
  Unet model{nullptr};  ///< rebuilt from info, weights loaded, on the requested device, train mode
  CheckpointInfo info;
};

/// Reads a SegOid checkpoint (or a Python SegOid `.pth`: a torch.save dict with model_state_dict)
/// and rebuilds its Unet on `device`. When `optimizer_to_restore` is given (built over the
/// parameters of a model with the same architecture), its state is restored from the file; a file
/// without optimizer state then throws. Throws ModelError naming the file when it is missing,
/// corrupt or does not fit.
LoadedCheckpoint load_checkpoint(const std::filesystem::path& path, const torch::Device& device = torch::kCPU,
                                 torch::optim::Optimizer* optimizer_to_restore = nullptr);

/// Reads only the info of a checkpoint (SegOid or Python `.pth`). Throws ModelError naming the file.
CheckpointInfo read_checkpoint_info(const std::filesystem::path& path);

/// Info <-> JSON text (the form stored inside the checkpoint). Throws ModelError on malformed JSON.
std::string info_to_json(const CheckpointInfo& info);
CheckpointInfo info_from_json(const std::string& json, const std::string& source);

}  // namespace segoid::model
