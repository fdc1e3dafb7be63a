// SPDX-License-Identifier: MIT
// Fresh output folders: reuse nothing silently.
#include "segoid/pipeline/run_folder.hpp"

#include <spdlog/spdlog.h>

#include "segoid/core/error.hpp"

namespace segoid::pipeline {
namespace fs = std::filesystem;

void prepare_run_folder(const fs::path& dir, bool force, const std::string& what) {
  std::error_code ec;
  if (fs::exists(dir) && !fs::is_empty(dir, ec)) {
    if (!force) {
      throw ConfigError("output folder \"" + dir.string() + "\" (" + what +
                        ") already holds a run; choose another folder or pass --force to replace it");
    }
    spdlog::warn("--force: replacing the earlier run in \"{}\"", dir.string());
    fs::remove_all(dir, ec);
    if (ec) throw IoError("cannot remove \"" + dir.string() + "\": " + ec.message());
  }
  fs::create_directories(dir, ec);
  if (ec) throw IoError("cannot create folder \"" + dir.string() + "\": " + ec.message());
}

}  // namespace segoid::pipeline
