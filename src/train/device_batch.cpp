// SPDX-License-Identifier: MIT
// Host batches onto the training device.
#include "device_batch.hpp"

#include "segoid/model/layout_choice.hpp"

namespace segoid::train {

torch::Tensor to_device(std::vector<float>& values, int count, int size, const Setup& setup) {
  torch::Tensor t = torch::from_blob(values.data(), {count, 1, size, size}, torch::kFloat32);
  if (setup.device.is_cuda()) {
    if (setup.config.training.pin_memory) t = t.pin_memory();
    return t.to(setup.device, /*non_blocking=*/true);
  }
  // Batches in the weights' layout meet them without a reorder per layer (always a copy: the
  // blob is the loader's buffer).
  return model::to_layout(t, setup.memory_format);
}

}  // namespace segoid::train
