// SPDX-License-Identifier: MIT
// Spheroid outlines, their brightfield look (dark rim, granular interior) and debris for synth.
#include <algorithm>
#include <cmath>
#include <opencv2/imgproc.hpp>

#include "segoid/core/numbers.hpp"
#include "synth_internal.hpp"

namespace segoid::synth::detail {
namespace {

using core::kPi;
constexpr int kFirstLobe = 3;    // harmonic 2 is the ellipse, handled by the stretch
constexpr int kLastLobe = 6;     // low-frequency lobes
constexpr int kLastRipple = 11;  // small cell-scale ripples on the outline
constexpr double kRippleScale = 0.2;
constexpr double kHaloWidth = 2.0;           // px
constexpr double kDrawMargin = 6.0;          // px drawn beyond the outline (halo)
constexpr double kFineTextureSigma = 0.9;    // px: cell-sized grains
constexpr double kCoarseTextureSigma = 3.5;  // px: mottling
constexpr double kDebrisClearance = 6.0;     // px between debris and a spheroid's bounding circle
constexpr double kWellEdgeClearance = 12.0;  // px between debris and the well ring

float lut_radius(const SpheroidShape& shape, double theta) {
  const double pos = (theta + kPi) / (2.0 * kPi) * SpheroidShape::kLutSize;
  const int i = std::clamp(static_cast<int>(pos), 0, SpheroidShape::kLutSize - 1);
  const float t = static_cast<float>(pos - i);
  return shape.radius_lut[i] * (1.0f - t) + shape.radius_lut[i + 1] * t;
}

// Inclusive pixel bounds of the square of half-side `reach` around `c`, clipped to the image.
struct Window {
  int x0, x1, y0, y1;
};

Window window_around(const cv::Mat& image, cv::Point2d c, int reach) {
  return {std::max(0, static_cast<int>(c.x) - reach), std::min(image.cols - 1, static_cast<int>(c.x) + reach),
          std::max(0, static_cast<int>(c.y) - reach), std::min(image.rows - 1, static_cast<int>(c.y) + reach)};
}

// A small round cell in brightfield: dark membrane ring, lighter centre.
void draw_cell(cv::Mat& structure, cv::Point2d c, double radius, double ring_depth, double bright) {
  const Window w = window_around(structure, c, static_cast<int>(std::ceil(radius + 3.0)));
  for (int row = w.y0; row <= w.y1; ++row) {
    auto* line = structure.ptr<float>(row);
    for (int col = w.x0; col <= w.x1; ++col) {
      const double rho = std::hypot(col - c.x, row - c.y);
      const double ring = (rho - radius) / 0.9;
      const double centre = rho / (0.6 * radius);
      line[col] *=
          static_cast<float>(1.0 - ring_depth * std::exp(-ring * ring) + bright * std::exp(-centre * centre));
    }
  }
}

// A dust speck: a soft dark dot.
void draw_speck(cv::Mat& structure, cv::Point2d c, double radius, double depth) {
  const Window w = window_around(structure, c, static_cast<int>(std::ceil(2.5 * radius)));
  for (int row = w.y0; row <= w.y1; ++row) {
    auto* line = structure.ptr<float>(row);
    for (int col = w.x0; col <= w.x1; ++col) {
      const double d2 = ((col - c.x) * (col - c.x) + (row - c.y) * (row - c.y)) / (radius * radius);
      line[col] *= static_cast<float>(1.0 - depth * std::exp(-d2));
    }
  }
}

}  // namespace

void fill_gaussian_like(core::Rng& rng, cv::Mat& out) {
  CV_Assert(out.type() == CV_32FC1);
  for (int row = 0; row < out.rows; ++row) {
    auto* line = out.ptr<float>(row);
    for (int col = 0; col < out.cols; ++col) line[col] = gaussian_like(rng);
  }
}

SpheroidShape make_spheroid_shape(core::Rng& rng, const SynthConfig& config, double diameter) {
  SpheroidShape shape;
  const double eccentricity = rng.uniform(0.0, config.max_eccentricity);
  const double axis_ratio = std::sqrt(1.0 - eccentricity * eccentricity);  // short / long
  shape.stretch_long = 1.0 / std::sqrt(axis_ratio);
  shape.angle = rng.uniform(0.0, kPi);

  struct Harmonic {
    int k;
    double amplitude, phase;
  };
  std::vector<Harmonic> harmonics;
  double sum_sq = 0.0;
  for (int k = kFirstLobe; k <= kLastRipple; ++k) {
    // Lower harmonics carry the lobes; amplitudes fall as 1/k so the outline stays smooth.
    const double scale = (k <= kLastLobe ? 1.0 : kRippleScale) * kFirstLobe / k;
    const double amplitude = rng.uniform(-1.0, 1.0) * config.lobe_amplitude * scale;
    harmonics.push_back({k, amplitude, rng.uniform(0.0, 2.0 * kPi)});
    sum_sq += amplitude * amplitude;
  }
  // Area of r(theta) = R (1 + sum a_k cos(k theta + phi_k)) is pi R^2 (1 + sum a_k^2 / 2): the
  // cross terms integrate to zero. The stretch preserves area. So R follows exactly from d.
  shape.radius = 0.5 * diameter / std::sqrt(1.0 + 0.5 * sum_sq);
  shape.equivalent_diameter = diameter;
  double max_r = 0.0;
  for (int i = 0; i <= SpheroidShape::kLutSize; ++i) {
    const double theta = -kPi + 2.0 * kPi * i / SpheroidShape::kLutSize;
    double factor = 1.0;
    for (const auto& h : harmonics) factor += h.amplitude * std::cos(h.k * theta + h.phase);
    shape.radius_lut[i] = static_cast<float>(shape.radius * factor);
    max_r = std::max(max_r, shape.radius * factor);
  }
  shape.bound_radius = max_r * shape.stretch_long + 1.0;
  return shape;
}

SpheroidLook sample_spheroid_look(core::Rng& rng, const SynthConfig& config, double diameter) {
  SpheroidLook look;
  // Larger spheroids are thicker, so their centre transmits less light.
  const double size =
      (diameter - config.min_diameter) / std::max(1.0, config.max_diameter - config.min_diameter);
  look.interior = rng.uniform(0.82, 0.98);
  look.core_darkening = rng.uniform(0.0, 0.08) + 0.12 * std::clamp(size, 0.0, 1.0);
  look.texture = rng.uniform(0.12, 0.22);
  look.rim_depth = rng.uniform(0.55, 0.85);
  look.inner_line = rng.uniform(0.0, 0.12);
  look.rim_width = rng.uniform(config.rim_width_min, config.rim_width_max);
  look.halo = rng.uniform(0.0, 0.12);
  return look;
}

DrawnSpheroid draw_spheroid(const SpheroidShape& shape, const SpheroidLook& look, core::Rng& rng,
                            cv::Mat& structure, cv::Mat& mask) {
  const double reach = shape.bound_radius + kDrawMargin;
  const int x0 = std::max(0, static_cast<int>(std::floor(shape.center.x - reach)));
  const int y0 = std::max(0, static_cast<int>(std::floor(shape.center.y - reach)));
  const int x1 = std::min(structure.cols - 1, static_cast<int>(std::ceil(shape.center.x + reach)));
  const int y1 = std::min(structure.rows - 1, static_cast<int>(std::ceil(shape.center.y + reach)));
  const cv::Rect box(x0, y0, x1 - x0 + 1, y1 - y0 + 1);

  // Granular texture: cell-sized grains plus coarser mottling, each scaled to unit sd.
  cv::Mat fine(box.size(), CV_32FC1), coarse(box.size(), CV_32FC1);
  fill_gaussian_like(rng, fine);
  fill_gaussian_like(rng, coarse);
  cv::GaussianBlur(fine, fine, cv::Size(), kFineTextureSigma);
  cv::GaussianBlur(coarse, coarse, cv::Size(), kCoarseTextureSigma);
  cv::Scalar mean, sd_fine, sd_coarse;
  cv::meanStdDev(fine, mean, sd_fine);
  cv::meanStdDev(coarse, mean, sd_coarse);
  const cv::Mat texture =
      fine * (0.85 / std::max(1e-6, sd_fine[0])) + coarse * (0.5 / std::max(1e-6, sd_coarse[0]));

  const double cos_a = std::cos(shape.angle), sin_a = std::sin(shape.angle);
  const double stretch = shape.stretch_long;
  DrawnSpheroid drawn;
  double sum_x = 0.0, sum_y = 0.0;
  for (int row = y0; row <= y1; ++row) {
    auto* line = structure.ptr<float>(row);
    auto* mask_line = mask.ptr<std::uint8_t>(row);
    const auto* tex_line = texture.ptr<float>(row - y0);
    const double dy = row - shape.center.y;
    for (int col = x0; col <= x1; ++col) {
      const double dx = col - shape.center.x;
      // Back into the shape frame: un-rotate, then undo the area-preserving stretch.
      const double u = (dx * cos_a + dy * sin_a) / stretch;
      const double v = (-dx * sin_a + dy * cos_a) * stretch;
      const double rho = std::hypot(u, v);
      const double theta = std::atan2(v, u);
      const double r = lut_radius(shape, theta);
      // One radial step in the shape frame spans this many image pixels in direction theta.
      const double rho_safe = std::max(rho, 1e-9);
      const double px_per_unit = std::hypot(u / rho_safe * stretch, v / rho_safe / stretch);
      const double distance = (r - rho) * px_per_unit;  // > 0 inside, px
      double factor;
      if (rho < r) {
        mask_line[col] = 255;
        sum_x += col;
        sum_y += row;
        ++drawn.area;
        const double s = rho / r;
        const double level =
            (look.interior - look.core_darkening * (1.0 - s * s)) * (1.0 + look.texture * tex_line[col - x0]);
        const double into_rim = std::max(0.0, distance - 0.4 * look.rim_width) / (0.6 * look.rim_width);
        const double line = (distance - 1.3 * look.rim_width) / 0.8;
        factor = level * (1.0 - look.rim_depth * std::exp(-into_rim * into_rim)) +
                 look.inner_line * std::exp(-line * line);
      } else {
        const double out = distance / kHaloWidth;
        factor = 1.0 + look.halo * std::exp(-out * out);
      }
      line[col] *= static_cast<float>(factor);
    }
  }
  if (drawn.area > 0) drawn.centroid = {sum_x / drawn.area, sum_y / drawn.area};
  return drawn;
}

void draw_debris(core::Rng& rng, const SynthConfig& config, cv::Point2d well_center, double well_radius,
                 cv::Point2d keep_out_center, double keep_out_radius, cv::Mat& structure) {
  constexpr int kPlacementTries = 20;
  const double half_extent = 0.5 * config.debris_max_extent;
  // Debris keeps apart from the spheroid and from other debris, so that no blob of debris grows
  // beyond debris_max_extent and a size filter can always tell it from a spheroid.
  std::vector<cv::Point2d> placed;
  auto place = [&](cv::Point2d& where) {
    const double room = well_radius - kWellEdgeClearance - half_extent;
    for (int attempt = 0; attempt < kPlacementTries; ++attempt) {
      const double rho = room * std::sqrt(rng.uniform());
      const double theta = rng.uniform(0.0, 2.0 * kPi);
      where = well_center + cv::Point2d(rho * std::cos(theta), rho * std::sin(theta));
      bool free = keep_out_radius <= 0.0 ||
                  cv::norm(where - keep_out_center) > keep_out_radius + kDebrisClearance + half_extent;
      for (const auto& other : placed)
        free = free && cv::norm(where - other) > 2.0 * half_extent + kDebrisClearance;
      if (free) {
        placed.push_back(where);
        return true;
      }
    }
    return false;
  };

  const int singles = static_cast<int>(rng.uniform_int(0, config.debris_per_well_max));
  for (int i = 0; i < singles; ++i) {
    cv::Point2d where;
    const bool is_cell = rng.bernoulli(0.6);
    const double radius = is_cell ? rng.uniform(2.0, 4.0) : rng.uniform(1.0, 2.5);
    const double depth = rng.uniform(0.3, 0.6);
    const double bright = rng.uniform(0.05, 0.2);
    if (!place(where)) continue;
    if (is_cell) {
      draw_cell(structure, where, radius, depth, bright);
    } else {
      draw_speck(structure, where, radius, depth);
    }
  }

  const int clumps = static_cast<int>(rng.uniform_int(0, config.clumps_per_well_max));
  for (int i = 0; i < clumps; ++i) {
    cv::Point2d where;
    const int cells = static_cast<int>(rng.uniform_int(2, 6));
    constexpr double kCellRadiusMax = 3.0;
    // The drawn ring reaches ~1.5 px past the radius: keep the whole clump within the extent.
    const double spread = std::max(0.0, half_extent - kCellRadiusMax - 1.5);
    std::vector<std::array<double, 5>> members;
    for (int c = 0; c < cells; ++c) {
      const double rho = spread * std::sqrt(rng.uniform());
      const double theta = rng.uniform(0.0, 2.0 * kPi);
      members.push_back({rho * std::cos(theta), rho * std::sin(theta), rng.uniform(1.8, kCellRadiusMax),
                         rng.uniform(0.3, 0.6), rng.uniform(0.05, 0.2)});
    }
    if (!place(where)) continue;
    for (const auto& m : members) draw_cell(structure, where + cv::Point2d(m[0], m[1]), m[2], m[3], m[4]);
  }
}

}  // namespace segoid::synth::detail
