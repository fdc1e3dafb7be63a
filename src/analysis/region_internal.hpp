// SPDX-License-Identifier: MIT
// Pieces of region_props shared with the convex-hull measures (private to analysis).
#pragma once

#include <opencv2/core.hpp>

#include <vector>

#include "segoid/analysis/region_props.hpp"

namespace segoid::analysis {

/// scikit-image's perimeter (4-neighbourhood weights) of labels 1..count of `labels` (CV_32SC1,
/// every value in 0..count); entry 0 is unused.
std::vector<double> label_perimeters(const cv::Mat& labels, int count);

/// Fills solidity, convexity and the Feret diameters of every entry of `props` (from
/// region_props: area, perimeter and bounding box set) from `labeled`.
void add_convex_measures(const LabeledMask& labeled, std::vector<RegionProps>& props);

}  // namespace segoid::analysis
