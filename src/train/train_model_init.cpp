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

void use_channels_last(model::Unet& unet, const torch::Device& device) {
  if (!device.is_cpu()) return;
  torch::NoGradGuard no_grad;
  for (auto& p : unet->parameters()) {
    // contiguous(ChannelsLast) is a no-op on 1-channel weights (conv1); to() copies them too.
    if (p.dim() == 4) {
      p.set_data(p.data().to(p.options(), /*non_blocking=*/false, /*copy=*/true, torch::MemoryFormat::ChannelsLast));
    }
  }
}

}  // namespace segoid::train
