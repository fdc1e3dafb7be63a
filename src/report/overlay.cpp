// SPDX-License-Identifier: MIT
// Contour overlays: ground truth green, prediction red.
#include "segoid/report/overlay.hpp"

#include <opencv2/imgproc.hpp>

#include <algorithm>
#include <vector>

#include "segoid/core/error.hpp"
#include "segoid/io/normalization.hpp"

namespace segoid::report {

cv::Mat stretch_to_8bit(const cv::Mat& image) {
  const auto [lo, hi] = io::intensity_percentiles(image, io::kPercentileLow, io::kPercentileHigh);
  const double scale = hi > lo ? 255.0 / (hi - lo) : 1.0;
  cv::Mat out;
  image.convertTo(out, CV_8U, scale, -lo * scale);
  return out;
}

namespace {

void draw_contours(cv::Mat& canvas, const cv::Mat& mask, const cv::Scalar& colour, int thickness) {
  if (mask.empty()) return;
  SEGOID_CHECK(mask.size() == canvas.size(), "overlay mask size differs from the image");
  cv::Mat binary = mask != 0;
  std::vector<std::vector<cv::Point>> contours;
  cv::findContours(binary, contours, cv::RETR_LIST, cv::CHAIN_APPROX_SIMPLE);
  cv::drawContours(canvas, contours, -1, colour, thickness, cv::LINE_AA);
}

}  // namespace

cv::Mat draw_overlay(const cv::Mat& image, const cv::Mat& truth, const cv::Mat& prediction, int thickness,
                     int max_side) {
  SEGOID_CHECK(!image.empty() && image.channels() == 1, "overlay needs a 1-channel image");
  cv::Mat canvas;
  cv::cvtColor(stretch_to_8bit(image), canvas, cv::COLOR_GRAY2BGR);
  draw_contours(canvas, truth, cv::Scalar(60, 200, 60), thickness);
  draw_contours(canvas, prediction, cv::Scalar(40, 40, 230), thickness);
  const int side = std::max(canvas.cols, canvas.rows);
  if (max_side > 0 && side > max_side) {
    const double scale = static_cast<double>(max_side) / side;
    cv::resize(canvas, canvas, cv::Size(), scale, scale, cv::INTER_AREA);
  }
  return canvas;
}

}  // namespace segoid::report
