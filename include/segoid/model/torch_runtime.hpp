// SPDX-License-Identifier: MIT
// Process-wide LibTorch settings: thread count and device choice. Plain types only.
#pragma once

#include <string>

namespace segoid::model {

/// Sets LibTorch's intra-op threads: `threads` > 0 as given, 0 = all cores (Debian's LibTorch
/// starts with 1). Returns the count in effect.
int configure_threads(int threads);

/// Resolves "auto" | "cpu" | "cuda" to "cpu" or "cuda"; throws ConfigError for "cuda" when
/// LibTorch has no CUDA device, and for any other word.
std::string resolve_device(const std::string& requested);

}  // namespace segoid::model
