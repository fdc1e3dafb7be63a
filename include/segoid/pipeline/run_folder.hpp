// SPDX-License-Identifier: MIT
// Output folders that never mix an old run with a new one silently.
#pragma once

#include <filesystem>
#include <string>

namespace segoid::pipeline {

/// Makes `dir` ready for a fresh run: creates it when absent; when it exists and is not empty,
/// removes it if `force`, else throws ConfigError naming the folder, `what` (the option or key
/// that chose it) and --force.
void prepare_run_folder(const std::filesystem::path& dir, bool force, const std::string& what);

}  // namespace segoid::pipeline
