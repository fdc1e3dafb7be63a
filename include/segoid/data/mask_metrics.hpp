// SPDX-License-Identifier: MIT
// Pixel-level agreement between a predicted and a true binary mask.
#pragma once

#include <opencv2/core.hpp>

#include <cstdint>

namespace segoid::data {

/// Pixel counts and scores of one predicted mask against its ground truth.
/// Scores by core::scores_from_counts: all 1 when both masks are empty, any other 0/0 is 0.0.
struct PixelMetrics {
  double dice = 0.0;       ///< 2 TP / (2 TP + FP + FN)
  double iou = 0.0;        ///< TP / (TP + FP + FN)
  double precision = 0.0;  ///< TP / (TP + FP)
  double recall = 0.0;     ///< TP / (TP + FN)
  std::int64_t pred_pixels = 0;  ///< foreground pixels in the prediction
  std::int64_t true_pixels = 0;  ///< foreground pixels in the ground truth
  std::int64_t true_positive = 0;
};

/// Compares two CV_8UC1 masks of the same size (non-zero = foreground).
/// Throws DataError when sizes or types differ.
PixelMetrics pixel_metrics(const cv::Mat& predicted, const cv::Mat& truth);

}  // namespace segoid::data
