// SPDX-License-Identifier: MIT
// One rule for drawing labelled objects as a binary mask in which touching objects stay apart.
#pragma once

#include <opencv2/core.hpp>

namespace segoid::data {

/// A 0/255 CV_8UC1 mask of the objects in `labels` (CV_32SC1, 0 = background, > 0 = object id;
/// negative values count as background). A pixel that has an 8-neighbour with another object id
/// is left out, so every object is its own 8-connected component: quantify_objects (and
/// scikit-image's label(connectivity=2)) count touching objects separately. Synthetic truth masks
/// and predict_full's split of touching objects both draw their masks with it.
cv::Mat separated_mask(const cv::Mat& labels);

}  // namespace segoid::data
