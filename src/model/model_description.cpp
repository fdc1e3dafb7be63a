// SPDX-License-Identifier: MIT
// The model description's architecture (read_model_description is in checkpoint.cpp, with the reader).
#include "segoid/model/model_description.hpp"

namespace segoid::model {

UnetOptions unet_options(const ModelDescription& description) {
  UnetOptions options;
  options.encoder = description.encoder;
  options.in_channels = description.in_channels;
  options.classes = description.classes;
  return options;
}

}  // namespace segoid::model
