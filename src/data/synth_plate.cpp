// SPDX-License-Identifier: MIT
// Synthetic well-plate images: well grid, illumination, spheroid placement, optics and camera noise.
#include "segoid/data/synth_plate.hpp"

#include <fmt/format.h>
#include <opencv2/imgproc.hpp>

#include <algorithm>
#include <cmath>

#include "segoid/core/error.hpp"
#include "segoid/core/rng.hpp"
#include "synth_internal.hpp"

namespace segoid::data {
namespace {

using synth_detail::gaussian_like;

constexpr double kPi = 3.14159265358979323846;
constexpr double kSpheroidWellClearance = 10.0;  // px between a spheroid and its well's dark ring
constexpr std::uint64_t kWellStream = 1;          // mix_seed streams within one image
constexpr std::uint64_t kNoiseStream = 2;
constexpr std::uint64_t kBackgroundStream = 3;
constexpr double kMottlingScale = 48.0;  // px per control point of the blotchy background
constexpr double kGrainSigma = 1.5;      // px: size of the fixed-pattern grain

struct WellGrid {
  int rows = 0, cols = 0;
  double pitch = 0.0;      // px between centres
  double origin_x = 0.0;   // centre of well (0, 0), px
  double origin_y = 0.0;
  double radius = 0.0;     // px
  cv::Point2d center(int index) const {
    return {origin_x + (index % cols) * pitch, origin_y + (index / cols) * pitch};
  }
};

WellGrid make_grid(const SynthConfig& config) {
  WellGrid grid;
  grid.cols = config.well_cols > 0 ? config.well_cols
                                   : std::max(1, static_cast<int>(config.width / config.target_well_pitch));
  grid.rows = config.well_rows > 0 ? config.well_rows
                                   : std::max(1, static_cast<int>(config.height / config.target_well_pitch));
  grid.pitch = std::min(static_cast<double>(config.width) / grid.cols,
                        static_cast<double>(config.height) / grid.rows);
  grid.origin_x = 0.5 * (config.width - grid.cols * grid.pitch) + 0.5 * grid.pitch;
  grid.origin_y = 0.5 * (config.height - grid.rows * grid.pitch) + 0.5 * grid.pitch;
  grid.radius = 0.5 * grid.pitch * config.well_diameter_fraction;
  return grid;
}

// The farthest any outline can reach from its centre (see make_spheroid_shape's harmonics).
double max_bound_radius(const SynthConfig& config) {
  const double stretch = 1.0 / std::sqrt(std::sqrt(1.0 - config.max_eccentricity * config.max_eccentricity));
  constexpr double kHarmonicSum = 3.25;  // sum of the 3/k lobe and ripple scales, k = 3..11
  return 0.5 * config.max_diameter * stretch * (1.0 + kHarmonicSum * config.lobe_amplitude) + 1.0;
}

void require(bool ok, const std::string& field, const std::string& expected, double value) {
  if (!ok) throw ConfigError(fmt::format("synth: {} must be {}, got {}", field, expected, value));
}

void require_ordered(const char* lo_name, double lo, const char* hi_name, double hi) {
  if (lo > hi) throw ConfigError(fmt::format("synth: {} ({}) must not exceed {} ({})", lo_name, lo, hi_name, hi));
}

// Everything drawn once per image, in a fixed order so a seed gives the same image everywhere.
struct ImageLook {
  double contrast, exposure, photons, read_noise, blur_sigma, black_level;
  double vignetting, vignette_cx, vignette_cy, gradient, gradient_angle;
  double plate_level, edge_falloff, ring_depth, ring_width, highlight, mottling;
};

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

// Wells: flat bottom darkening slightly towards the wall, a thin bright reflection just inside the
// wall, the wall itself as a dark ring, and the plate plastic between wells.
void draw_wells(const WellGrid& grid, const ImageLook& look, const std::vector<double>& well_gain,
                cv::Mat& structure) {
  const double highlight_r = grid.radius - look.ring_width - 1.5;
  for (int row = 0; row < structure.rows; ++row) {
    auto* line = structure.ptr<float>(row);
    const int well_row = std::clamp(static_cast<int>(std::floor((row - grid.origin_y) / grid.pitch + 0.5)), 0, grid.rows - 1);
    const double dy = row - (grid.origin_y + well_row * grid.pitch);
    for (int col = 0; col < structure.cols; ++col) {
      const int well_col = std::clamp(static_cast<int>(std::floor((col - grid.origin_x) / grid.pitch + 0.5)), 0, grid.cols - 1);
      const double dx = col - (grid.origin_x + well_col * grid.pitch);
      const double r = std::sqrt(dx * dx + dy * dy);
      const double rn = r / grid.radius;
      double base;
      if (rn < 1.0) {
        const double rn4 = rn * rn * rn * rn;
        base = well_gain[well_row * grid.cols + well_col] * (1.0 - look.edge_falloff * rn4 * rn4);
      } else {
        base = look.plate_level;
      }
      const double ring = (r - grid.radius) / look.ring_width;
      const double glint = (r - highlight_r) / 1.5;
      line[col] = static_cast<float>(base * (1.0 - look.ring_depth * std::exp(-ring * ring)) +
                                     look.highlight * std::exp(-glint * glint));
    }
  }
}

// Uneven background: blotches tens of pixels wide (condensation, medium, plastic) and fine grain.
void apply_background_texture(const SynthConfig& config, double mottling, core::Rng& rng, cv::Mat& structure) {
  cv::Mat coarse(static_cast<int>(structure.rows / kMottlingScale) + 3,
                 static_cast<int>(structure.cols / kMottlingScale) + 3, CV_32FC1);
  synth_detail::fill_gaussian_like(rng, coarse);
  cv::Mat blotches;
  cv::resize(coarse, blotches, structure.size(), 0, 0, cv::INTER_CUBIC);
  cv::Mat grain(structure.size(), CV_32FC1);
  synth_detail::fill_gaussian_like(rng, grain);
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

}  // namespace

void validate_synth_config(const SynthConfig& c) {
  require(c.width >= 64 && c.width <= 32768, "width", "in [64, 32768] px", c.width);
  require(c.height >= 64 && c.height <= 32768, "height", "in [64, 32768] px", c.height);
  require(c.bit_depth == 8 || c.bit_depth == 16, "bit_depth", "8 or 16", c.bit_depth);
  require(c.sensor_bits >= 8 && c.sensor_bits <= 16, "sensor_bits", "in [8, 16]", c.sensor_bits);
  require(c.well_rows >= 0 && c.well_cols >= 0, "well_rows/well_cols", ">= 0 (0 = automatic)",
          std::min(c.well_rows, c.well_cols));
  require(c.target_well_pitch >= 32, "target_well_pitch", ">= 32 px", c.target_well_pitch);
  require(c.well_diameter_fraction > 0.3 && c.well_diameter_fraction < 1.0, "well_diameter_fraction",
          "in (0.3, 1)", c.well_diameter_fraction);
  require(c.empty_fraction >= 0 && c.empty_fraction <= 1, "empty_fraction", "in [0, 1]", c.empty_fraction);
  require(c.min_diameter >= 8, "min_diameter", ">= 8 px", c.min_diameter);
  require_ordered("min_diameter", c.min_diameter, "max_diameter", c.max_diameter);
  require(c.max_eccentricity >= 0 && c.max_eccentricity <= 0.95, "max_eccentricity", "in [0, 0.95]",
          c.max_eccentricity);
  require(c.lobe_amplitude >= 0 && c.lobe_amplitude <= 0.15, "lobe_amplitude", "in [0, 0.15]", c.lobe_amplitude);
  require(c.rim_width_min > 0, "rim_width_min", "> 0 px", c.rim_width_min);
  require_ordered("rim_width_min", c.rim_width_min, "rim_width_max", c.rim_width_max);
  require(c.debris_per_well_max >= 0, "debris_per_well_max", ">= 0", c.debris_per_well_max);
  require(c.clumps_per_well_max >= 0, "clumps_per_well_max", ">= 0", c.clumps_per_well_max);
  require(c.debris_max_extent >= 8 && c.debris_max_extent <= 0.5 * c.min_diameter, "debris_max_extent",
          "in [8 px, min_diameter / 2]", c.debris_max_extent);
  require(c.blur_sigma_min >= 0, "blur_sigma_min", ">= 0 px", c.blur_sigma_min);
  require_ordered("blur_sigma_min", c.blur_sigma_min, "blur_sigma_max", c.blur_sigma_max);
  require(c.contrast_min > 0, "contrast_min", "> 0", c.contrast_min);
  require_ordered("contrast_min", c.contrast_min, "contrast_max", c.contrast_max);
  require(c.exposure_min > 0 && c.exposure_max <= 0.9, "exposure_min/exposure_max", "in (0, 0.9]",
          c.exposure_min > 0 ? c.exposure_max : c.exposure_min);
  require_ordered("exposure_min", c.exposure_min, "exposure_max", c.exposure_max);
  require(c.photons_min >= 1, "photons_min", ">= 1", c.photons_min);
  require_ordered("photons_min", c.photons_min, "photons_max", c.photons_max);
  require(c.read_noise_min >= 0, "read_noise_min", ">= 0", c.read_noise_min);
  require_ordered("read_noise_min", c.read_noise_min, "read_noise_max", c.read_noise_max);
  require(c.vignetting_min >= 0 && c.vignetting_max < 0.9, "vignetting_min/vignetting_max", "in [0, 0.9)",
          c.vignetting_min >= 0 ? c.vignetting_max : c.vignetting_min);
  require_ordered("vignetting_min", c.vignetting_min, "vignetting_max", c.vignetting_max);
  require(c.gradient_max >= 0 && c.gradient_max <= 0.9, "gradient_max", "in [0, 0.9]", c.gradient_max);
  require(c.mottling_max >= 0 && c.mottling_max <= 0.2, "mottling_max", "in [0, 0.2]", c.mottling_max);
  require(c.grain >= 0 && c.grain <= 0.1, "grain", "in [0, 0.1]", c.grain);

  const WellGrid grid = make_grid(c);
  const double room = grid.radius - kSpheroidWellClearance - max_bound_radius(c);
  if (room < 0) {
    throw ConfigError(fmt::format(
        "synth: wells of {:.0f} px diameter ({} x {} grid in {} x {} px) cannot hold spheroids up to "
        "max_diameter {} px with max_eccentricity {}: use a larger size, fewer wells or smaller spheroids",
        2 * grid.radius, grid.cols, grid.rows, c.width, c.height, c.max_diameter, c.max_eccentricity));
  }
}

std::string synth_image_name(int index) { return fmt::format("synth_plate_{:03d}", index + 1); }

std::string well_name(int well_index, int well_cols) {
  SEGOID_CHECK(well_index >= 0 && well_cols > 0, "well_name needs a non-negative index and columns");
  std::string letters;
  for (int row = well_index / well_cols + 1; row > 0; row = (row - 1) / 26) {
    letters.insert(letters.begin(), static_cast<char>('A' + (row - 1) % 26));
  }
  return letters + std::to_string(well_index % well_cols + 1);
}

SynthImage synthesize_plate(const SynthConfig& config, std::uint64_t image_index) {
  validate_synth_config(config);
  const std::uint64_t image_seed = core::mix_seed(config.seed, image_index);
  core::Rng rng(image_seed);
  const ImageLook look = sample_image_look(rng, config);
  const WellGrid grid = make_grid(config);

  SynthImage result;
  result.bit_depth = config.mixed_bit_depth ? (image_index % 2 == 0 ? 8 : 16) : config.bit_depth;
  result.well_count = grid.rows * grid.cols;
  result.well_rows = grid.rows;
  result.well_cols = grid.cols;
  result.mask = cv::Mat::zeros(config.height, config.width, CV_8UC1);
  cv::Mat structure(config.height, config.width, CV_32FC1);

  // Each well draws from its own stream, so changing one well's content leaves the others alone.
  std::vector<core::Rng> well_rngs;
  std::vector<double> well_gain;
  for (int well = 0; well < result.well_count; ++well) {
    well_rngs.emplace_back(core::mix_seed(image_seed, kWellStream, static_cast<std::uint64_t>(well)));
    well_gain.push_back(well_rngs.back().uniform(0.95, 1.05));
  }
  draw_wells(grid, look, well_gain, structure);
  core::Rng background_rng(core::mix_seed(image_seed, kBackgroundStream));
  apply_background_texture(config, look.mottling, background_rng, structure);

  const double max_offset_base = grid.radius - kSpheroidWellClearance;
  for (int well = 0; well < result.well_count; ++well) {
    core::Rng& wrng = well_rngs[well];
    const cv::Point2d well_center = grid.center(well);
    const bool empty = wrng.bernoulli(config.empty_fraction);
    const double diameter = wrng.uniform(config.min_diameter, config.max_diameter);
    synth_detail::SpheroidShape shape = synth_detail::make_spheroid_shape(wrng, config, diameter);
    const synth_detail::SpheroidLook sph_look = synth_detail::sample_spheroid_look(wrng, config, diameter);
    const double max_offset = std::max(0.0, max_offset_base - shape.bound_radius);
    const double offset = max_offset * std::sqrt(wrng.uniform());
    const double direction = wrng.uniform(0.0, 2.0 * kPi);
    shape.center = well_center + cv::Point2d(offset * std::cos(direction), offset * std::sin(direction));
    if (!empty) {
      const auto drawn = synth_detail::draw_spheroid(shape, sph_look, wrng, structure, result.mask);
      SEGOID_CHECK(drawn.area > 0, "a drawn spheroid covers pixels");
      result.spheroids.push_back({drawn.centroid, shape.equivalent_diameter, well});
    }
    synth_detail::draw_debris(wrng, config, well_center, grid.radius, shape.center,
                              empty ? 0.0 : shape.bound_radius, structure);
  }

  apply_contrast_and_illumination(look, structure);
  if (look.blur_sigma > 0.0) cv::GaussianBlur(structure, structure, cv::Size(), look.blur_sigma);
  core::Rng noise_rng(core::mix_seed(image_seed, kNoiseStream));
  result.image = expose(structure, look, result.bit_depth, config.sensor_bits, noise_rng);
  return result;
}

}  // namespace segoid::data
