// SPDX-License-Identifier: MIT
// Paired augmentation of an image patch and its mask: flips, 90-degree rotations (same geometry
// for both) and brightness/contrast (image only).
#pragma once

#include <opencv2/core.hpp>

#include "segoid/core/rng.hpp"

namespace segoid::data {

/// Augmentation probabilities and limits, named as the Python SegOid's
/// `dataset.augmentation.*` keys, with its train.yaml values as defaults (train::AugmentSection is
/// this struct). Transforms run in this order, each drawn independently:
///  1. horizontal flip (mirror columns) with probability `horizontal_flip`;
///  2. vertical flip (mirror rows) with probability `vertical_flip`;
///  3. with probability `rotate_90`, rotation by k x 90 degrees clockwise, k uniform in {1, 2, 3}
///     (unlike albumentations' RandomRotate90, which also draws k = 0, every applied rotation
///     rotates, so `rotate_90` is the real probability of a rotated patch);
///  4. with probability `brightness_contrast`, albumentations' RandomBrightnessContrast for float
///     images (brightness_by_max): out = clip(alpha * in + beta, 0, 1),
///     alpha = 1 + U(-contrast_limit, contrast_limit),
///     beta = U(-brightness_limit, brightness_limit).
struct AugmentConfig {
  bool enabled = true;               ///< false: augment_pair leaves both mats untouched
  double horizontal_flip = 0.5;      ///< probability in [0, 1]
  double vertical_flip = 0.5;        ///< probability in [0, 1]
  double rotate_90 = 0.5;            ///< probability in [0, 1] of a 90/180/270 degree rotation
  double brightness_limit = 0.1;     ///< max |beta|, in [0, 1] (intensity units of the [0,1] image)
  double contrast_limit = 0.1;       ///< max |alpha - 1|, in [0, 1]
  double brightness_contrast = 0.5;  ///< probability in [0, 1] (albumentations' p; Python uses 0.5)
};

/// Throws ConfigError naming the `dataset.augmentation.*` key of the first value out of range.
void validate(const AugmentConfig& config);

/// Applies the random transforms of `config` in place. `image` is CV_32FC1 in [0, 1]; `mask` is
/// any single-channel type of the same size and receives exactly the same flips and rotations
/// (rotations of a non-square pair swap width and height of both). Draws from `rng` only when
/// `config.enabled`. Throws Error when the types or sizes do not match.
void augment_pair(cv::Mat& image, cv::Mat& mask, const AugmentConfig& config, core::Rng& rng);

}  // namespace segoid::data
