// SPDX-License-Identifier: MIT
// Paired flips, rotations, zoom and grid distortion for image and mask; brightness/contrast, gamma,
// blur, noise and inversion for the image.
#include "segoid/data/augmentation.hpp"

#include <opencv2/core.hpp>
#include <opencv2/imgproc.hpp>

#include <algorithm>
#include <cmath>
#include <utility>
#include <string>

#include "segoid/core/error.hpp"

namespace segoid::data {
namespace {

// cv::rotate writes through transpose, which cannot work in place on non-square mats.
void rotate_in_place(cv::Mat& mat, int code) {
  cv::Mat rotated;
  cv::rotate(mat, rotated, code);
  mat = rotated;
}

double log_uniform(core::Rng& rng, double lo, double hi) { return std::exp(rng.uniform(std::log(lo), std::log(hi))); }

// Resamples image (bilinear) and mask (nearest) through the same maps, reflect-101 outside.
void remap_pair(cv::Mat& image, cv::Mat& mask, const cv::Mat& map_x, const cv::Mat& map_y) {
  cv::Mat image_out, mask_out;
  cv::remap(image, image_out, map_x, map_y, cv::INTER_LINEAR, cv::BORDER_REFLECT_101);
  cv::remap(mask, mask_out, map_x, map_y, cv::INTER_NEAREST, cv::BORDER_REFLECT_101);
  image = image_out;
  mask = mask_out;
}

void zoom_pair(cv::Mat& image, cv::Mat& mask, double factor) {
  const cv::Point2f centre(0.5f * (image.cols - 1), 0.5f * (image.rows - 1));
  const cv::Mat affine = cv::getRotationMatrix2D(centre, /*angle=*/0.0, factor);
  cv::Mat image_out, mask_out;
  cv::warpAffine(image, image_out, affine, image.size(), cv::INTER_LINEAR, cv::BORDER_REFLECT_101);
  cv::warpAffine(mask, mask_out, affine, mask.size(), cv::INTER_NEAREST, cv::BORDER_REFLECT_101);
  image = image_out;
  mask = mask_out;
}

void grid_distort_pair(cv::Mat& image, cv::Mat& mask, const AugmentConfig& config, core::Rng& rng) {
  const int nodes = config.grid_cells + 1;
  cv::Mat shift_x(nodes, nodes, CV_32FC1), shift_y(nodes, nodes, CV_32FC1);
  const double cell_x = static_cast<double>(image.cols) / config.grid_cells;
  const double cell_y = static_cast<double>(image.rows) / config.grid_cells;
  for (int row = 0; row < nodes; ++row) {
    for (int col = 0; col < nodes; ++col) {
      shift_x.at<float>(row, col) = static_cast<float>(rng.uniform(-1.0, 1.0) * config.grid_magnitude * cell_x);
      shift_y.at<float>(row, col) = static_cast<float>(rng.uniform(-1.0, 1.0) * config.grid_magnitude * cell_y);
    }
  }
  cv::Mat dense_x, dense_y;
  cv::resize(shift_x, dense_x, image.size(), 0, 0, cv::INTER_CUBIC);
  cv::resize(shift_y, dense_y, image.size(), 0, 0, cv::INTER_CUBIC);
  cv::Mat map_x(image.size(), CV_32FC1), map_y(image.size(), CV_32FC1);
  for (int row = 0; row < image.rows; ++row) {
    for (int col = 0; col < image.cols; ++col) {
      map_x.at<float>(row, col) = static_cast<float>(col) + dense_x.at<float>(row, col);
      map_y.at<float>(row, col) = static_cast<float>(row) + dense_y.at<float>(row, col);
    }
  }
  remap_pair(image, mask, map_x, map_y);
}

void add_noise(cv::Mat& image, double sd, core::Rng& rng) {
  for (int row = 0; row < image.rows; ++row) {
    auto* line = image.ptr<float>(row);
    for (int col = 0; col < image.cols; ++col) {
      line[col] = static_cast<float>(std::clamp(line[col] + rng.normal(0.0, sd), 0.0, 1.0));
    }
  }
}

}  // namespace

const core::ConfigTable<AugmentConfig>& augment_config_table() {
  using core::key;
  using A = AugmentConfig;
  // Every dataset.augmentation.* key, in file order; see core/config_table.hpp.
  static const core::ConfigTable<A> table = {
      key<A>("dataset.augmentation.enabled", &A::enabled)
          .help("augment training patches (image and mask move together)"),
      key<A>("dataset.augmentation.horizontal_flip", &A::horizontal_flip).range(0, 1)
          .help("probability of a horizontal flip"),
      key<A>("dataset.augmentation.vertical_flip", &A::vertical_flip).range(0, 1)
          .help("probability of a vertical flip"),
      key<A>("dataset.augmentation.rotate_90", &A::rotate_90).range(0, 1)
          .help("probability of a 90/180/270 degree rotation"),
      key<A>("dataset.augmentation.brightness_limit", &A::brightness_limit).range(0, 1)
          .help("additive brightness shift within +-limit (image in [0, 1])"),
      key<A>("dataset.augmentation.contrast_limit", &A::contrast_limit).range(0, 1)
          .help("contrast gain within 1 +- limit"),
      key<A>("dataset.augmentation.brightness_contrast", &A::brightness_contrast)
          .range(0, 1).help("probability of the brightness/contrast change (albumentations' p)"),
      // Robustness transforms (SegOid's own): each is off unless a config names its probability.
      key<A>("dataset.augmentation.scale", &A::scale).range(0, 1)
          .help("probability of a zoom about the patch centre (mask: nearest)"),
      key<A>("dataset.augmentation.scale_min", &A::scale_min).range(0.25, 1)
          .help("smallest zoom factor (drawn log-uniform up to scale_max)"),
      key<A>("dataset.augmentation.scale_max", &A::scale_max).range(1, 4)
          .help("largest zoom factor"),
      key<A>("dataset.augmentation.grid_distortion", &A::grid_distortion).range(0, 1)
          .help("probability of a smooth grid warp (image and mask)"),
      key<A>("dataset.augmentation.grid_cells", &A::grid_cells).range(1, 16)
          .help("grid cells per side"),
      key<A>("dataset.augmentation.grid_magnitude", &A::grid_magnitude).range(0, 0.5)
          .help("largest shift of a grid corner, fraction of a cell"),
      key<A>("dataset.augmentation.gamma", &A::gamma).range(0, 1)
          .help("probability of out = in^g"),
      key<A>("dataset.augmentation.gamma_min", &A::gamma_min).range(0.2, 1)
          .help("smallest exponent g (drawn log-uniform up to gamma_max)"),
      key<A>("dataset.augmentation.gamma_max", &A::gamma_max).range(1, 5)
          .help("largest exponent g"),
      key<A>("dataset.augmentation.blur", &A::blur).range(0, 1)
          .help("probability of a Gaussian blur (defocus)"),
      key<A>("dataset.augmentation.blur_sigma_min", &A::blur_sigma_min).range(0, 10)
          .help("smallest blur sigma, px"),
      key<A>("dataset.augmentation.blur_sigma_max", &A::blur_sigma_max).range(0, 10)
          .help("largest blur sigma, px (>= blur_sigma_min)"),
      key<A>("dataset.augmentation.noise", &A::noise).range(0, 1)
          .help("probability of additive Gaussian noise (clipped to [0, 1])"),
      key<A>("dataset.augmentation.noise_sd_min", &A::noise_sd_min).range(0, 0.5)
          .help("smallest noise sd, intensity units of the normalized image"),
      key<A>("dataset.augmentation.noise_sd_max", &A::noise_sd_max).range(0, 0.5)
          .help("largest noise sd (>= noise_sd_min)"),
      key<A>("dataset.augmentation.invert", &A::invert).range(0, 1)
          .help("probability of out = 1 - in (dark-on-bright <-> bright-on-dark)"),
  };
  return table;
}

void validate(const AugmentConfig& config, const std::string& origin) {
  core::validate_table(augment_config_table(), config, origin);
  // Checks across keys (a row checks one key).
  if (config.blur_sigma_max < config.blur_sigma_min) {
    throw ConfigError(origin + ": dataset.augmentation.blur_sigma_max must be >= blur_sigma_min");
  }
  if (config.noise_sd_max < config.noise_sd_min) {
    throw ConfigError(origin + ": dataset.augmentation.noise_sd_max must be >= noise_sd_min");
  }
}

void augment_pair(cv::Mat& image, cv::Mat& mask, const AugmentConfig& config, core::Rng& rng) {
  SEGOID_CHECK(image.type() == CV_32FC1, "augment_pair needs a CV_32FC1 image");
  SEGOID_CHECK(mask.channels() == 1 && mask.size() == image.size(),
               "augment_pair needs a single-channel mask of the image's size");
  if (!config.enabled) return;

  constexpr int kFlipColumns = 1;
  constexpr int kFlipRows = 0;
  if (rng.bernoulli(config.horizontal_flip)) {
    cv::flip(image, image, kFlipColumns);
    cv::flip(mask, mask, kFlipColumns);
  }
  if (rng.bernoulli(config.vertical_flip)) {
    cv::flip(image, image, kFlipRows);
    cv::flip(mask, mask, kFlipRows);
  }
  if (rng.bernoulli(config.rotate_90)) {
    static constexpr int kRotateCodes[3] = {cv::ROTATE_90_CLOCKWISE, cv::ROTATE_180,
                                            cv::ROTATE_90_COUNTERCLOCKWISE};
    const int code = kRotateCodes[rng.uniform_int(0, 2)];
    rotate_in_place(image, code);
    rotate_in_place(mask, code);
  }
  if (rng.bernoulli(config.brightness_contrast)) {
    const double alpha = 1.0 + rng.uniform(-config.contrast_limit, config.contrast_limit);
    const double beta = rng.uniform(-config.brightness_limit, config.brightness_limit);
    image.convertTo(image, CV_32F, alpha, beta);
    cv::min(image, 1.0, image);
    cv::max(image, 0.0, image);
  }
  // Robustness transforms: a probability of 0 draws nothing, so configs without them are unchanged.
  const auto happens = [&rng](double p) { return p > 0.0 && rng.bernoulli(p); };
  if (happens(config.scale)) zoom_pair(image, mask, log_uniform(rng, config.scale_min, config.scale_max));
  if (happens(config.grid_distortion)) grid_distort_pair(image, mask, config, rng);
  if (happens(config.gamma)) {
    const double exponent = log_uniform(rng, config.gamma_min, config.gamma_max);
    cv::max(image, 0.0, image);
    cv::pow(image, exponent, image);
  }
  if (happens(config.blur)) {
    const double sigma = rng.uniform(config.blur_sigma_min, config.blur_sigma_max);
    if (sigma > 0.0) cv::GaussianBlur(image, image, cv::Size(), sigma, sigma, cv::BORDER_REFLECT_101);
  }
  if (happens(config.noise)) add_noise(image, rng.uniform(config.noise_sd_min, config.noise_sd_max), rng);
  if (happens(config.invert)) image = 1.0 - image;
}

}  // namespace segoid::data
