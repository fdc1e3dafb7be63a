// SPDX-License-Identifier: MIT
// Image and mask resizing with OpenCV's area and bilinear interpolation.
#include "segoid/io/image_scale.hpp"

#include <opencv2/imgproc.hpp>

#include <algorithm>
#include <cmath>

namespace segoid::io {
namespace {

int interpolation(double scale) { return scale < 1.0 ? cv::INTER_AREA : cv::INTER_LINEAR; }

}  // namespace

cv::Size scaled_size(const cv::Size& size, double scale) {
  if (scale == 1.0) return size;
  return {std::max(1, static_cast<int>(std::lround(size.width * scale))),
          std::max(1, static_cast<int>(std::lround(size.height * scale)))};
}

cv::Mat scale_image(const cv::Mat& image, double scale) {
  if (scale == 1.0) return image;
  cv::Mat resized;
  cv::resize(image, resized, scaled_size(image.size(), scale), 0, 0, interpolation(scale));
  return resized;
}

cv::Mat scale_mask(const cv::Mat& mask, double scale) {
  cv::Mat object;
  cv::compare(mask, 0, object, cv::CMP_NE);
  if (scale == 1.0) return object;
  cv::Mat fraction;
  object.convertTo(fraction, CV_32F, 1.0 / 255.0);
  cv::Mat resized;
  cv::resize(fraction, resized, scaled_size(mask.size(), scale), 0, 0, interpolation(scale));
  cv::Mat out;
  cv::compare(resized, 0.5, out, cv::CMP_GE);
  return out;
}

}  // namespace segoid::io
