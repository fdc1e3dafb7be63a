// SPDX-License-Identifier: MIT
// Object outlines along pixel edges, and the per-image Fiji RoiSet.zip of quantify_objects.
#pragma once

#include <opencv2/core.hpp>

#include <filesystem>
#include <vector>

#include "segoid/analysis/region_props.hpp"
#include "segoid/io/imagej_roi.hpp"

namespace segoid::analysis {

/// The outer boundary of object `label` of `labeled`, traced clockwise (on screen) along pixel
/// edges with 8-connectivity: integer vertices at pixel corners ((col, row) is the top-left corner
/// of pixel (row, col)), corners only, starting at the top-left corner of the object's first pixel
/// in raster order. Filling it by ImageJ's rule (io::fill_imagej_roi) gives back the object with
/// its holes filled. `first_pixel` is that first pixel ((col, row)). Empty for an empty label.
std::vector<cv::Point> object_outline(const LabeledMask& labeled, int label, cv::Point first_pixel);

/// One polygon ROI per object, named by its label (the `object_id` of the object tables).
std::vector<io::ImageJRoi> object_rois(const LabeledMask& labeled);

/// Writes object_rois(labeled) as a Fiji RoiSet.zip (io::write_roiset), atomically. An image
/// without objects gets an archive without entries. Throws IoError.
void write_object_roiset(const std::filesystem::path& path, const LabeledMask& labeled);

}  // namespace segoid::analysis
