// SPDX-License-Identifier: MIT
// The SegOid checkpoint: a Unet's weights plus everything needed to resume training or to predict.
// The torch-free part (CheckpointInfo, its JSON, read_checkpoint_info) is in checkpoint_info.hpp.
#pragma once

#include <torch/torch.h>

#include <filesystem>
#include <string>

#include "segoid/model/checkpoint_info.hpp"
#include "segoid/model/unet.hpp"

namespace segoid::model {

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

}  // namespace segoid::model
