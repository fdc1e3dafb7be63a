// SPDX-License-Identifier: MIT
// The speed-choice cache folder from the environment.
#include "cache_dir.hpp"

#include <cstdlib>

namespace segoid::cli {

std::filesystem::path speed_cache_dir() {
  if (const char* dir = std::getenv("SEGOID_CACHE_DIR")) return dir;
  if (const char* xdg = std::getenv("XDG_CACHE_HOME"); xdg != nullptr && *xdg != '\0') {
    return std::filesystem::path(xdg) / "segoid";
  }
  if (const char* home = std::getenv("HOME"); home != nullptr && *home != '\0') {
    return std::filesystem::path(home) / ".cache" / "segoid";
  }
  return {};
}

}  // namespace segoid::cli
