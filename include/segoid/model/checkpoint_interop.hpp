// SPDX-License-Identifier: MIT
// Checkpoint conversion between SegOid and Python SegOid/smp. Plain types: callable from cli/.
#pragma once

#include <filesystem>

namespace segoid::model {

/// Reads a Python SegOid `.pth` (torch.save dict with model_state_dict, epoch, best_val_dice,
/// history) and writes a SegOid checkpoint to `output` (atomic). Throws ModelError naming the file.
void import_checkpoint(const std::filesystem::path& python_checkpoint, const std::filesystem::path& output);

/// Writes a SegOid checkpoint as a `.pth` that Python's torch.load opens: a dict with
/// model_state_dict (name -> tensor, loads strict into smp's Unet), epoch, best_val_dice,
/// history (name -> list of floats, when the history is such a JSON object) and segoid_info
/// (JSON text). Atomic. Throws ModelError naming the file.
void export_checkpoint(const std::filesystem::path& checkpoint, const std::filesystem::path& output);

}  // namespace segoid::model
