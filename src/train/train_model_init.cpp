// SPDX-License-Identifier: MIT
// Building the network for training: seeded random initialisation, optional ImageNet encoder.
#include <spdlog/spdlog.h>

#include "segoid/core/sha256.hpp"
#include "segoid/model/encoder_weights.hpp"
#include "trainer_internal.hpp"

namespace segoid::train {

model::Unet build_model(const TrainConfig& config, const std::filesystem::path& weights_dir,
                        model::EncoderWeightsSource* source) {
  // The only random draws torch makes in training are the initial weights: seeding here makes
  // the run reproducible from config.seed.
  torch::manual_seed(config.seed);
  model::UnetOptions options;
  options.encoder = config.model.encoder;
  options.in_channels = config.model.in_channels;
  options.classes = config.model.classes;
  model::Unet unet(options);
  if (config.model.encoder_weights == "imagenet") {
    const std::filesystem::path file = model::find_encoder_weights(
        config.model.encoder, config.model.encoder_weights_path.string(), weights_dir.string());
    model::load_encoder_weights(unet, file);
    const std::string sha256 = core::sha256_file(file);
    spdlog::info("encoder {}: ImageNet weights from \"{}\" (sha256 {})", config.model.encoder, file.string(), sha256);
    if (source) *source = {file, sha256};
  } else {
    spdlog::info("encoder {}: random initialisation (model.encoder_weights: null)", config.model.encoder);
  }
  return unet;
}

}  // namespace segoid::train
