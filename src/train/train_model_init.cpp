// SPDX-License-Identifier: MIT
// Building the network for training: seeded random initialisation, optional ImageNet encoder.
#include "segoid/core/error.hpp"
#include "trainer_internal.hpp"

namespace segoid::train {

model::Unet build_model(const TrainConfig& config, const std::filesystem::path& weights_dir) {
  // The only random draws torch makes in training are the initial weights: seeding here makes
  // the run reproducible from config.seed.
  torch::manual_seed(config.seed);
  model::UnetOptions options;
  options.encoder = config.model.encoder;
  options.in_channels = config.model.in_channels;
  options.classes = config.model.classes;
  model::Unet unet(options);
  if (!config.model.encoder_weights.empty()) {
    throw ModelError("model.encoder_weights: imagenet is not available in this build yet; use null");
  }
  return unet;
}

}  // namespace segoid::train
