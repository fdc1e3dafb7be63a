// SPDX-License-Identifier: MIT
// Contour overlays of predicted and true masks over an image, for eyes rather than numbers.
#pragma once

#include <opencv2/core.hpp>

#include <vector>

namespace segoid::report {

/// An object's ID and where to write it.
struct ObjectId {
  int id = 0;              ///< the object_id of quantify_objects' tables
  cv::Point2d centroid;    ///< px, (x, y) in the mask
};

/// The objects of `mask` (CV_8UC1, nonzero = foreground) numbered as quantify_objects numbers
/// them: 8-connected, in raster order of their first pixel, objects under `min_object_area` px
/// dropped before numbering (pass quantify's min_object_area for IDs that match its CSVs).
std::vector<ObjectId> object_ids(const cv::Mat& mask, int min_object_area);

/// Writes each ID at its centroid on `canvas` (8-bit, 3 or 4 channels; with 4 the text is
/// opaque) in white with a dark outline; a mask point p lands at (p - origin) * scale.
void draw_object_ids(cv::Mat& canvas, const std::vector<ObjectId>& ids, double scale = 1.0,
                     cv::Point2d origin = {0, 0});

/// The display stretch of the percentile normalization: `image` (1 channel, any depth) mapped
/// from its 1st..99.8th percentile to 0..255, saturating. Returns CV_8UC1 of the same size.
cv::Mat stretch_to_8bit(const cv::Mat& image);

/// Returns an 8-bit BGR picture of `image` (any depth, 1 channel; contrast-stretched from its 1st
/// to 99.8th percentile) with the contours of `truth` in green and of `prediction` in red.
/// Either mask may be empty (not drawn). Masks are CV_8UC1, nonzero = foreground, same size
/// as the image. `thickness` in pixels of the output before scaling; `max_side` > 0 downsizes the
/// result so that its longer side is at most that many pixels. `id_min_area` >= 0 writes the
/// predicted objects' IDs (object_ids(prediction, id_min_area)) at their centroids.
cv::Mat draw_overlay(const cv::Mat& image, const cv::Mat& truth, const cv::Mat& prediction,
                     int thickness = 2, int max_side = 0, int id_min_area = -1);

}  // namespace segoid::report
