// SPDX-License-Identifier: MIT
// From a probability map to a clean binary mask: threshold, smoothing, hole filling, small-object removal.
#pragma once

#include <opencv2/core.hpp>

namespace segoid::infer {

/// Post-processing parameters.
struct PostprocessOptions {
  double threshold = 0.5;     ///< foreground where probability > threshold
  int min_object_area = 0;    ///< pixels; 8-connected objects smaller than this are removed (0 = keep all)
  bool fill_holes = true;     ///< fill background regions not connected to the image border
  int smooth_radius = 0;      ///< pixels; > 0 applies an opening then a closing with a disc of this radius
};

/// Foreground (255) where `probability` > threshold, else 0. `probability` is CV_32FC1.
/// Returns CV_8UC1 of the same size.
cv::Mat threshold_probability(const cv::Mat& probability, double threshold);

/// Removes 8-connected foreground components with fewer than `min_area` pixels (as scikit-image's
/// remove_small_objects(connectivity=2)). `mask` is CV_8UC1 (non-zero = foreground); returns 0/255.
cv::Mat remove_small_objects(const cv::Mat& mask, int min_area);

/// Sets background pixels not 4-connected to the image border to 255 (as scipy's
/// binary_fill_holes with its default cross structure). `mask` is CV_8UC1; returns 0/255.
cv::Mat fill_holes(const cv::Mat& mask);

/// Opening then closing with a disc of `radius` pixels (diameter 2 * radius + 1), removing
/// specks and notches narrower than the disc; pixels outside the image never erode or dilate
/// (OpenCV's default border). Returns 0/255.
cv::Mat smooth_mask(const cv::Mat& mask, int radius);

/// The whole chain in this order: threshold, smoothing, hole filling, small-object removal
/// (objects are measured after their holes are filled). Returns CV_8UC1 0/255.
cv::Mat postprocess(const cv::Mat& probability, const PostprocessOptions& options);

}  // namespace segoid::infer
