// SPDX-License-Identifier: MIT
// Inference form of a Unet: BatchNorm folded into the convolutions, channels_last weights, eval mode.
#pragma once

#include "segoid/model/unet.hpp"

namespace segoid::model {

/// A new Unet computing what `trained` computes in eval mode (within float rounding, ~1e-6):
/// each BatchNorm folded into the convolution before it (W' = W*g/sqrt(v+eps), b' = beta - m*g/sqrt(v+eps)),
/// every 4-D weight in channels_last (1-channel ones too), no gradients, eval mode, on `trained`'s
/// device. `trained` is not modified. Not for training or saving (save_checkpoint refuses it).
Unet make_inference_model(const Unet& trained);

}  // namespace segoid::model
