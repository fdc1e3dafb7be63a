// SPDX-License-Identifier: MIT
// Paired flips and 90-degree rotations for image and mask; brightness/contrast for the image.
#include "segoid/data/augmentation.hpp"

#include <opencv2/core.hpp>

#include <string>

#include "segoid/core/error.hpp"

namespace segoid::data {
namespace {

void require_unit(double value, const char* key) {
  if (!(value >= 0.0 && value <= 1.0)) {
    throw ConfigError(std::string("dataset.augmentation.") + key + " must be in [0, 1], got " +
                      std::to_string(value));
  }
}

// cv::rotate writes through transpose, which cannot work in place on non-square mats.
void rotate_in_place(cv::Mat& mat, int code) {
  cv::Mat rotated;
  cv::rotate(mat, rotated, code);
  mat = rotated;
}

}  // namespace

void validate(const AugmentConfig& config) {
  require_unit(config.horizontal_flip, "horizontal_flip");
  require_unit(config.vertical_flip, "vertical_flip");
  require_unit(config.rotate_90, "rotate_90");
  require_unit(config.brightness_limit, "brightness_limit");
  require_unit(config.contrast_limit, "contrast_limit");
  require_unit(config.brightness_contrast, "brightness_contrast");
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
}

}  // namespace segoid::data
