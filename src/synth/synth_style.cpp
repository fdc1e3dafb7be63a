// SPDX-License-Identifier: MIT
// The acquisition styles of `segoid synth --style`: per-style backgrounds, objects and clutter,
// then shared optics (illumination, defocus, gamma) and camera (noise, file type, JPEG).
#include "segoid/synth/synth_style.hpp"

#include <fmt/format.h>

#include <algorithm>
#include <cmath>
#include <numeric>
#include <opencv2/imgcodecs.hpp>
#include <opencv2/imgproc.hpp>

#include "segoid/core/error.hpp"
#include "segoid/core/numbers.hpp"
#include "synth_style_internal.hpp"

namespace segoid::synth {
namespace {

using style_detail::LookModel;
using style_detail::ObjectGeometry;
using style_detail::ObjectLook;
using style_detail::Scene;
using style_detail::ShapeMix;

using core::kPi;
constexpr double kMaxMagnification = 6.0;  // object sizes span 1x..6x of the style's smallest
constexpr int kMinStyledSide = 64;         // px
constexpr int kMinVisibleArea = 150;       // px: objects cut by the border keep at least this much
constexpr std::uint64_t kStyleStream = 0x5354594C45ULL;  // "STYLE"
constexpr std::uint64_t kObjectStream = 11;
constexpr std::uint64_t kPaintStream = 12;
constexpr std::uint64_t kClutterStream = 13;
constexpr std::uint64_t kCameraStream = 14;
constexpr std::uint64_t kOverlayStream = 15;

const char* const kStyleNames[kSynthStyleCount] = {"flat-well",      "ula-round-bottom", "fluorescence",
                                                   "phase-contrast", "matrigel-dome",    "rgb-jpeg"};

// What every styled image draws, in a fixed order.
struct CommonLook {
  double magnification, blur_sigma, gamma, gradient, gradient_angle, vignetting, mottling;
  double photons, read_noise, exposure;
  SynthFileType file_type;
  int debris, fibres, bubbles;
};

CommonLook sample_common(core::Rng& rng, SynthStyle style) {
  CommonLook c{};
  c.magnification = std::exp(rng.uniform(0.0, std::log(kMaxMagnification)));
  c.blur_sigma = rng.uniform(0.3, 2.2);
  c.gamma = std::exp(rng.uniform(std::log(0.6), std::log(1.6)));
  c.gradient = rng.uniform(0.0, 0.3);
  c.gradient_angle = rng.uniform(0.0, 2.0 * kPi);
  c.vignetting = rng.uniform(0.0, 0.3);
  c.mottling = rng.uniform(0.0, 0.06);
  c.photons = std::exp(rng.uniform(std::log(60.0), std::log(3000.0)));
  c.read_noise = rng.uniform(0.001, 0.012);
  c.exposure = rng.uniform(0.45, 0.8);
  const auto type = rng.uniform_int(0, 3);
  c.file_type = style == SynthStyle::kRgbJpeg ? SynthFileType::kJpegRgb : static_cast<SynthFileType>(type);
  c.debris = static_cast<int>(rng.uniform_int(0, 40));
  c.fibres = static_cast<int>(rng.uniform_int(0, 3));
  c.bubbles = static_cast<int>(rng.uniform_int(0, 2));
  return c;
}

// Objects scattered over the field (phase contrast, fluorescence, Matrigel): some cut by the
// border, some placed against an earlier one (touching pairs).
struct FieldPlan {
  int count = 5;
  double min_diameter = 20, max_diameter = 60;  // log-uniform
  double touching = 0.15;                        // probability of a touching partner
  double border = 0.3;                           // centres may lie this many diameters outside
  ShapeMix mix;
  double cyst = 0.0;  // probability that an object is a hollow cyst
};

void place_field(Scene& scene, core::Rng& rng, const FieldPlan& plan) {
  const int width = scene.labels.cols, height = scene.labels.rows;
  for (int i = 0; i < plan.count; ++i) {
    const double d = std::exp(rng.uniform(std::log(plan.min_diameter), std::log(plan.max_diameter)));
    ObjectGeometry object = style_detail::make_object(rng, d, plan.mix);
    if (rng.bernoulli(plan.cyst)) object.kind = "cyst";
    const double out = plan.border * d;
    bool placed = false;
    for (int attempt = 0; attempt < 30 && !placed; ++attempt) {
      object.center = {rng.uniform(-out, width - 1 + out), rng.uniform(-out, height - 1 + out)};
      placed = style_detail::is_free(scene, object.center, object.bound_radius, 3.0);
    }
    if (!placed || !style_detail::add_object(scene, object, kMinVisibleArea, false)) continue;
    if (!rng.bernoulli(plan.touching)) continue;
    const ObjectGeometry& first = scene.objects.back();
    const std::size_t first_index = scene.objects.size() - 1;
    ObjectGeometry partner = style_detail::make_object(rng, d * rng.uniform(0.6, 1.1), plan.mix);
    if (first.kind == "cyst") partner.kind = "cyst";
    const double angle = rng.uniform(0.0, 2.0 * kPi);
    const double distance = 0.5 * (first.diameter + partner.diameter) * rng.uniform(0.9, 0.98);
    partner.center = first.center + cv::Point2d(distance * std::cos(angle), distance * std::sin(angle));
    // Free of everything but its partner.
    Scene others;
    others.objects.assign(scene.objects.begin(), scene.objects.end() - 1);
    if (!style_detail::is_free(others, partner.center, partner.bound_radius, 3.0)) continue;
    if (style_detail::add_object(scene, partner, kMinVisibleArea, true)) scene.touching[first_index] = true;
  }
}

/// A field of objects min_diameter..min_diameter x `spread` px across, covering a random 8-25% of
/// the image (2 to 40 objects), placed on `scene`.
void place_sparse_field(Scene& scene, core::Rng& rng, double min_diameter, double spread) {
  FieldPlan plan;
  plan.min_diameter = min_diameter;
  plan.max_diameter = plan.min_diameter * spread;
  const double mean_area = 0.25 * kPi * plan.min_diameter * plan.max_diameter;
  plan.count = std::clamp(static_cast<int>(rng.uniform(0.08, 0.25) * scene.structure.total() / mean_area), 2, 40);
  place_field(scene, rng, plan);
}

// Multiplies a linear gradient, off-centre vignetting and blotches into the light field.
void apply_illumination(const CommonLook& c, core::Rng& rng, cv::Mat& light) {
  const double half_diagonal = 0.5 * std::hypot(light.cols, light.rows);
  const double cx = light.cols * rng.uniform(0.3, 0.7), cy = light.rows * rng.uniform(0.3, 0.7);
  const double gx = std::cos(c.gradient_angle) / (2.0 * half_diagonal);
  const double gy = std::sin(c.gradient_angle) / (2.0 * half_diagonal);
  cv::Mat coarse(light.rows / 48 + 3, light.cols / 48 + 3, CV_32FC1);
  detail::fill_gaussian_like(rng, coarse);
  cv::Mat blotches;
  cv::resize(coarse, blotches, light.size(), 0, 0, cv::INTER_CUBIC);
  for (int row = 0; row < light.rows; ++row) {
    auto* line = light.ptr<float>(row);
    const auto* blotch = blotches.ptr<float>(row);
    const double vy = (row - cy) / half_diagonal;
    for (int col = 0; col < light.cols; ++col) {
      const double vx = (col - cx) / half_diagonal;
      const double illumination = (1.0 - c.vignetting * (vx * vx + vy * vy)) *
                                  (1.0 + c.gradient * ((col - 0.5 * light.cols) * gx + (row - 0.5 * light.rows) * gy)) *
                                  (1.0 + c.mottling * blotch[col]);
      line[col] = static_cast<float>(std::max(0.0, line[col] * illumination));
    }
  }
}

// The largest value of an integer file type (1 for float, whose images are scaled afterwards).
double file_type_white(SynthFileType type) {
  switch (type) {
    case SynthFileType::kUint12In16: return 4095.0;
    case SynthFileType::kUint16: return 65535.0;
    case SynthFileType::kFloat32: return 1.0;
    default: return 255.0;
  }
}

// Camera: exposure, gamma, shot and read noise, quantization to the file type. `light` is
// relative (background ~1 for transmitted styles); returns CV_8U, CV_16U or CV_32F.
cv::Mat expose(const cv::Mat& light, const CommonLook& c, core::Rng& rng) {
  const double full_scale = file_type_white(c.file_type);
  int depth = CV_8U;
  if (c.file_type == SynthFileType::kUint12In16 || c.file_type == SynthFileType::kUint16) depth = CV_16U;
  if (c.file_type == SynthFileType::kFloat32) depth = CV_32F;
  const double float_scale = c.file_type == SynthFileType::kFloat32 ? std::exp(rng.uniform(0.0, std::log(1000.0))) : 1.0;
  cv::Mat out(light.size(), CV_MAKETYPE(depth, 1));
  const float read_sd = static_cast<float>(c.read_noise);
  const float inv_photons = static_cast<float>(1.0 / c.photons);
  const float gamma = static_cast<float>(c.gamma), exposure = static_cast<float>(c.exposure);
  constexpr float kBlack = 0.02f;
  for (int row = 0; row < light.rows; ++row) {
    const auto* in = light.ptr<float>(row);
    for (int col = 0; col < light.cols; ++col) {
      const float signal = std::pow(std::clamp(in[col] * exposure, 0.0f, 1.0f), gamma);
      const float shot = std::sqrt(signal * inv_photons) * detail::gaussian_like(rng);
      const float value = std::clamp(kBlack + signal + shot + read_sd * detail::gaussian_like(rng), 0.0f, 1.0f);
      if (depth == CV_8U) {
        out.ptr<std::uint8_t>(row)[col] = static_cast<std::uint8_t>(std::nearbyint(value * full_scale));
      } else if (depth == CV_16U) {
        out.ptr<std::uint16_t>(row)[col] = static_cast<std::uint16_t>(std::nearbyint(value * full_scale));
      } else {
        out.ptr<float>(row)[col] = static_cast<float>(value * float_scale);
      }
    }
  }
  return out;
}

using Params = std::vector<std::pair<std::string, double>>;

// --- the styles' scenes ------------------------------------------------------------------------

void ula_scene(Scene& scene, const CommonLook& c, const SynthConfig& config, core::Rng& rng, Params& params) {
  const int width = scene.structure.cols, height = scene.structure.rows;
  const bool bright = rng.bernoulli(0.5);  // bright spheroid in a dark well (oblique light), else dark
  const double drawn_d = 35.0 * c.magnification;
  // The wall stays in view: at high magnification the spheroid fills more of the well.
  const double drawn_well_r = std::min(drawn_d * rng.uniform(1.8, 3.6), std::min(width, height) * rng.uniform(0.38, 0.62));
  // A synthetic assay fixes both (the draws above still happen, so the rest of the scene is the same).
  const double d = config.ula_spheroid_diameter > 0 ? config.ula_spheroid_diameter : drawn_d;
  const double well_r = config.ula_well_radius > 0 ? config.ula_well_radius : drawn_well_r;
  const cv::Point2d well(width * rng.uniform(0.4, 0.6), height * rng.uniform(0.4, 0.6));
  const double centre_level = bright ? rng.uniform(0.25, 0.45) : rng.uniform(0.75, 1.0);
  const double falloff = rng.uniform(0.65, 0.92), power = rng.uniform(1.3, 2.5);
  const double glare = rng.uniform(0.6, 1.8), glare_r = rng.uniform(0.88, 0.98), glare_w = rng.uniform(0.015, 0.05);
  const double glare_dir = rng.uniform(0.0, 2.0 * kPi), glare_sharp = rng.uniform(1.0, 4.0);
  // Beyond the wall: plate plastic, from dim to the saturating white that oblique light gives it.
  const double plastic = rng.uniform(0.2, 1.1);
  for (int row = 0; row < height; ++row) {
    auto* line = scene.structure.ptr<float>(row);
    for (int col = 0; col < width; ++col) {
      const double dx = col - well.x, dy = row - well.y;
      const double rn = std::hypot(dx, dy) / well_r;
      const double theta = std::atan2(dy, dx);
      double value = rn < 1.0 ? centre_level * (1.0 - falloff * std::pow(rn, power))
                              : plastic * (1.0 - 0.5 * std::exp(-(rn - 1.0) * 8.0));
      const double arc = std::pow(std::max(0.0, std::cos(theta - glare_dir)), glare_sharp) +
                         0.4 * std::pow(std::max(0.0, std::cos(theta - glare_dir - kPi)), glare_sharp);
      const double g = (rn - glare_r) / glare_w;
      value += glare * arc * std::exp(-g * g);
      const double wall = (rn - 1.0) / 0.02;
      value *= 1.0 - 0.6 * std::exp(-wall * wall);
      line[col] = static_cast<float>(value);
    }
  }
  ShapeMix mix{0.3, 0.2, 0.15};
  ObjectGeometry object = style_detail::make_object(rng, d, mix);
  const double offset = 0.15 * well_r * std::sqrt(rng.uniform()), angle = rng.uniform(0.0, 2.0 * kPi);
  object.center = well + cv::Point2d(offset * std::cos(angle), offset * std::sin(angle));
  style_detail::add_object(scene, object, kMinVisibleArea, false);
  ObjectLook look;
  look.model = bright ? LookModel::kBright : LookModel::kBrightfield;
  look.interior = bright ? rng.uniform(1.8, 3.2) : rng.uniform(0.35, 0.7);
  look.core = bright ? rng.uniform(0.0, 0.3) : rng.uniform(0.05, 0.25);
  look.texture = rng.uniform(0.15, 0.35);
  look.rim_depth = bright ? 0.0 : rng.uniform(0.3, 0.6);
  look.rim_width = rng.uniform(2.0, 5.0);
  look.halo = rng.uniform(0.0, 0.2);
  look.halo_width = rng.uniform(1.5, 4.0);
  for (int label = 1; label <= static_cast<int>(scene.objects.size()); ++label)
    style_detail::paint_object(scene, label, look, rng);
  params.insert(params.end(), {{"bright_spheroid", bright ? 1.0 : 0.0}, {"well_radius", well_r},
                               {"well_x", well.x}, {"well_y", well.y}, {"glare", glare}});
}

void fluorescence_scene(Scene& scene, const CommonLook& c, core::Rng& rng, Params& params) {
  const double background = rng.uniform(0.01, 0.06);
  scene.structure.setTo(background);
  place_sparse_field(scene, rng, 18.0 * c.magnification, /*spread=*/1.6);
  for (int label = 1; label <= static_cast<int>(scene.objects.size()); ++label) {
    ObjectLook look;
    look.model = LookModel::kFluorescent;
    look.interior = rng.uniform(0.5, 1.0);
    look.core = rng.uniform(0.0, 0.6);  // necrotic or poorly stained core
    look.texture = rng.uniform(0.05, 0.25);
    look.halo = rng.uniform(0.1, 0.35);
    look.halo_width = rng.uniform(2.0, 8.0);
    style_detail::paint_object(scene, label, look, rng);
  }
  params.insert(params.end(), {{"background", background}});
}

void phase_scene(Scene& scene, const CommonLook& c, core::Rng& rng, Params& params) {
  scene.structure.setTo(1.0);
  place_sparse_field(scene, rng, 16.0 * c.magnification, /*spread=*/1.8);
  const double halo = rng.uniform(0.3, 0.9), shade = rng.uniform(5.0, 14.0);
  for (int label = 1; label <= static_cast<int>(scene.objects.size()); ++label) {
    ObjectLook look;
    look.model = LookModel::kPhase;
    look.rim_depth = rng.uniform(0.35, 0.7);
    look.shade_length = shade;
    look.texture = rng.uniform(0.05, 0.2);
    look.halo = halo * rng.uniform(0.8, 1.2);
    look.halo_width = rng.uniform(2.0, 6.0);
    style_detail::paint_object(scene, label, look, rng);
  }
  params.insert(params.end(), {{"halo", halo}, {"shade_length", shade}});
}

void matrigel_scene(Scene& scene, const CommonLook& c, core::Rng& rng, Params& params) {
  const int width = scene.structure.cols, height = scene.structure.rows;
  // The dome's edge: a large circle whose rim may cross the field (gel inside, medium outside).
  const double dome_r = std::max(width, height) * rng.uniform(0.8, 2.0);
  const double dome_angle = rng.uniform(0.0, 2.0 * kPi), dome_reach = dome_r * rng.uniform(0.7, 1.3);
  const cv::Point2d dome(0.5 * width + dome_reach * std::cos(dome_angle), 0.5 * height + dome_reach * std::sin(dome_angle));
  const double outside = rng.uniform(1.02, 1.15);
  for (int row = 0; row < height; ++row) {
    auto* line = scene.structure.ptr<float>(row);
    for (int col = 0; col < width; ++col) {
      const double edge = (std::hypot(col - dome.x, row - dome.y) - dome_r) / 6.0;
      const double step = 1.0 / (1.0 + std::exp(-edge));
      line[col] = static_cast<float>((1.0 + (outside - 1.0) * step) * (1.0 - 0.25 * std::exp(-edge * edge)));
    }
  }
  FieldPlan plan;
  const double scale = std::sqrt(c.magnification);  // the field's sizes already span 20-300 px
  plan.min_diameter = 20.0 * scale;
  plan.max_diameter = 122.0 * scale;
  plan.touching = 0.25;
  plan.cyst = rng.uniform(0.2, 0.6);
  plan.count = static_cast<int>(rng.uniform_int(8, 40));
  style_detail::draw_blurred_blobs(scene, rng, static_cast<int>(rng.uniform_int(2, 10)), 10.0 * scale, 50.0 * scale);
  place_field(scene, rng, plan);
  for (int label = 1; label <= static_cast<int>(scene.objects.size()); ++label) {
    const bool cyst = scene.objects[static_cast<std::size_t>(label - 1)].kind == "cyst";
    ObjectLook look;
    look.model = cyst ? LookModel::kCyst : LookModel::kBrightfield;
    look.interior = cyst ? rng.uniform(0.98, 1.1) : rng.uniform(0.45, 0.85);
    look.core = cyst ? 0.0 : rng.uniform(0.0, 0.3);
    look.texture = rng.uniform(0.08, 0.25);
    look.rim_depth = cyst ? rng.uniform(0.3, 0.6) : rng.uniform(0.2, 0.5);
    look.rim_width = cyst ? rng.uniform(2.0, 6.0) : rng.uniform(2.0, 4.0);
    look.halo = rng.uniform(0.0, 0.15);
    look.halo_width = rng.uniform(1.5, 3.0);
    style_detail::paint_object(scene, label, look, rng);
  }
  params.insert(params.end(), {{"dome_radius", dome_r}, {"cyst_fraction", plan.cyst}});
}

void incucyte_scene(Scene& scene, const CommonLook& c, core::Rng& rng, Params& params) {
  const int width = scene.structure.cols, height = scene.structure.rows;
  const double well_r = 0.5 * std::min(width, height) * rng.uniform(0.88, 1.15);
  const cv::Point2d well(width * rng.uniform(0.47, 0.53), height * rng.uniform(0.47, 0.53));
  const double rim = rng.uniform(0.8, 2.0), tiles = static_cast<double>(rng.uniform_int(2, 4));
  const double seam = rng.uniform(0.0, 0.03);
  for (int row = 0; row < height; ++row) {
    auto* line = scene.structure.ptr<float>(row);
    for (int col = 0; col < width; ++col) {
      const double r = std::hypot(col - well.x, row - well.y);
      const double rn = r / well_r;
      const int tile = static_cast<int>(col * tiles / width) + static_cast<int>(row * tiles / height);
      double value = rn < 1.0 ? 1.0 + seam * ((tile % 2) - 0.5) : 0.03 + 0.25 * std::exp(-(rn - 1.0) * 40.0);
      const double ring = (r - 0.985 * well_r) / 1.8;
      const double dark = (r - 0.97 * well_r) / 4.0;
      value *= 1.0 - 0.5 * std::exp(-dark * dark);
      value += rim * std::exp(-ring * ring);
      line[col] = static_cast<float>(value);
    }
  }
  const int count = static_cast<int>(rng.uniform_int(1, 3));
  for (int i = 0; i < count; ++i) {
    const double d = 25.0 * c.magnification * rng.uniform(0.8, 1.25);
    ObjectGeometry object = style_detail::make_object(rng, d, ShapeMix{0.3, 0.3, 0.15});
    const double room = std::max(0.0, 0.92 * well_r - object.bound_radius);
    bool placed = false;
    for (int attempt = 0; attempt < 30 && !placed; ++attempt) {
      const double rho = room * std::sqrt(rng.uniform()), angle = rng.uniform(0.0, 2.0 * kPi);
      object.center = well + cv::Point2d(rho * std::cos(angle), rho * std::sin(angle));
      placed = style_detail::is_free(scene, object.center, object.bound_radius, 4.0);
    }
    if (placed) style_detail::add_object(scene, object, kMinVisibleArea, false);
  }
  for (int label = 1; label <= static_cast<int>(scene.objects.size()); ++label) {
    ObjectLook look;
    look.model = LookModel::kIncucyte;
    look.interior = rng.uniform(0.85, 1.0);
    look.texture = rng.uniform(0.08, 0.18);
    look.halo = rng.uniform(0.0, 0.15);
    look.halo_width = 2.0;
    style_detail::paint_object(scene, label, look, rng);
  }
  params.insert(params.end(), {{"well_radius", well_r}, {"rim", rim}});
}

// Burned-in annotations of an exported image (8- or 16-bit or float, grey or BGR; `white` is its
// full scale): a scale bar (a filled bar or a ruler with ticks) with its length, and a time stamp,
// in light or dark ink, at times on a black label box as Incucyte exports draw them. Drawn after
// the camera, they are never objects.
void burn_overlay(cv::Mat& image, double white, core::Rng& rng, Params& params) {
  const bool colour = image.channels() == 3;
  const double tone = white * rng.uniform(0.85, 1.0);
  cv::Scalar ink = cv::Scalar::all(tone);
  const double ink_kind = rng.uniform(0.0, 1.0);
  if (ink_kind < 0.25) {
    ink = cv::Scalar::all(0.03 * white);  // dark ink on a bright field
  } else if (colour && ink_kind < 0.6) {
    ink = cv::Scalar(0.6 * tone, 0.9 * tone, tone);  // pale yellow (BGR)
  }
  const bool boxed = rng.bernoulli(0.4);
  const int line_type = image.depth() == CV_8U ? cv::LINE_AA : cv::LINE_8;
  const int face = rng.bernoulli(0.5) ? cv::FONT_HERSHEY_SIMPLEX : cv::FONT_HERSHEY_DUPLEX;
  // Text 7-35 px tall whatever the image size (an export's font does not scale with the field),
  // as long as a time stamp fits in 40% of the width; bold in proportion.
  int unit_baseline = 0;
  const double unit_width = cv::getTextSize("0d 00h 00m", face, 1.0, 1, &unit_baseline).width;
  const double font = std::min(std::exp(rng.uniform(std::log(0.3), std::log(1.5))), 0.4 * image.cols / unit_width);
  const int thickness = std::max(1, static_cast<int>(std::lround(font * rng.uniform(1.0, 2.5))));
  const auto put = [&](const std::string& text, cv::Point origin) {
    int baseline = 0;
    const cv::Size size = cv::getTextSize(text, face, font, thickness, &baseline);
    if (boxed) {
      const cv::Rect box(origin.x - 4, origin.y - size.height - 4, size.width + 8, size.height + baseline + 8);
      cv::rectangle(image, box, cv::Scalar::all(0.0), cv::FILLED);
      cv::rectangle(image, box, ink * 0.6, 1, line_type);
    }
    cv::putText(image, text, origin, face, font, ink, thickness, line_type);
  };
  const bool bar_left = rng.bernoulli(0.7);
  const int bar = static_cast<int>(image.cols * rng.uniform(0.08, 0.2));
  const int margin = static_cast<int>(image.cols * rng.uniform(0.02, 0.06));
  const int x0 = bar_left ? margin : image.cols - margin - bar;
  const int y0 = static_cast<int>(image.rows * rng.uniform(0.92, 0.97));
  const int height = std::max(2, image.rows / static_cast<int>(rng.uniform_int(120, 220)));
  if (rng.bernoulli(0.6)) {
    cv::rectangle(image, cv::Rect(x0, y0, bar, height), ink, cv::FILLED);
  } else {  // a ruler: the bar as a line with ticks at its ends and middle
    cv::line(image, {x0, y0}, {x0 + bar, y0}, ink, std::max(1, height / 2), line_type);
    for (const int x : {x0, x0 + bar / 2, x0 + bar}) cv::line(image, {x, y0}, {x, y0 - 3 * height}, ink, 1, line_type);
  }
  put(fmt::format("{} um", 100 * rng.uniform_int(1, 8)), {x0, y0 - 4 * height - 2});
  const int stamp_x = bar_left ? static_cast<int>(image.cols * 0.78) : margin;
  const int stamp_y = rng.bernoulli(0.7) ? y0 : static_cast<int>(image.rows * 0.06);
  put(fmt::format("{}d {}h {}m", rng.uniform_int(0, 6), rng.uniform_int(0, 23), rng.uniform_int(0, 59)),
      {stamp_x, stamp_y});
  params.push_back({"overlay", 1.0});
}

// Colour, scale bar, text and JPEG for rgb-jpeg; `gray` is the exposed 8-bit image.
cv::Mat colourize_and_encode(const cv::Mat& gray, const cv::Mat& stain, core::Rng& rng, core::Rng& overlay_rng,
                             std::string& jpeg, Params& params) {
  const bool stained = rng.bernoulli(0.5);
  cv::Vec3f background(1.0f, 1.0f, 1.0f), object(1.0f, 1.0f, 1.0f);
  for (int ch = 0; ch < 3; ++ch) background[ch] = static_cast<float>(1.0 + rng.uniform(-0.25, 0.25));
  if (stained) {
    // Stain absorbs in some channels: purple (haematoxylin-like), brown (DAB-like) or pink (eosin-like).
    static const cv::Vec3f kStains[3] = {{0.9f, 0.45f, 0.7f}, {0.35f, 0.5f, 0.8f}, {0.85f, 0.6f, 1.0f}};
    const cv::Vec3f stain_colour = kStains[rng.uniform_int(0, 2)];
    const float strength = static_cast<float>(rng.uniform(0.3, 1.0));
    for (int ch = 0; ch < 3; ++ch) object[ch] = 1.0f - strength * (1.0f - stain_colour[ch]);
  }
  cv::Mat soft;
  cv::GaussianBlur(stain, soft, cv::Size(), 2.0);
  cv::Mat bgr(gray.size(), CV_8UC3);
  for (int row = 0; row < gray.rows; ++row) {
    const auto* g = gray.ptr<std::uint8_t>(row);
    const auto* s = soft.ptr<float>(row);
    auto* out = bgr.ptr<cv::Vec3b>(row);
    for (int col = 0; col < gray.cols; ++col) {
      for (int ch = 0; ch < 3; ++ch) {
        const float tint = background[ch] * (1.0f - s[col]) + background[ch] * object[ch] * s[col];
        out[col][ch] = cv::saturate_cast<std::uint8_t>(g[col] * tint);
      }
    }
  }
  burn_overlay(bgr, 255.0, overlay_rng, params);
  const int quality = static_cast<int>(rng.uniform_int(30, 85));
  std::vector<std::uint8_t> bytes;
  cv::imencode(".jpg", bgr, bytes, {cv::IMWRITE_JPEG_QUALITY, quality});
  jpeg.assign(bytes.begin(), bytes.end());
  params.insert(params.end(), {{"stained", stained ? 1.0 : 0.0}, {"jpeg_quality", quality}});
  return cv::imdecode(bytes, cv::IMREAD_COLOR);
}

}  // namespace

void validate_styled_size(const SynthConfig& config) {
  for (const auto& [name, value] : {std::pair{"width", config.width}, {"height", config.height}}) {
    if (value < kMinStyledSide || value > 32768)
      throw ConfigError(fmt::format("synthetic image: {} must be in [{}, 32768] px, got {}", name, kMinStyledSide, value));
  }
}

std::string synth_style_name(SynthStyle style) { return kStyleNames[static_cast<int>(style)]; }

std::vector<std::string> synth_style_names() { return {std::begin(kStyleNames), std::end(kStyleNames)}; }

SynthStyle parse_synth_style(const std::string& name) {
  for (int i = 0; i < kSynthStyleCount; ++i) {
    if (name == kStyleNames[i]) return static_cast<SynthStyle>(i);
  }
  std::string valid;
  for (const auto& n : synth_style_names()) valid += (valid.empty() ? "" : ", ") + n;
  throw ConfigError(fmt::format("unknown synth style \"{}\": expected one of {} or mixed", name, valid));
}

SynthStyle style_of_image(const std::string& style_or_mixed, std::uint64_t seed, std::uint64_t image_index) {
  if (style_or_mixed != "mixed") return parse_synth_style(style_or_mixed);
  std::vector<int> order(kSynthStyleCount);
  std::iota(order.begin(), order.end(), 0);
  core::Rng rng(core::mix_seed(seed, kStyleStream, image_index / kSynthStyleCount));
  rng.shuffle(order);
  return static_cast<SynthStyle>(order[image_index % kSynthStyleCount]);
}

std::string synth_file_type_name(SynthFileType type) {
  switch (type) {
    case SynthFileType::kUint8: return "uint8";
    case SynthFileType::kUint12In16: return "uint12in16";
    case SynthFileType::kUint16: return "uint16";
    case SynthFileType::kFloat32: return "float32";
    case SynthFileType::kJpegRgb: return "jpeg-rgb";
  }
  return "?";
}

std::string styled_image_name(SynthStyle style, int index) {
  if (style == SynthStyle::kFlatWell) return synth_image_name(index);
  std::string stem = synth_style_name(style);
  std::replace(stem.begin(), stem.end(), '-', '_');
  return fmt::format("synth_{}_{:03d}", stem, index + 1);
}

SynthStyle style_of_basename(const std::string& basename) {
  for (int i = kSynthStyleCount - 1; i >= 0; --i) {
    const std::string prefix = styled_image_name(static_cast<SynthStyle>(i), 0);
    const std::string stem = prefix.substr(0, prefix.size() - 3);  // without the number
    if (basename.rfind(stem, 0) == 0) return static_cast<SynthStyle>(i);
  }
  throw DataError(fmt::format("\"{}\" is not the name of a synthetic image of a known style", basename));
}

StyledImage synthesize_styled(const SynthConfig& config, SynthStyle style, std::uint64_t image_index) {
  StyledImage result;
  result.style = style;
  if (style != SynthStyle::kFlatWell) validate_styled_size(config);
  if (style == SynthStyle::kFlatWell) {
    result.plate = synthesize_plate(config, image_index);
    result.image = result.plate.image;
    result.mask = result.plate.mask;
    result.file_type = result.plate.bit_depth == 8 ? SynthFileType::kUint8
                       : config.sensor_bits == 12 ? SynthFileType::kUint12In16 : SynthFileType::kUint16;
    cv::Mat labels, stats, centroids;
    cv::connectedComponentsWithStats(result.mask, labels, stats, centroids, /*connectivity=*/8);
    for (const auto& s : result.plate.spheroids) {
      const int label = labels.at<int>(cv::Point(static_cast<int>(std::lround(s.center.x)),
                                                 static_cast<int>(std::lround(s.center.y))));
      const int area = label > 0 ? stats.at<int>(label, cv::CC_STAT_AREA) : 0;
      result.objects.push_back({s.center, s.equivalent_diameter, area, "round", false});
    }
    return result;
  }
  const std::uint64_t seed = core::mix_seed(config.seed, image_index, kStyleStream + static_cast<int>(style));
  core::Rng rng(seed);
  const CommonLook common = sample_common(rng, style);
  result.file_type = common.file_type;
  result.params = {{"magnification", common.magnification}, {"blur_sigma", common.blur_sigma},
                   {"gamma", common.gamma},                 {"gradient", common.gradient},
                   {"vignetting", common.vignetting},       {"mottling", common.mottling},
                   {"photons", common.photons},             {"read_noise", common.read_noise},
                   {"exposure", common.exposure},           {"debris", common.debris},
                   {"fibres", common.fibres},               {"bubbles", common.bubbles}};
  Scene scene;
  scene.structure = cv::Mat(config.height, config.width, CV_32FC1, cv::Scalar(1.0));
  scene.labels = cv::Mat::zeros(config.height, config.width, CV_32SC1);
  scene.stain = cv::Mat::zeros(config.height, config.width, CV_32FC1);
  core::Rng object_rng(core::mix_seed(seed, kObjectStream));
  switch (style) {
    case SynthStyle::kUlaRoundBottom: ula_scene(scene, common, config, object_rng, result.params); break;
    case SynthStyle::kFluorescence: fluorescence_scene(scene, common, object_rng, result.params); break;
    case SynthStyle::kPhaseContrast: phase_scene(scene, common, object_rng, result.params); break;
    case SynthStyle::kMatrigelDome: matrigel_scene(scene, common, object_rng, result.params); break;
    case SynthStyle::kRgbJpeg: incucyte_scene(scene, common, object_rng, result.params); break;
    case SynthStyle::kFlatWell: break;
  }
  const bool emissive = style == SynthStyle::kFluorescence;
  core::Rng clutter_rng(core::mix_seed(seed, kClutterStream));
  const double debris_radius = std::clamp(2.0 * std::sqrt(common.magnification), 1.5, 5.0);
  style_detail::draw_debris(scene, clutter_rng, common.debris, debris_radius, emissive);
  style_detail::draw_fibres(scene, clutter_rng, common.fibres, std::sqrt(common.magnification), emissive);
  if (!emissive) style_detail::draw_bubbles(scene, clutter_rng, common.bubbles, 12.0 * std::sqrt(common.magnification));
  core::Rng camera_rng(core::mix_seed(seed, kCameraStream));
  apply_illumination(common, camera_rng, scene.structure);
  if (emissive) scene.structure *= 1.0 / 1.15;  // the brightest objects just below full scale
  cv::GaussianBlur(scene.structure, scene.structure, cv::Size(), common.blur_sigma);
  result.image = expose(scene.structure, common, camera_rng);
  core::Rng overlay_rng(core::mix_seed(seed, kOverlayStream));
  if (style == SynthStyle::kRgbJpeg) {
    result.image = colourize_and_encode(result.image, scene.stain, camera_rng, overlay_rng, result.jpeg, result.params);
  } else if (overlay_rng.bernoulli(config.overlay_fraction)) {
    // Exports of any optics carry them; bright text on a dark field looks like a fluorescent
    // object, so the model must see it in every style.
    double white = file_type_white(common.file_type);
    if (common.file_type == SynthFileType::kFloat32) cv::minMaxLoc(result.image, nullptr, &white);
    burn_overlay(result.image, white, overlay_rng, result.params);
  } else {
    result.params.push_back({"overlay", 0.0});
  }
  result.mask = style_detail::finish_mask(scene, result.objects);
  return result;
}

}  // namespace segoid::synth
