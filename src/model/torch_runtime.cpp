// SPDX-License-Identifier: MIT
// LibTorch thread and device set-up.
#include "segoid/model/torch_runtime.hpp"

#include <torch/torch.h>

#include <thread>

#include "segoid/core/error.hpp"

namespace segoid::model {

int configure_threads(int threads) {
  const int count = threads > 0 ? threads : static_cast<int>(std::max(1u, std::thread::hardware_concurrency()));
  torch::set_num_threads(count);
  return torch::get_num_threads();
}

std::string resolve_device(const std::string& requested) {
  if (requested == "auto") return torch::cuda::is_available() ? "cuda" : "cpu";
  if (requested == "cpu") return "cpu";
  if (requested == "cuda") {
    if (!torch::cuda::is_available()) {
      throw ConfigError("device 'cuda' requested but this LibTorch has no CUDA device; use 'cpu' or 'auto'");
    }
    return "cuda";
  }
  throw ConfigError("device must be auto, cpu or cuda, got '" + requested + "'");
}

}  // namespace segoid::model
