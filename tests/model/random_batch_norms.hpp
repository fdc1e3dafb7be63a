// SPDX-License-Identifier: MIT
// Test helper: an untrained Unet whose BatchNorms do something, as after training.
#pragma once

#include <torch/torch.h>

#include "segoid/model/unet.hpp"

namespace segoid::model {

/// Random affine BatchNorm parameters and running statistics taken from one batch (momentum 1),
/// so that activations keep a trained model's scale; eval mode. Seeded: the same model each call.
inline Unet model_with_random_batch_norms(UnetOptions options = {}) {
  torch::manual_seed(21);
  Unet model(options);
  torch::NoGradGuard no_grad;
  for (auto& module : model->modules()) {
    if (auto* bn = module->as<torch::nn::BatchNorm2d>()) {
      bn->weight.uniform_(0.5, 1.5);
      bn->bias.normal_(0.0, 0.1);
      bn->options.momentum(1.0);
    }
  }
  model->train();
  model->forward(torch::randn({8, 1, 96, 64}) * 0.5 + 0.3);
  model->eval();
  return model;
}

}  // namespace segoid::model
