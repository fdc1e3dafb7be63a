// SPDX-License-Identifier: MIT
// Checkpoint conversion between SegOid and Python SegOid/smp. Plain types: callable from cli/.
#pragma once

#include <filesystem>

namespace segoid::model {

/// Reads a Python SegOid `.pth` (torch.save dict with model_state_dict, epoch, best_val_dice,
/// history) and writes it as a SegOid checkpoint (weights and the inferred info, no optimizer
/// state) to `output` (atomic). Throws ModelError naming the file.
void import_checkpoint(const std::filesystem::path& python_checkpoint, const std::filesystem::path& output);

/// Writes a checkpoint of any kind (a legacy SegOid .pt included) as a SegOid `.pth`
/// (save_checkpoint's layout: Python's torch.load opens it and model_state_dict loads strict into
/// smp's Unet): weights and info, no optimizer state. With `half`, floating-point weights and
/// buffers are stored as float16 (half the size: the shipped model); every loader converts them
/// back to the model's float32. Atomic. Throws ModelError naming the file.
void export_checkpoint(const std::filesystem::path& checkpoint, const std::filesystem::path& output,
                       bool half = false);

}  // namespace segoid::model
