// SPDX-License-Identifier: MIT
// Where per-machine speed choices are cached: the only place that reads HOME / XDG_CACHE_HOME.
#pragma once

#include <filesystem>

namespace segoid::cli {

/// $SEGOID_CACHE_DIR if set (empty: no caching), else $XDG_CACHE_HOME/segoid, else
/// $HOME/.cache/segoid; empty (measure every time) when none is set.
std::filesystem::path speed_cache_dir();

}  // namespace segoid::cli
