// SPDX-License-Identifier: MIT
// The named-model search path from $SEGOID_MODELS_DIR and the binary's own folder.
#include "model_dirs.hpp"

#include <cstdlib>
#include <sstream>

#include "segoid/model/model_names.hpp"

namespace segoid::cli {

namespace fs = std::filesystem;

std::vector<fs::path> model_dirs() {
  std::vector<fs::path> dirs;
  if (const char* env = std::getenv("SEGOID_MODELS_DIR")) {
    std::stringstream list(env);
    for (std::string dir; std::getline(list, dir, ':');) {
      if (!dir.empty()) dirs.emplace_back(dir);
    }
  }
  std::error_code ec;
  const fs::path exe = fs::read_symlink("/proc/self/exe", ec);
  if (!ec) {
    dirs.push_back(exe.parent_path() / "models");
    dirs.push_back((exe.parent_path() / ".." / "share" / "segoid" / "models").lexically_normal());
  }
  return dirs;
}

fs::path resolve_checkpoint(const std::string& argument) { return model::resolve_model(argument, model_dirs()); }

}  // namespace segoid::cli
