// SPDX-License-Identifier: MIT
// From a probability map to a clean binary mask: threshold, smoothing, hole filling, splitting of
// touching objects, small-object removal, removal of objects the model is unsure of.
#pragma once

#include <opencv2/core.hpp>

namespace segoid::infer {

/// Post-processing parameters: predict.yaml's `inference.threshold` and `postprocess:` keys; each
/// default here is the key's only default.
struct PostprocessOptions {
  double threshold = 0.5;     ///< foreground where probability > threshold
  int min_object_area = 100;  ///< pixels; 8-connected objects smaller than this are removed (0 = keep all)
  bool fill_holes = true;     ///< fill background regions not connected to the image border
  int smooth_radius = 0;      ///< pixels; > 0 applies an opening then a closing with a disc of this radius
  bool split_touching = false;    ///< cut touching objects apart at their necks (split_touching)
  double split_neck_ratio = 0.7;  ///< see split_touching
  double min_mean_probability = 0.0;  ///< objects whose mean probability is lower are removed (0 = keep all)
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

/// Removes 8-connected foreground objects of `mask` whose mean `probability` (CV_32FC1, the same
/// size) over their pixels is below `min_mean`: an object-level confidence, as StarDist's
/// prob_thresh is for its candidates. A thresholded map keeps what the model half believes in as
/// whole objects: many false ones (burned-in labels, well shading) have a mean of 0.55-0.8, a
/// well-seen object's is near 0.95.
/// Returns 0/255, a subset of `mask`.
cv::Mat remove_unsure_objects(const cv::Mat& mask, const cv::Mat& probability, double min_mean);

/// Cuts 8-connected objects that are several touching bodies apart, as the distance-transform
/// watershed of scikit-image's gallery does, with cores instead of local maxima so that ragged
/// outlines do not over-split: an object's cores are where its distance to the background exceeds
/// `neck_ratio` x its largest distance; with two or more cores it is flooded from them (a
/// priority flood of the distance relief) and drawn with data::separated_mask, so the parts are
/// separate 8-connected components. Two touching discs of radius r are cut when the neck between
/// them is narrower than 2 x neck_ratio x r and the smaller radius is above neck_ratio x the larger;
/// an ellipse, or a bud smaller than that, stays whole. `neck_ratio` in (0, 1). Returns 0/255, a
/// subset of `mask`; objects with one core are unchanged.
cv::Mat split_touching(const cv::Mat& mask, double neck_ratio);

/// The whole chain in this order: threshold, smoothing, hole filling, splitting of touching
/// objects, small-object removal, removal of unsure objects (objects are measured after their holes
/// are filled, so a filled hole counts in the mean). Returns CV_8UC1 0/255.
cv::Mat postprocess(const cv::Mat& probability, const PostprocessOptions& options);

}  // namespace segoid::infer
