// SPDX-License-Identifier: MIT
// The INPUT OUTPUT [--force] values of the commands that convert one checkpoint file into another.
#pragma once

#include <filesystem>
#include <string>

#include "segoid/core/error.hpp"

namespace segoid::cli {

struct ConversionOptions {
  std::string input;
  std::string output;
  bool force = false;
};

/// Throws ConfigError when the output exists and --force was not given.
inline void refuse_to_replace(const ConversionOptions& options) {
  if (std::filesystem::exists(options.output) && !options.force) {
    throw ConfigError("\"" + options.output + "\" exists; pass --force to replace it");
  }
}

}  // namespace segoid::cli
