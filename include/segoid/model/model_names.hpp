// SPDX-License-Identifier: MIT
// Models by name: `spheroid-base` (the shipped model) or any <name>.pth in the model folders,
// accepted wherever a checkpoint path is.
#pragma once

#include <filesystem>
#include <string>
#include <vector>

namespace segoid::model {

/// The model that ships with SegOid, used by predict_full when no checkpoint is given.
inline constexpr const char* kShippedModelName = "spheroid-base";
/// A named model's file in a model folder: <name> + this.
inline constexpr const char* kModelFileExtension = ".pth";

/// True when `argument` reads as a model name rather than a path: no folder part and no
/// extension (e.g. "spheroid-base", not "spheroid-base.pth" or "./spheroid-base").
bool is_model_name(const std::string& argument);

/// The first <dir>/<name>.pth of `model_dirs` that exists; empty when none does.
std::filesystem::path find_model(const std::string& name, const std::vector<std::filesystem::path>& model_dirs);

/// The checkpoint file `argument` means. An existing file is itself. A model name is the first
/// <dir>/<name>.pth of `model_dirs` that exists; none found throws ModelError naming the folders
/// searched. Anything else is returned as given (the loader reports a missing file).
std::filesystem::path resolve_model(const std::string& argument, const std::vector<std::filesystem::path>& model_dirs);

}  // namespace segoid::model
