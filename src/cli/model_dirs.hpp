// SPDX-License-Identifier: MIT
// Where named models (spheroid-base) are looked for: the environment and the binary's place are
// read here, in cli/, and passed down.
#pragma once

#include <filesystem>
#include <string>
#include <vector>

namespace segoid::cli {

/// The model folders, in order: each of $SEGOID_MODELS_DIR (':'-separated), then <exe dir>/models
/// (the build folder, where the build copies models/), then <exe dir>/../share/segoid/models
/// (after `make install` or the .deb).
std::vector<std::filesystem::path> model_dirs();

/// A checkpoint argument (path or model name, see model::resolve_model) as a file path.
std::filesystem::path resolve_checkpoint(const std::string& argument);

}  // namespace segoid::cli
