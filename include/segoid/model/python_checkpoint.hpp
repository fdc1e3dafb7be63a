// SPDX-License-Identifier: MIT
// Python SegOid checkpoints (`torch.save` dicts with model_state_dict) read through our unpickler.
#pragma once

#include <filesystem>

#include "segoid/model/checkpoint.hpp"
#include "segoid/model/state_dict.hpp"

namespace segoid::model {

/// What SegOid takes from a Python SegOid checkpoint.
struct PythonCheckpoint {
  /// Architecture inferred from the weights (encoder depth, conv1 input, head output channels);
  /// normalization "range" (the Python tool divides by 255); epoch, best_val_dice and history
  /// (as JSON) when present.
  CheckpointInfo info;
  StateDict model_state_dict;  ///< smp's names, CPU tensors
};

/// True when `path` is a `torch.save` archive (not a SegOid/LibTorch one).
bool is_python_checkpoint(const std::filesystem::path& path);

/// Reads a Python SegOid checkpoint: a dict holding `model_state_dict` (or a bare state dict);
/// a "module." (DataParallel) or "_orig_mod." (torch.compile) prefix on every key is dropped.
/// Throws ModelError naming the file.
PythonCheckpoint read_python_checkpoint(const std::filesystem::path& path);

}  // namespace segoid::model
