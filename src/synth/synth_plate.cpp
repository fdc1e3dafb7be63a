// SPDX-License-Identifier: MIT
// Synthetic well-plate images: well grid, illumination, spheroid placement, optics and camera noise.
#include "segoid/synth/synth_plate.hpp"

#include <fmt/format.h>

#include <algorithm>
#include <cmath>
#include <opencv2/imgproc.hpp>

#include "segoid/core/error.hpp"
#include "segoid/core/numbers.hpp"
#include "segoid/core/rng.hpp"
#include "synth_internal.hpp"

namespace segoid::synth {
namespace {

using detail::ImageLook;

using core::kPi;
constexpr double kSpheroidWellClearance = 10.0;  // px between a spheroid and its well's dark ring
constexpr std::uint64_t kWellStream = 1;         // mix_seed streams within one image
constexpr std::uint64_t kNoiseStream = 2;
constexpr std::uint64_t kBackgroundStream = 3;

struct WellGrid {
  int rows = 0, cols = 0;
  double pitch = 0.0;     // px between centres
  double origin_x = 0.0;  // centre of well (0, 0), px
  double origin_y = 0.0;
  double radius = 0.0;  // px
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
  grid.pitch =
      std::min(static_cast<double>(config.width) / grid.cols, static_cast<double>(config.height) / grid.rows);
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
  if (!ok) throw ConfigError(fmt::format("synthetic plate: {} must be {}, got {}", field, expected, value));
}

void require_ordered(const char* lo_name, double lo, const char* hi_name, double hi) {
  if (lo > hi)
    throw ConfigError(
        fmt::format("synthetic plate: {} ({}) must not exceed {} ({})", lo_name, lo, hi_name, hi));
}

// Wells: flat bottom darkening slightly towards the wall, a thin bright reflection just inside the
// wall, the wall itself as a dark ring, and the plate plastic between wells.
void draw_wells(const WellGrid& grid, const ImageLook& look, const std::vector<double>& well_gain,
                cv::Mat& structure) {
  const double highlight_r = grid.radius - look.ring_width - 1.5;
  for (int row = 0; row < structure.rows; ++row) {
    auto* line = structure.ptr<float>(row);
    const int well_row =
        std::clamp(static_cast<int>(std::floor((row - grid.origin_y) / grid.pitch + 0.5)), 0, grid.rows - 1);
    const double dy = row - (grid.origin_y + well_row * grid.pitch);
    for (int col = 0; col < structure.cols; ++col) {
      const int well_col = std::clamp(static_cast<int>(std::floor((col - grid.origin_x) / grid.pitch + 0.5)),
                                      0, grid.cols - 1);
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
      // The ring and glint profiles are Gaussians; beyond 5 widths they are below 1e-10.
      constexpr double kCutoff = 25.0;
      const double ring = (r - grid.radius) / look.ring_width;
      const double glint = (r - highlight_r) / 1.5;
      double value = base;
      if (ring * ring < kCutoff) value *= 1.0 - look.ring_depth * std::exp(-ring * ring);
      if (glint * glint < kCutoff) value += look.highlight * std::exp(-glint * glint);
      line[col] = static_cast<float>(value);
    }
  }
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
  require(c.lobe_amplitude >= 0 && c.lobe_amplitude <= 0.15, "lobe_amplitude", "in [0, 0.15]",
          c.lobe_amplitude);
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
  require(c.overlay_fraction >= 0 && c.overlay_fraction <= 1, "overlay_fraction", "in [0, 1]", c.overlay_fraction);

  const WellGrid grid = make_grid(c);
  const double room = grid.radius - kSpheroidWellClearance - max_bound_radius(c);
  if (room < 0) {
    throw ConfigError(fmt::format(
        "synthetic plate: wells of {:.0f} px diameter ({} x {} grid in {} x {} px) cannot hold spheroids up "
        "to "
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
  const ImageLook look = detail::sample_image_look(rng, config);
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
  detail::apply_background_texture(config, look.mottling, background_rng, structure);

  const double max_offset_base = grid.radius - kSpheroidWellClearance;
  for (int well = 0; well < result.well_count; ++well) {
    core::Rng& wrng = well_rngs[well];
    const cv::Point2d well_center = grid.center(well);
    const bool empty = wrng.bernoulli(config.empty_fraction);
    const double diameter = wrng.uniform(config.min_diameter, config.max_diameter);
    detail::SpheroidShape shape = detail::make_spheroid_shape(wrng, config, diameter);
    const detail::SpheroidLook sph_look = detail::sample_spheroid_look(wrng, config, diameter);
    const double max_offset = std::max(0.0, max_offset_base - shape.bound_radius);
    const double offset = max_offset * std::sqrt(wrng.uniform());
    const double direction = wrng.uniform(0.0, 2.0 * kPi);
    shape.center = well_center + cv::Point2d(offset * std::cos(direction), offset * std::sin(direction));
    if (!empty) {
      const auto drawn = detail::draw_spheroid(shape, sph_look, wrng, structure, result.mask);
      SEGOID_CHECK(drawn.area > 0, "a drawn spheroid covers pixels");
      result.spheroids.push_back({drawn.centroid, shape.equivalent_diameter, well});
    }
    detail::draw_debris(wrng, config, well_center, grid.radius, shape.center,
                              empty ? 0.0 : shape.bound_radius, structure);
  }

  detail::apply_contrast_and_illumination(look, structure);
  if (look.blur_sigma > 0.0) cv::GaussianBlur(structure, structure, cv::Size(), look.blur_sigma);
  core::Rng noise_rng(core::mix_seed(image_seed, kNoiseStream));
  result.image = detail::expose(structure, look, result.bit_depth, config.sensor_bits, noise_rng);
  return result;
}

}  // namespace segoid::synth
