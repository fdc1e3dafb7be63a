// SPDX-License-Identifier: MIT
// The optics and camera of the plate synthesizer: per-image look, uneven background, illumination,
// shot and read noise, quantization to 8 or 16 bits.
#include <algorithm>
#include <cmath>
#include <opencv2/imgproc.hpp>

#include "segoid/core/numbers.hpp"
#include "synth_internal.hpp"

namespace segoid::synth::detail {
namespace {

using core::kPi;
constexpr double kMottlingScale = 32.0;  // px per control point of the blotchy background
constexpr double kGrainSigma = 1.5;      // px: size of the fixed-pattern grain

}  // namespace

ImageLook sample_image_look(core::Rng& rng, const SynthConfig& config) {
  ImageLook look{};
  look.contrast = rng.uniform(config.contrast_min, config.contrast_max);
  look.exposure = rng.uniform(config.exposure_min, config.exposure_max);
  look.photons = rng.uniform(config.photons_min, config.photons_max);
  look.read_noise = rng.uniform(config.read_noise_min, config.read_noise_max);
  look.blur_sigma = rng.uniform(config.blur_sigma_min, config.blur_sigma_max);
  look.black_level = rng.uniform(0.01, 0.03);
  look.vignetting = rng.uniform(config.vignetting_min, config.vignetting_max);
  look.vignette_cx = config.width * rng.uniform(0.4, 0.6);
  look.vignette_cy = config.height * rng.uniform(0.4, 0.6);
  look.gradient = rng.uniform(0.0, config.gradient_max);
  look.gradient_angle = rng.uniform(0.0, 2.0 * kPi);
  look.plate_level = rng.uniform(0.25, 0.5);
  look.edge_falloff = rng.uniform(0.05, 0.18);
  look.ring_depth = rng.uniform(0.65, 0.85);
  look.ring_width = rng.uniform(3.0, 6.0);
  look.highlight = rng.uniform(0.1, 0.3);
  look.mottling = rng.uniform(0.0, config.mottling_max);
  return look;
}

// Uneven background: blotches tens of pixels wide (condensation, medium, plastic) and fine grain.
void apply_background_texture(const SynthConfig& config, double mottling, core::Rng& rng,
                              cv::Mat& structure) {
  cv::Mat coarse(static_cast<int>(structure.rows / kMottlingScale) + 3,
                 static_cast<int>(structure.cols / kMottlingScale) + 3, CV_32FC1);
  fill_gaussian_like(rng, coarse);
  cv::Mat blotches;
  cv::resize(coarse, blotches, structure.size(), 0, 0, cv::INTER_CUBIC);
  cv::Mat grain(structure.size(), CV_32FC1);
  fill_gaussian_like(rng, grain);
  cv::GaussianBlur(grain, grain, cv::Size(), kGrainSigma);
  // A blurred unit-variance field has sd 1 / (2 sqrt(pi) sigma): rescale it back to unit sd.
  const double grain_gain = config.grain * 2.0 * std::sqrt(kPi) * kGrainSigma;
  cv::Mat factor = 1.0 + mottling * blotches + grain_gain * grain;
  cv::multiply(structure, factor, structure);
}

// Contrast and illumination (vignetting around an off-centre point, plus a linear gradient).
void apply_contrast_and_illumination(const ImageLook& look, cv::Mat& structure) {
  const double half_diagonal = 0.5 * std::hypot(structure.cols, structure.rows);
  const double gx = std::cos(look.gradient_angle) / (2.0 * half_diagonal);
  const double gy = std::sin(look.gradient_angle) / (2.0 * half_diagonal);
  const double cx = 0.5 * structure.cols, cy = 0.5 * structure.rows;
  for (int row = 0; row < structure.rows; ++row) {
    auto* line = structure.ptr<float>(row);
    const double vy = (row - look.vignette_cy) / half_diagonal;
    for (int col = 0; col < structure.cols; ++col) {
      const double vx = (col - look.vignette_cx) / half_diagonal;
      const double illumination = (1.0 - look.vignetting * (vx * vx + vy * vy)) *
                                  (1.0 + look.gradient * ((col - cx) * gx + (row - cy) * gy));
      line[col] = static_cast<float>(illumination * (1.0 + look.contrast * (line[col] - 1.0)));
    }
  }
}

// Camera: shot noise (Poisson, by its normal approximation), read noise, black level, quantization.
cv::Mat expose(const cv::Mat& light, const ImageLook& look, int bit_depth, int sensor_bits, core::Rng& rng) {
  const double full_scale = bit_depth == 8 ? 255.0 : std::ldexp(1.0, sensor_bits) - 1.0;
  cv::Mat out(light.size(), bit_depth == 8 ? CV_8UC1 : CV_16UC1);
  const float gain = static_cast<float>(full_scale * look.exposure);
  const float offset = static_cast<float>(full_scale * look.black_level);
  const float read_sd = static_cast<float>(full_scale * look.read_noise);
  const float inv_photons = static_cast<float>(1.0 / look.photons);
  const float top = static_cast<float>(full_scale);
  for (int row = 0; row < light.rows; ++row) {
    const auto* in = light.ptr<float>(row);
    for (int col = 0; col < light.cols; ++col) {
      const float signal = std::max(0.0f, in[col]);
      const float shot = std::sqrt(signal * inv_photons) * gaussian_like(rng);
      const float value = offset + gain * (signal + shot) + read_sd * gaussian_like(rng);
      const float clamped = std::clamp(std::nearbyint(value), 0.0f, top);
      if (bit_depth == 8) {
        out.ptr<std::uint8_t>(row)[col] = static_cast<std::uint8_t>(clamped);
      } else {
        out.ptr<std::uint16_t>(row)[col] = static_cast<std::uint16_t>(clamped);
      }
    }
  }
  return out;
}

}  // namespace segoid::synth::detail
