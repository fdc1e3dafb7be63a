// SPDX-License-Identifier: MIT
// The SegOid checkpoint: a Unet's weights plus everything needed to resume training or to predict.
// The torch-free part (CheckpointInfo, its JSON, read_checkpoint_info) is in checkpoint_info.hpp.
#pragma once

#include <torch/torch.h>

#include <filesystem>
#include <string>
#include <utility>

#include "segoid/model/checkpoint_info.hpp"
#include "segoid/model/unet.hpp"

namespace segoid::model {

/// Who wrote a checkpoint file, and so how it is laid out.
enum class CheckpointKind {
  kSegoid,        ///< SegOid: a torch.save dict with the Python SegOid's keys plus "segoid_info"
  kSegoidLegacy,  ///< SegOid before the shared format: a LibTorch archive (.pt); still read
  kPython,        ///< Python (the Python SegOid, smp): a torch.save dict or a bare state dict
};

/// What a training run saves beside the weights, in PyTorch's own layouts.
struct TrainingStateDicts {
  TrainingStateDicts() = default;
  TrainingStateDicts(const torch::optim::AdamW* optimizer_state, c10::IValue scheduler_state = {},
                     c10::IValue history_series = {})
      : optimizer(optimizer_state), scheduler(std::move(scheduler_state)), history(std::move(history_series)) {}

  const torch::optim::AdamW* optimizer = nullptr;  ///< -> "optimizer_state_dict" (adamw_state_dict)
  c10::IValue scheduler;  ///< -> "scheduler_state_dict" as ReduceLROnPlateau.state_dict(); None: not saved
  c10::IValue history;    ///< -> "history" ({name: [float per epoch]}); None: info's history when it has that shape
};

/// Writes `model` (all parameters and buffers, by state-dict name, moved to CPU), `info` and
/// `training` to `path` atomically as a torch.save archive that Python's torch.load opens (its globals
/// are those weights_only=True allows). Keys: the Python SegOid's "epoch" (0-based index of the last finished
/// epoch, info.epoch - 1), "model_state_dict", "optimizer_state_dict", "best_val_dice", "history",
/// "model_config" ({encoder_name, in_channels, classes}) and "scheduler_state_dict", then
/// "segoid_info" (info as JSON text: config, lineage, normalization, training state), which Python
/// ignores. Throws IoError (naming the file; a full disk says so) or ModelError.
void save_checkpoint(const std::filesystem::path& path, const Unet& model, const CheckpointInfo& info,
                     const TrainingStateDicts& training = {});

/// A checkpoint read back.
struct LoadedCheckpoint {
  Unet model{nullptr};  ///< rebuilt from info, weights loaded, on the requested device, train mode
  CheckpointInfo info;  ///< a Python file's: inferred (see read_torch_save_checkpoint)
  CheckpointKind kind = CheckpointKind::kSegoid;
  c10::IValue scheduler_state;  ///< the file's scheduler_state_dict; None when it has none (legacy files never)
};

/// Reads a checkpoint of any kind and rebuilds its Unet on `device`. When `optimizer_to_restore`
/// is given (built over the parameters of a model with the same architecture), it is pointed at
/// the returned model's parameters and its state restored from the file (a Python file's Adam or
/// AdamW state included); a file without optimizer state then throws. Throws ModelError naming
/// the file when it is missing, corrupt or does not fit.
LoadedCheckpoint load_checkpoint(const std::filesystem::path& path, const torch::Device& device = torch::kCPU,
                                 torch::optim::AdamW* optimizer_to_restore = nullptr);

/// Who wrote `path` (reads it). Throws ModelError naming the file when it is no checkpoint.
CheckpointKind checkpoint_kind(const std::filesystem::path& path);

}  // namespace segoid::model
