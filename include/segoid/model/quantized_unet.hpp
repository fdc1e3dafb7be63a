// SPDX-License-Identifier: MIT
// Int8 inference form of a Unet (post-training static quantization): BatchNorm folded, per-channel
// int8 weights, uint8 activations with per-tensor scales observed on calibration tiles, run by
// LibTorch's quantized CPU kernels on the oneDNN engine. The stem convolution and the
// full-resolution end (the last decoder block and the head, where the boundary is drawn) stay float32.
#pragma once

#include <torch/torch.h>

#include <memory>
#include <string>
#include <utility>
#include <vector>

#include "segoid/model/unet.hpp"

namespace segoid::model {

/// True when this LibTorch has the oneDNN quantized engine (Debian's has no FBGEMM).
bool int8_inference_available();

/// Collects activation ranges from float forwards, then freezes into an int8 network.
/// Not thread-safe; the frozen network's forward may run on one thread at a time.
class QuantizedUnet {
 public:
  /// `trained`: a Unet in inference form (make_inference_model), used as it is and not modified
  /// (its float32 convolutions run the float ends), or a trained Unet, folded into a private copy.
  /// Throws ModelError when int8_inference_available() is false.
  explicit QuantizedUnet(const Unet& trained);

  /// Widens every activation range by a float forward of `tiles` ([N, in_channels, H, W], H and W
  /// multiples of 32). Returns the float logits. Only before freeze().
  torch::Tensor observe(const torch::Tensor& tiles);
  /// Quantizes the weights and prepacks them; throws ModelError when nothing was observed.
  void freeze();
  /// freeze() with the activation ranges of an earlier calibration of the same network (ranges(),
  /// e.g. from a cache) instead of observed ones. Throws ModelError, unfrozen, when their count is
  /// not this network's or one is not a finite low <= high.
  void freeze(const std::vector<std::pair<float, float>>& ranges);
  bool frozen() const;
  /// The activation ranges (low, high) it froze with, one per int8 activation in network order.
  /// Only after freeze().
  std::vector<std::pair<float, float>> ranges() const;

  /// Logits float32 [N, classes, H, W] from the int8 network. Only after freeze().
  torch::Tensor forward(const torch::Tensor& x) const;

  struct Impl;

 private:
  std::shared_ptr<Impl> impl_;
};

}  // namespace segoid::model
