// SPDX-License-Identifier: MIT
// The encoder-weights search path from $SEGOID_WEIGHTS_DIR and PyTorch's hub cache variables.
#include "weights_dirs.hpp"

#include <cstdlib>
#include <filesystem>

namespace segoid::cli {

std::string encoder_weight_dirs() {
  namespace fs = std::filesystem;
  const auto env = [](const char* name) {
    const char* value = std::getenv(name);
    return std::string(value ? value : "");
  };
  std::string dirs = env("SEGOID_WEIGHTS_DIR");
  fs::path torch_home = env("TORCH_HOME");
  if (torch_home.empty()) {
    const std::string cache = env("XDG_CACHE_HOME");
    const std::string home = env("HOME");
    if (!cache.empty()) torch_home = fs::path(cache) / "torch";
    else if (!home.empty()) torch_home = fs::path(home) / ".cache" / "torch";
  }
  if (!torch_home.empty()) dirs += (dirs.empty() ? "" : ":") + (torch_home / "hub/checkpoints").string();
  return dirs;
}

}  // namespace segoid::cli
