// SPDX-License-Identifier: MIT
// torch.save checkpoints (the Python SegOid's, smp state dicts, and SegOid's own) read through our unpickler.
#pragma once

#include <filesystem>

#include "segoid/model/checkpoint.hpp"
#include "segoid/model/state_dict.hpp"

namespace segoid::model {

/// The key of SegOid's own fields (CheckpointInfo as JSON text) in a torch.save checkpoint.
inline constexpr char kSegoidInfoKey[] = "segoid_info";

/// What SegOid takes from a torch.save checkpoint.
struct TorchSaveCheckpoint {
  /// SegOid's own file: its segoid_info. A Python file's: architecture inferred from the weights
  /// (encoder depth, conv1 input, head output channels); normalization "range" (the Python tool
  /// divides by 255); epoch = the file's "epoch" + 1 (Python saves the 0-based index of the last
  /// finished epoch), best_val_dice, history (as JSON {name: [values]}) and config when present.
  CheckpointInfo info;
  StateDict model_state_dict;   ///< smp's names, CPU tensors, in file order
  bool written_by_segoid = false;  ///< it has "segoid_info"
  c10::IValue optimizer_state;  ///< "optimizer_state_dict" (PyTorch layout); None when absent
  c10::IValue scheduler_state;  ///< "scheduler_state_dict"; None when absent
};

/// Reads a torch.save checkpoint: a dict holding `model_state_dict` (or a bare state dict);
/// a "module." (DataParallel) or "_orig_mod." (torch.compile) prefix on every key is dropped.
/// Throws ModelError naming the file.
TorchSaveCheckpoint read_torch_save_checkpoint(const std::filesystem::path& path);

}  // namespace segoid::model
