// SPDX-License-Identifier: MIT
// A mask with numbered objects, and a probe for ID text drawn on it (overlay and review tests).
#pragma once

#include <opencv2/core.hpp>
#include <opencv2/imgproc.hpp>

#include <vector>

namespace segoid::test {

// Three discs and a 20 px speck (before the second disc in raster order).
inline cv::Mat scene() {
  cv::Mat mask = cv::Mat::zeros(200, 300, CV_8UC1);
  cv::circle(mask, {200, 40}, 20, cv::Scalar(255), cv::FILLED);
  mask(cv::Rect(20, 45, 5, 4)).setTo(255);
  cv::circle(mask, {60, 120}, 25, cv::Scalar(255), cv::FILLED);
  cv::circle(mask, {230, 150}, 30, cv::Scalar(255), cv::FILLED);
  return mask;
}

// Near-white (text) pixels inside a box around `at`.
inline int white_near(const cv::Mat& bgr, cv::Point2d at, int half = 12) {
  const cv::Rect box = cv::Rect(static_cast<int>(at.x) - half, static_cast<int>(at.y) - half, 2 * half, 2 * half) &
                       cv::Rect(0, 0, bgr.cols, bgr.rows);
  std::vector<cv::Mat> channels;
  cv::split(bgr(box), channels);
  return cv::countNonZero((channels[0] > 200) & (channels[1] > 200) & (channels[2] > 200));
}

}  // namespace segoid::test
