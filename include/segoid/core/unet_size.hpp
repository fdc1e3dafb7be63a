// SPDX-License-Identifier: MIT
// The one size rule of the U-Net: patch and tile sides are multiples of 32 (five 2x downsamplings).
// In core so that every stage (data's patch recommendation, train, infer, cli) uses the same value.
#pragma once

namespace segoid::core {

/// Patch and tile sides, in pixels, must be positive multiples of this.
constexpr int kUnetSizeMultiple = 32;

/// True when `pixels` is a positive multiple of kUnetSizeMultiple.
constexpr bool is_unet_size(int pixels) { return pixels >= kUnetSizeMultiple && pixels % kUnetSizeMultiple == 0; }

}  // namespace segoid::core
