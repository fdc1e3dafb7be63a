// SPDX-License-Identifier: MIT
// Objects of the styled synthesizer (outlines, exact masks with gaps between touching objects,
// per-style appearance) and clutter that never enters the mask (debris, fibres, bubbles, blobs).
#include <algorithm>
#include <cmath>
#include <optional>
#include <opencv2/imgproc.hpp>

#include "segoid/core/numbers.hpp"
#include "segoid/data/label_mask.hpp"
#include "synth_style_internal.hpp"

namespace segoid::synth::style_detail {
namespace {

using core::kPi;
constexpr double kFineTextureSigma = 0.9;    // px: cell-sized grains
constexpr double kCoarseTextureSigma = 3.5;  // px: mottling inside objects
constexpr int kPlacementTries = 30;

float lut_radius(const detail::SpheroidShape& shape, double theta) {
  const double pos = (theta + kPi) / (2.0 * kPi) * detail::SpheroidShape::kLutSize;
  const int i = std::clamp(static_cast<int>(pos), 0, detail::SpheroidShape::kLutSize - 1);
  const float t = static_cast<float>(pos - i);
  return shape.radius_lut[i] * (1.0f - t) + shape.radius_lut[i + 1] * t;
}

bool part_contains(const detail::SpheroidShape& shape, double x, double y) {
  const double dx = x - shape.center.x, dy = y - shape.center.y;
  if (dx * dx + dy * dy > shape.bound_radius * shape.bound_radius) return false;
  const double cos_a = std::cos(shape.angle), sin_a = std::sin(shape.angle);
  const double u = (dx * cos_a + dy * sin_a) / shape.stretch_long;
  const double v = (-dx * sin_a + dy * cos_a) * shape.stretch_long;
  return std::hypot(u, v) < lut_radius(shape, std::atan2(v, u));
}

cv::Rect object_box(const ObjectGeometry& object, cv::Size image, double margin) {
  const double reach = object.bound_radius + margin;
  const int x0 = std::max(0, static_cast<int>(std::floor(object.center.x - reach)));
  const int y0 = std::max(0, static_cast<int>(std::floor(object.center.y - reach)));
  const int x1 = std::min(image.width, static_cast<int>(std::ceil(object.center.x + reach)) + 1);
  const int y1 = std::min(image.height, static_cast<int>(std::ceil(object.center.y + reach)) + 1);
  return {x0, y0, std::max(0, x1 - x0), std::max(0, y1 - y0)};
}

// Unit-sd fine + coarse texture over a window (as the flat-well spheroids).
cv::Mat texture_field(core::Rng& rng, cv::Size size, double coarse_weight) {
  cv::Mat fine(size, CV_32FC1), coarse(size, CV_32FC1);
  detail::fill_gaussian_like(rng, fine);
  detail::fill_gaussian_like(rng, coarse);
  cv::GaussianBlur(fine, fine, cv::Size(), kFineTextureSigma);
  cv::GaussianBlur(coarse, coarse, cv::Size(), kCoarseTextureSigma);
  cv::Scalar mean, sd_fine, sd_coarse;
  cv::meanStdDev(fine, mean, sd_fine);
  cv::meanStdDev(coarse, mean, sd_coarse);
  return fine * (1.0 / std::max(1e-6, sd_fine[0])) + coarse * (coarse_weight / std::max(1e-6, sd_coarse[0]));
}

// Value of one look at a pixel `inside` (din px from the edge, depth fraction s) or outside
// (dout px from the object). Transmitted models return a factor, the fluorescent one emission.
double look_value(const ObjectLook& look, bool inside, double din, double dout, double s, double tex) {
  switch (look.model) {
    case LookModel::kBrightfield: {
      if (!inside) return 1.0 + look.halo * std::exp(-(dout * dout) / (look.halo_width * look.halo_width));
      const double level = (look.interior - look.core * s * s) * (1.0 + look.texture * tex);
      const double into_rim = std::max(0.0, din - 0.4 * look.rim_width) / (0.6 * look.rim_width);
      return level * (1.0 - look.rim_depth * std::exp(-into_rim * into_rim));
    }
    case LookModel::kBright: {
      if (!inside) return 1.0 + look.halo * std::exp(-(dout * dout) / (look.halo_width * look.halo_width));
      const double level = look.interior * (1.0 - look.core * s * s) * (1.0 + look.texture * tex);
      const double edge = std::min(1.0, (din + 0.5) / 2.0);
      return 1.0 + (level - 1.0) * edge;
    }
    case LookModel::kPhase: {
      if (!inside) return 1.0 + look.halo * std::exp(-dout / look.halo_width);
      const double dark = look.rim_depth * (0.2 + 0.8 * std::exp(-din / look.shade_length));
      return (1.0 - dark) * (1.0 + look.texture * tex);
    }
    case LookModel::kCyst: {
      if (!inside) return 1.0 + look.halo * std::exp(-(dout * dout) / (look.halo_width * look.halo_width));
      const double beyond = std::max(0.0, din - look.rim_width);
      const double wall = std::exp(-beyond * beyond);
      const double wall_level = (1.0 - look.rim_depth) * (1.0 + look.texture * tex);
      return wall * wall_level + (1.0 - wall) * look.interior;
    }
    case LookModel::kFluorescent: {
      if (!inside) return look.interior * look.halo * std::exp(-dout / look.halo_width);
      const double level = look.interior * (1.0 - look.core * s * s) * (1.0 + look.texture * tex);
      const double edge = std::min(1.0, (din + 0.5) / 1.5);
      return look.interior * look.halo + (level - look.interior * look.halo) * edge;
    }
    case LookModel::kIncucyte: {
      if (!inside) return 1.0 + look.halo * std::exp(-(dout * dout) / (look.halo_width * look.halo_width));
      const double puncta = std::max(0.0, tex - 1.0);
      const double line = (din - 1.0) / 1.2;
      return look.interior * (1.0 + look.texture * tex) - 0.25 * puncta + 0.2 * std::exp(-line * line);
    }
  }
  return 1.0;
}

}  // namespace

ObjectGeometry make_object(core::Rng& rng, double diameter, const ShapeMix& mix) {
  ObjectGeometry object;
  object.diameter = diameter;
  SynthConfig body;
  body.max_eccentricity = 0.3;
  body.lobe_amplitude = 0.04;
  const double pick = rng.uniform();
  if (pick < mix.elliptical) {
    object.kind = "elliptical";
    body.max_eccentricity = 0.92;
  } else if (pick < mix.elliptical + mix.lobed) {
    object.kind = "lobed";
    body.lobe_amplitude = 0.2;
  } else if (pick < mix.elliptical + mix.lobed + mix.budding) {
    object.kind = "budding";
  } else {
    object.kind = "round";
  }
  object.parts.push_back(detail::make_spheroid_shape(rng, body, diameter));
  object.parts[0].center = {0.0, 0.0};
  object.bound_radius = object.parts[0].bound_radius;
  if (object.kind == "budding") {
    SynthConfig bud;
    bud.max_eccentricity = 0.3;
    bud.lobe_amplitude = 0.03;
    const int buds = static_cast<int>(rng.uniform_int(1, 3));
    for (int b = 0; b < buds; ++b) {
      const double bud_d = diameter * rng.uniform(0.25, 0.5);
      detail::SpheroidShape shape = detail::make_spheroid_shape(rng, bud, bud_d);
      const double angle = rng.uniform(0.0, 2.0 * kPi);
      const double reach = 0.5 * diameter * rng.uniform(0.85, 1.05);
      shape.center = {reach * std::cos(angle), reach * std::sin(angle)};
      object.bound_radius = std::max(object.bound_radius, reach + shape.bound_radius);
      object.parts.push_back(shape);
    }
  }
  return object;
}

bool object_contains(const ObjectGeometry& object, double x, double y) {
  for (const auto& part : object.parts) {
    if (part_contains(part, x - object.center.x, y - object.center.y)) return true;
  }
  return false;
}

bool add_object(Scene& scene, const ObjectGeometry& object, int min_area, bool touching) {
  const cv::Rect box = object_box(object, scene.labels.size(), 0.0);
  if (box.area() == 0) return false;
  const int label = static_cast<int>(scene.objects.size()) + 1;
  std::vector<cv::Point> claimed;
  for (int row = box.y; row < box.y + box.height; ++row) {
    const auto* line = scene.labels.ptr<int>(row);
    for (int col = box.x; col < box.x + box.width; ++col) {
      if (line[col] == 0 && object_contains(object, col, row)) claimed.emplace_back(col, row);
    }
  }
  if (static_cast<int>(claimed.size()) < min_area) return false;
  for (const auto& p : claimed) scene.labels.at<int>(p) = label;
  scene.objects.push_back(object);
  scene.touching.push_back(touching);
  return true;
}

bool is_free(const Scene& scene, cv::Point2d c, double radius, double gap) {
  for (const auto& other : scene.objects) {
    if (cv::norm(c - other.center) < radius + other.bound_radius + gap) return false;
  }
  return true;
}

// Draws up to kPlacementTries uniform centres in `area` until one is free (is_free); the Rng
// sequence is the same whether or not one is found, so scenes stay byte-identical per seed.
std::optional<cv::Point2d> find_free_spot(const Scene& scene, core::Rng& rng, cv::Size area, double radius, double gap) {
  for (int attempt = 0; attempt < kPlacementTries; ++attempt) {
    // Braces: list-initialization evaluates x before y, as the scenes were drawn before.
    const cv::Point2d c{rng.uniform(0.0, area.width - 1.0), rng.uniform(0.0, area.height - 1.0)};
    if (is_free(scene, c, radius, gap)) return c;
  }
  return std::nullopt;
}

// Calls paint(row, col, pixel) for every float pixel of `image` within `reach` of `c` in x and in
// y (clipped to the image), row by row: the window each point-like feature is drawn into.
template <class Paint>
void paint_near(cv::Mat& image, cv::Point2d c, int reach, Paint paint) {
  const int x = static_cast<int>(c.x), y = static_cast<int>(c.y);
  const int col_begin = std::max(0, x - reach), col_end = std::min(image.cols - 1, x + reach);
  for (int row = std::max(0, y - reach); row <= std::min(image.rows - 1, y + reach); ++row) {
    auto* line = image.ptr<float>(row);
    for (int col = col_begin; col <= col_end; ++col) paint(row, col, line[col]);
  }
}

// A uniform point of `area`. The order of two calls in one argument list is unspecified, so the
// draws are named: y first, as GCC evaluated them when the demo data was made.
cv::Point2d uniform_point(core::Rng& rng, cv::Size area) {
  const double y = rng.uniform(0.0, area.height - 1.0);
  const double x = rng.uniform(0.0, area.width - 1.0);
  return {x, y};
}

void paint_object(Scene& scene, int label, const ObjectLook& look, core::Rng& rng) {
  const ObjectGeometry& object = scene.objects[static_cast<std::size_t>(label - 1)];
  const double margin = std::max(6.0, 5.0 * look.halo_width);
  const cv::Rect box = object_box(object, scene.labels.size(), margin);
  if (box.area() == 0) return;
  const cv::Mat inside = scene.labels(box) == label;
  cv::Mat din, dout;
  cv::distanceTransform(inside, din, cv::DIST_L2, cv::DIST_MASK_PRECISE);
  cv::distanceTransform(~inside, dout, cv::DIST_L2, cv::DIST_MASK_PRECISE);
  const cv::Mat tex = texture_field(rng, box.size(), look.model == LookModel::kIncucyte ? 0.3 : 0.6);
  const double half = 0.5 * object.diameter;
  const bool emissive = look.model == LookModel::kFluorescent;
  for (int row = 0; row < box.height; ++row) {
    auto* light = scene.structure.ptr<float>(box.y + row);
    auto* stain = scene.stain.ptr<float>(box.y + row);
    const auto* in_line = inside.ptr<std::uint8_t>(row);
    const auto* din_line = din.ptr<float>(row);
    const auto* dout_line = dout.ptr<float>(row);
    const auto* tex_line = tex.ptr<float>(row);
    for (int col = 0; col < box.width; ++col) {
      const bool in = in_line[col] != 0;
      const double s = std::min(1.0, din_line[col] / half);
      const double value = look_value(look, in, din_line[col], dout_line[col], s, tex_line[col]);
      float& target = light[box.x + col];
      target = emissive ? target + static_cast<float>(value) : target * static_cast<float>(value);
      if (in) stain[box.x + col] = 1.0f;
    }
  }
}

void draw_debris(Scene& scene, core::Rng& rng, int count, double max_radius, bool emissive) {
  cv::Mat& light = scene.structure;
  for (int i = 0; i < count; ++i) {
    const cv::Point2d c = uniform_point(rng, light.size());
    const double radius = rng.uniform(0.25, 1.0) * max_radius;
    const double depth = rng.uniform(0.2, 0.6);
    const bool is_cell = rng.bernoulli(0.6);
    if (scene.labels.at<int>(cv::Point(static_cast<int>(c.x), static_cast<int>(c.y))) != 0) continue;
    const int reach = static_cast<int>(std::ceil(radius * 2.5 + 2));
    paint_near(light, c, reach, [&](int row, int col, float& pixel) {
      const double rho = std::hypot(col - c.x, row - c.y);
      if (emissive) {
        pixel += static_cast<float>(0.3 * depth * std::exp(-(rho * rho) / (radius * radius)));
      } else if (is_cell) {
        const double ring = (rho - radius) / 0.9;
        const double centre = rho / (0.6 * radius);
        pixel *= static_cast<float>(1.0 - depth * std::exp(-ring * ring) + 0.15 * std::exp(-centre * centre));
      } else {
        pixel *= static_cast<float>(1.0 - depth * std::exp(-(rho * rho) / (radius * radius)));
      }
    });
  }
}

void draw_fibres(Scene& scene, core::Rng& rng, int count, double scale, bool emissive) {
  if (count <= 0) return;
  cv::Mat layer = cv::Mat::zeros(scene.structure.size(), CV_8UC1);
  for (int i = 0; i < count; ++i) {
    std::vector<cv::Point> points;
    cv::Point2d p = uniform_point(rng, layer.size());
    double heading = rng.uniform(0.0, 2.0 * kPi);
    const double step = rng.uniform(8.0, 20.0) * scale;
    const int steps = static_cast<int>(rng.uniform_int(6, 24));
    for (int s = 0; s < steps; ++s) {
      points.emplace_back(static_cast<int>(p.x), static_cast<int>(p.y));
      heading += rng.uniform(-0.35, 0.35);
      p += cv::Point2d(step * std::cos(heading), step * std::sin(heading));
    }
    const int thickness = static_cast<int>(rng.uniform_int(1, 3));
    const int level = static_cast<int>(rng.uniform_int(90, 255));
    cv::polylines(layer, points, /*isClosed=*/false, cv::Scalar(level), thickness, cv::LINE_AA);
  }
  cv::Mat fibre;
  layer.convertTo(fibre, CV_32F, 1.0 / 255.0);
  cv::GaussianBlur(fibre, fibre, cv::Size(), 0.8);
  const double depth = rng.uniform(0.15, 0.45);
  if (emissive) {
    scene.structure += fibre * (0.25 * depth);
  } else {
    cv::Mat factor = 1.0 - fibre * depth;
    cv::multiply(scene.structure, factor, scene.structure);
  }
}

void draw_bubbles(Scene& scene, core::Rng& rng, int count, double max_radius) {
  cv::Mat& light = scene.structure;
  for (int i = 0; i < count; ++i) {
    const double radius = rng.uniform(0.3, 1.0) * max_radius;
    const std::optional<cv::Point2d> spot = find_free_spot(scene, rng, light.size(), 1.4 * radius, 4.0);
    if (!spot) continue;
    const cv::Point2d c = *spot;
    const double ring_width = std::max(1.0, radius * rng.uniform(0.1, 0.2));
    const double depth = rng.uniform(0.4, 0.75);
    const double bright = rng.uniform(0.05, 0.25);
    paint_near(light, c, static_cast<int>(std::ceil(1.4 * radius)), [&](int row, int col, float& pixel) {
      const double rho = std::hypot(col - c.x, row - c.y);
      const double ring = (rho - radius) / ring_width;
      const double inner = rho < radius ? bright * (1.0 - rho / radius) : 0.0;
      pixel *= static_cast<float>(1.0 - depth * std::exp(-ring * ring) + inner);
    });
  }
}

void draw_blurred_blobs(Scene& scene, core::Rng& rng, int count, double min_radius, double max_radius) {
  cv::Mat& light = scene.structure;
  for (int i = 0; i < count; ++i) {
    const double radius = rng.uniform(min_radius, max_radius);
    const std::optional<cv::Point2d> spot = find_free_spot(scene, rng, light.size(), 1.5 * radius, 2.0);
    if (!spot) continue;
    const cv::Point2d c = *spot;
    const double depth = rng.uniform(0.08, 0.25);
    paint_near(light, c, static_cast<int>(std::ceil(2.0 * radius)), [&](int row, int col, float& pixel) {
      const double rho2 = ((col - c.x) * (col - c.x) + (row - c.y) * (row - c.y)) / (radius * radius);
      pixel *= static_cast<float>(1.0 - depth * std::exp(-rho2));
    });
  }
}

cv::Mat finish_mask(const Scene& scene, std::vector<StyledObject>& objects) {
  const cv::Mat& labels = scene.labels;
  cv::Mat mask = data::separated_mask(labels);
  objects.clear();
  for (std::size_t k = 0; k < scene.objects.size(); ++k) {
    const int label = static_cast<int>(k) + 1;
    const cv::Rect box = object_box(scene.objects[k], labels.size(), 1.0);
    cv::Mat mine = (labels(box) == label) & mask(box);
    cv::Mat comp, stats, centroids;
    const int n = cv::connectedComponentsWithStats(mine, comp, stats, centroids, /*connectivity=*/8);
    int keep = 0;
    for (int c = 1; c < n; ++c) {
      if (keep == 0 || stats.at<int>(c, cv::CC_STAT_AREA) > stats.at<int>(keep, cv::CC_STAT_AREA)) keep = c;
    }
    cv::Mat window = mask(box);
    window.setTo(0, mine & (comp != keep));
    if (keep == 0) continue;
    StyledObject object;
    object.area = stats.at<int>(keep, cv::CC_STAT_AREA);
    object.center = {box.x + centroids.at<double>(keep, 0), box.y + centroids.at<double>(keep, 1)};
    object.equivalent_diameter = std::sqrt(4.0 * object.area / kPi);
    const ObjectGeometry& g = scene.objects[k];
    object.cut_by_border = g.center.x - g.bound_radius < 0 || g.center.y - g.bound_radius < 0 ||
                           g.center.x + g.bound_radius > labels.cols - 1 ||
                           g.center.y + g.bound_radius > labels.rows - 1;
    if (object.cut_by_border) {
      // Bound circles are generous: cut only where the mask itself reaches the border.
      const int x0 = stats.at<int>(keep, cv::CC_STAT_LEFT) + box.x, y0 = stats.at<int>(keep, cv::CC_STAT_TOP) + box.y;
      const int x1 = x0 + stats.at<int>(keep, cv::CC_STAT_WIDTH) - 1, y1 = y0 + stats.at<int>(keep, cv::CC_STAT_HEIGHT) - 1;
      object.cut_by_border = x0 == 0 || y0 == 0 || x1 == labels.cols - 1 || y1 == labels.rows - 1;
    }
    object.kind = g.kind + (scene.touching[k] ? "+touching" : "");
    objects.push_back(object);
  }
  return mask;
}

}  // namespace segoid::synth::style_detail
