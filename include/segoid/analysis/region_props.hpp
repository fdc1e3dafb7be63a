// SPDX-License-Identifier: MIT
// Object labelling (8-connectivity) and per-object shape measurements equal to scikit-image's
// `regionprops` (0.19) for the same labelled mask.
#pragma once

#include <opencv2/core.hpp>

#include <vector>

namespace segoid::analysis {

/// A label image: 0 is background, objects are 1..count, numbered in raster order of their first
/// pixel (the order scikit-image's `label` gives), so results are independent of OpenCV's algorithm.
struct LabeledMask {
  cv::Mat labels;  ///< H x W, CV_32SC1
  int count = 0;   ///< number of objects
};

/// Labels the 8-connected components of `mask` (CV_8UC1; any non-zero pixel is foreground).
/// Throws segoid::Error when `mask` is empty or not CV_8UC1.
LabeledMask label_objects(const cv::Mat& mask);

/// Removes objects smaller than `min_area` pixels (an object of exactly `min_area` is kept) and
/// renumbers the rest 1..n keeping their order. `min_area` <= 1 returns a copy.
LabeledMask remove_small_objects(const LabeledMask& labeled, int min_area);

/// Measurements of one object, in pixels. Coordinates: row = y (down), col = x (right), the
/// centre of the top-left pixel is (0, 0), as in scikit-image.
struct RegionProps {
  int label = 0;                     ///< 1-based label in the LabeledMask
  double area = 0;                   ///< px², pixel count
  double perimeter = 0;              ///< px, scikit-image's 4-neighbourhood weighted border length
  double equivalent_diameter = 0;    ///< px, diameter of the disc of equal area, sqrt(4 A / pi)
  double major_axis_length = 0;      ///< px, 4 sqrt(largest inertia-tensor eigenvalue)
  double minor_axis_length = 0;      ///< px, 4 sqrt(smallest inertia-tensor eigenvalue)
  double eccentricity = 0;           ///< 0 (disc) .. 1 (line), of the ellipse with the same moments
  double circularity = 0;            ///< 4 pi A / P²; NaN when P = 0. A digital disc reads ~0.91,
                                     ///< as this perimeter overestimates circles by ~5%
  double centroid_x = 0;             ///< px, mean column
  double centroid_y = 0;             ///< px, mean row
  int bbox_min_row = 0;              ///< first row (inclusive)
  int bbox_min_col = 0;              ///< first column (inclusive)
  int bbox_max_row = 0;              ///< last row + 1 (exclusive, as scikit-image)
  int bbox_max_col = 0;              ///< last column + 1 (exclusive)
  // SegOid's shape measures beyond the Python tool's (README, "Object measures"). The convex hull
  // is scikit-image's: the pixel centres inside the hull of every pixel's edge midpoints.
  double solidity = 0;               ///< area / convex hull area (scikit-image `solidity`)
  double convexity = 0;              ///< perimeter of the convex hull image / perimeter, both as
                                     ///< `perimeter`; 1 for convex objects; NaN when P = 0
  double feret_diameter_max = 0;     ///< px, scikit-image 0.19's: the largest distance between
                                     ///< border edge midpoints of the convex hull image
  double feret_diameter_min = 0;     ///< px, the narrowest caliper width of the same points
  double volume_sphere = 0;          ///< px³, pi/6 d³ of the equivalent diameter
  double volume_ellipsoid = 0;       ///< px³, prolate ellipsoid of the axes: pi/6 major minor²
};

/// Measures every object of `labeled` in one pass over the image: O(H W + count).
/// Returns `labeled.count` entries, entry i for label i + 1.
/// Objects whose perimeter is 0 (one or two pixels) get circularity NaN: the ratio is undefined.
std::vector<RegionProps> region_props(const LabeledMask& labeled);

/// label_objects() then region_props().
std::vector<RegionProps> measure_objects(const cv::Mat& mask);

}  // namespace segoid::analysis
