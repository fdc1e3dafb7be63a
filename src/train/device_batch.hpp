// SPDX-License-Identifier: MIT
// Host batches onto the training device, and float16 autocast (train-internal, torch).
#pragma once

#include <ATen/autocast_mode.h>
#include <torch/torch.h>

#include <vector>

#include "train_session.hpp"

namespace segoid::train {

/// `values` (count x 1 x size x size floats, kept alive by the caller) as a tensor on the
/// session's device, in its memory layout on the CPU. Always a copy.
torch::Tensor to_device(std::vector<float>& values, int count, int size, const Setup& setup);

/// RAII float16 autocast on CUDA.
class AutocastGuard {
 public:
  explicit AutocastGuard(bool on) : on_(on) {
    if (on_) at::autocast::set_enabled(true);
  }
  ~AutocastGuard() {
    if (on_) {
      at::autocast::set_enabled(false);
      at::autocast::clear_cache();
    }
  }
  AutocastGuard(const AutocastGuard&) = delete;
  AutocastGuard& operator=(const AutocastGuard&) = delete;

 private:
  bool on_;
};

}  // namespace segoid::train
