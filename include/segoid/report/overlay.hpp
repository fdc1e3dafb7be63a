// SPDX-License-Identifier: MIT
// Contour overlays of predicted and true masks over an image, for eyes rather than numbers.
#pragma once

#include <opencv2/core.hpp>

namespace segoid::report {

/// `image` (any depth, 1 channel) as 8-bit gray, contrast-stretched from its 1st to 99.8th
/// percentile (the display stretch of the percentile normalization).
cv::Mat stretch_to_8bit(const cv::Mat& image);

/// Returns an 8-bit BGR picture of `image` (any depth, 1 channel; contrast-stretched from its 1st
/// to 99.8th percentile) with the contours of `truth` in green and of `prediction` in red.
/// Either mask may be empty (not drawn). Masks are CV_8UC1, nonzero = foreground, same size
/// as the image. `thickness` in pixels of the output before scaling; `max_side` > 0 downsizes the
/// result so that its longer side is at most that many pixels.
cv::Mat draw_overlay(const cv::Mat& image, const cv::Mat& truth, const cv::Mat& prediction,
                     int thickness = 2, int max_side = 0);

}  // namespace segoid::report
