// SPDX-License-Identifier: MIT
// Paired augmentation of an image patch and its mask: flips, 90-degree rotations (same geometry
// for both) and brightness/contrast (image only).
#pragma once

#include <opencv2/core.hpp>

#include <string>

#include "segoid/core/config_table.hpp"
#include "segoid/core/rng.hpp"

namespace segoid::data {

/// Augmentation probabilities and limits, named as the Python SegOid's
/// `dataset.augmentation.*` keys, with its train.yaml values as defaults (train::AugmentSection is
/// this struct; its rows are augment_config_table()). Transforms run in this order, each drawn independently:
///  1. horizontal flip (mirror columns) with probability `horizontal_flip`;
///  2. vertical flip (mirror rows) with probability `vertical_flip`;
///  3. with probability `rotate_90`, rotation by k x 90 degrees clockwise, k uniform in {1, 2, 3}
///     (unlike albumentations' RandomRotate90, which also draws k = 0, every applied rotation
///     rotates, so `rotate_90` is the real probability of a rotated patch);
///  4. with probability `brightness_contrast`, albumentations' RandomBrightnessContrast for float
///     images (brightness_by_max): out = clip(alpha * in + beta, 0, 1),
///     alpha = 1 + U(-contrast_limit, contrast_limit),
///     beta = U(-brightness_limit, brightness_limit).
/// Then SegOid's robustness transforms, each off (probability 0, no random draws) by default:
///  5. with probability `scale`, a zoom by f = exp(U(ln scale_min, ln scale_max)) about the patch
///     centre (f > 1 enlarges), image bilinear, mask nearest, reflect-101 outside;
///  6. with probability `grid_distortion`, a smooth random warp: the corners of a grid_cells x
///     grid_cells grid move by up to grid_magnitude x cell side in x and y, the displacement is
///     interpolated bicubically between them; image bilinear, mask nearest, reflect-101 outside;
///  7. with probability `gamma`, out = in^g, g = exp(U(ln gamma_min, ln gamma_max));
///  8. with probability `blur`, a Gaussian blur of sigma U(blur_sigma_min, blur_sigma_max) px;
///  9. with probability `noise`, additive Gaussian noise of sd U(noise_sd_min, noise_sd_max), clipped to [0, 1];
/// 10. with probability `invert`, out = 1 - in.
/// Geometric transforms (1-3, 5, 6) move image and mask together; the others touch the image only.
struct AugmentConfig {
  bool enabled = true;               ///< false: augment_pair leaves both mats untouched
  double horizontal_flip = 0.5;      ///< probability in [0, 1]
  double vertical_flip = 0.5;        ///< probability in [0, 1]
  double rotate_90 = 0.5;            ///< probability in [0, 1] of a 90/180/270 degree rotation
  double brightness_limit = 0.1;     ///< max |beta|, in [0, 1] (intensity units of the [0,1] image)
  double contrast_limit = 0.1;       ///< max |alpha - 1|, in [0, 1]
  double brightness_contrast = 0.5;  ///< probability in [0, 1] (albumentations' p; Python uses 0.5)
  double scale = 0.0;                ///< probability in [0, 1] of a zoom
  double scale_min = 0.67;           ///< smallest zoom factor, in [0.25, 1]
  double scale_max = 1.5;            ///< largest zoom factor, in [1, 4]
  double grid_distortion = 0.0;      ///< probability in [0, 1] of a grid distortion
  int grid_cells = 4;                ///< grid cells per side, in [1, 16]
  double grid_magnitude = 0.3;       ///< largest corner shift, fraction of a cell side, in [0, 0.5]
  double gamma = 0.0;                ///< probability in [0, 1] of a gamma change
  double gamma_min = 0.67;           ///< smallest exponent, in [0.2, 1]
  double gamma_max = 1.5;            ///< largest exponent, in [1, 5]
  double blur = 0.0;                 ///< probability in [0, 1] of a Gaussian blur
  double blur_sigma_min = 0.5;       ///< px, in [0, 10]
  double blur_sigma_max = 2.0;       ///< px, in [blur_sigma_min, 10]
  double noise = 0.0;                ///< probability in [0, 1] of added Gaussian noise
  double noise_sd_min = 0.0;         ///< sd in intensity units of the [0, 1] image, in [0, 0.5]
  double noise_sd_max = 0.05;        ///< in [noise_sd_min, 0.5]
  double invert = 0.0;               ///< probability in [0, 1] of an intensity inversion
};

/// The `dataset.augmentation.*` rows of train.yaml (name, member, range, help).
const core::ConfigTable<AugmentConfig>& augment_config_table();

/// Throws ConfigError "<origin>: dataset.augmentation.<key> must ..." for the first value out of
/// its row's range, or a largest value below its smallest (blur sigma, noise sd).
void validate(const AugmentConfig& config, const std::string& origin = "augmentation");

/// Applies the random transforms of `config` in place. `image` is CV_32FC1 in [0, 1]; `mask` is
/// any single-channel type of the same size and receives exactly the same flips and rotations
/// (rotations of a non-square pair swap width and height of both). Draws from `rng` only when
/// `config.enabled`. Throws Error when the types or sizes do not match.
void augment_pair(cv::Mat& image, cv::Mat& mask, const AugmentConfig& config, core::Rng& rng);

}  // namespace segoid::data
