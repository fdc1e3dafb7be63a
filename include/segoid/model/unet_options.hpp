// SPDX-License-Identifier: MIT
// The architecture of a Unet as plain data (torch-free, so that any stage can describe a model).
#pragma once

#include <cstdint>
#include <string>
#include <vector>

namespace segoid::model {

/// Architecture of a Unet. Defaults are smp's `Unet('resnet18', in_channels=1, classes=1)`.
struct UnetOptions {
  /// "resnet18" or "resnet34".
  std::string encoder = "resnet18";
  /// Image channels fed to the network (1 for gray).
  int in_channels = 1;
  /// Output channels (logits), 1 for binary segmentation.
  int classes = 1;
  /// Decoder block widths, deepest first; smp's default.
  std::vector<int64_t> decoder_channels{256, 128, 64, 32, 16};
  /// Inference form: every BatchNorm folded into the convolution before it (those convolutions
  /// carry a bias, the BatchNorm slots are empty). Set by make_inference_model, not by users.
  bool folded_batchnorm = false;
};

}  // namespace segoid::model
