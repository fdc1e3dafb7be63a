// SPDX-License-Identifier: MIT
// Internal pieces of the plate synthesizer shared by synth_plate.cpp and synth_spheroid.cpp.
#pragma once

#include <array>
#include <cstdint>
#include <opencv2/core.hpp>
#include <vector>

#include "segoid/core/rng.hpp"
#include "segoid/synth/synth_plate.hpp"

namespace segoid::synth::detail {

/// Approximately standard normal value from one 64-bit draw (Irwin-Hall sum of four 16-bit
/// uniforms, rescaled): integer-exact on every platform and much cheaper than Box-Muller,
/// which matters for the millions of per-pixel noise samples.
inline float gaussian_like(core::Rng& rng) {
  const std::uint64_t bits = rng.next_u64();
  const std::uint64_t sum =
      (bits & 0xFFFFu) + ((bits >> 16) & 0xFFFFu) + ((bits >> 32) & 0xFFFFu) + ((bits >> 48) & 0xFFFFu);
  constexpr float kScale = 1.7320508f / 65536.0f;  // sqrt(12 / 4) per unit of the 4-sum
  return (static_cast<float>(sum) - 2.0f * 65535.5f) * kScale;
}

/// Fills a CV_32FC1 matrix with gaussian_like() values.
void fill_gaussian_like(core::Rng& rng, cv::Mat& out);

/// Everything drawn once per image, in a fixed order so a seed gives the same image everywhere.
struct ImageLook {
  double contrast, exposure, photons, read_noise, blur_sigma, black_level;
  double vignetting, vignette_cx, vignette_cy, gradient, gradient_angle;
  double plate_level, edge_falloff, ring_depth, ring_width, highlight, mottling;
};

/// Draws the per-image look from `rng` (always the same number of draws, in a fixed order).
ImageLook sample_image_look(core::Rng& rng, const SynthConfig& config);

/// Multiplies blotchy large-scale variation (sd `mottling`) and fine grain into `structure`.
void apply_background_texture(const SynthConfig& config, double mottling, core::Rng& rng, cv::Mat& structure);

/// Scales structure against the background by the image's contrast, then multiplies in vignetting
/// and a linear illumination gradient. `structure` is CV_32FC1, relative to the well background.
void apply_contrast_and_illumination(const ImageLook& look, cv::Mat& structure);

/// Turns relative light (CV_32FC1) into camera counts: shot noise, read noise, black level,
/// rounding and clamping. Returns CV_8UC1 or CV_16UC1 (values up to 2^sensor_bits - 1).
cv::Mat expose(const cv::Mat& light, const ImageLook& look, int bit_depth, int sensor_bits, core::Rng& rng);

/// A star-shaped outline: r(theta) = radius * (1 + sum_k a_k cos(k theta + phi_k)) in a shape
/// frame that is stretched (area-preserving) into an ellipse and rotated into the image.
struct SpheroidShape {
  cv::Point2d center;              ///< placement centre in the image, px
  double angle = 0.0;              ///< rotation of the long axis, radians
  double stretch_long = 1.0;       ///< long-axis scale (1/sqrt(q)); short axis is 1/stretch_long
  double radius = 0.0;             ///< base radius in the shape frame, px
  double equivalent_diameter = 0;  ///< of the continuous shape, px
  double bound_radius = 0.0;       ///< no point of the shape is farther from the centre, px
  static constexpr int kLutSize = 2048;
  std::array<float, kLutSize + 1> radius_lut{};  ///< r(theta) over [-pi, pi], closed
};

/// Draws a random outline with the given equivalent diameter (exact for the continuous shape).
SpheroidShape make_spheroid_shape(core::Rng& rng, const SynthConfig& config, double diameter);

/// Per-spheroid brightfield appearance, all relative to the local background.
struct SpheroidLook {
  double interior = 0.9;      ///< mean level inside
  double core_darkening = 0;  ///< extra darkening at the centre
  double texture = 0.1;       ///< granular texture amplitude (sd)
  double rim_depth = 0.6;     ///< darkening of the rim at its deepest
  double rim_width = 3.5;     ///< px
  double halo = 0.05;         ///< bright phase halo just outside the outline
  double inner_line = 0.05;   ///< faint bright line just inside the dark rim
};

SpheroidLook sample_spheroid_look(core::Rng& rng, const SynthConfig& config, double diameter);

/// Result of rasterizing one spheroid into the mask.
struct DrawnSpheroid {
  cv::Point2d centroid;  ///< of the mask pixels, px
  int area = 0;          ///< mask pixels
};

/// Multiplies the spheroid's appearance into `structure` (CV_32FC1) and sets its pixels (centres
/// inside the outline) to 255 in `mask` (CV_8UC1).
DrawnSpheroid draw_spheroid(const SpheroidShape& shape, const SpheroidLook& look, core::Rng& rng,
                            cv::Mat& structure, cv::Mat& mask);

/// Draws single cells, dust specks and small cell clumps inside a well (centre, radius px),
/// keeping them `clearance` px away from the circle (keep_out_center, keep_out_radius).
/// Debris goes into `structure` only, never into a mask.
void draw_debris(core::Rng& rng, const SynthConfig& config, cv::Point2d well_center, double well_radius,
                 cv::Point2d keep_out_center, double keep_out_radius, cv::Mat& structure);

}  // namespace segoid::synth::detail
