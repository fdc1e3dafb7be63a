// SPDX-License-Identifier: MIT
// Pixels for the review page: display images, mask overlays, triage scores and mask edits.
#pragma once

#include <opencv2/core.hpp>

#include <string>
#include <vector>

#include "segoid/report/overlay.hpp"
#include "segoid/review/review_state.hpp"

namespace segoid::review {

/// One plate ready for display: the image stretched to 8 bits (review never sends raw 16-bit
/// pixels) and the predicted mask, both at full resolution.
struct ReviewPlate {
  cv::Mat display;  ///< CV_8UC1, the image's 1st..99.8th percentile mapped to 0..255
  cv::Mat mask;     ///< CV_8UC1 0/255, same size
};

/// Reads an item's image and predicted mask. Throws IoError for unreadable files and DataError
/// when the mask's size differs from the image's (naming both files).
ReviewPlate load_review_plate(const ReviewItem& item);

/// Triage numbers of one prediction.
struct ReviewStats {
  int width = 0, height = 0;
  int object_count = 0;           ///< 8-connected components of the mask
  double uncertainty = -1;        ///< mean of min(p, 1 - p) over the border band; -1 without a probability map
};

/// Half-width in pixels of the band around predicted borders over which uncertainty is averaged.
inline constexpr int kBorderBandRadius = 3;

/// Mean of min(p, 1 - p) over the pixels within kBorderBandRadius of a border of `mask`
/// (dilation minus erosion by a (2r+1)^2 square); over the whole image when the mask has no
/// border. `prob` is CV_32FC1 in [0, 1] of the mask's size (NaN counts as 0.5). Returns 0..0.5.
double border_uncertainty(const cv::Mat& mask, const cv::Mat& prob);

/// Object count and uncertainty of an item (reads the mask and, if present, the probability map).
ReviewStats compute_review_stats(const ReviewItem& item);

/// One correction step, in full-resolution image pixel coordinates.
struct MaskEdit {
  enum class Kind { kReject, kPolygon, kBrush };
  Kind kind = Kind::kReject;
  bool add = true;                  ///< polygon/brush: paint foreground (true) or cut/erase (false)
  std::vector<cv::Point> points;    ///< reject: one point; polygon: >= 3 vertices; brush: the stroke
  int radius = 0;                   ///< brush radius in pixels
};

/// Parses a JSON array of edits: {"op":"reject","x":..,"y":..},
/// {"op":"polygon","mode":"add"|"cut","points":[[x,y],...]}, {"op":"brush","mode":..,"radius":r,
/// "points":[[x,y],...]}. Limits: at most 10,000 edits and 100,000 points in all; coordinates
/// within +-1e6; radius 1..1000. Throws DataError naming the problem.
std::vector<MaskEdit> parse_mask_edits(const std::string& json_text);

/// Applies `edits` in order to a copy of `mask` (CV_8UC1, nonzero = foreground) and returns a
/// 0/255 CV_8UC1 mask. Reject removes the 8-connected object under its point, or the nearest one
/// within 6 px; polygons are filled; brush strokes are round-capped lines of width 2r + 1.
cv::Mat apply_mask_edits(const cv::Mat& mask, const std::vector<MaskEdit>& edits);

/// Longest side of the preview that the page shows first (zoom fetches regions above it).
inline constexpr int kPreviewSide = 1600;
/// Longest side of a triage-grid thumbnail.
inline constexpr int kThumbnailSide = 200;

/// `display` downscaled (area interpolation) so that its longer side is at most `max_side`.
cv::Mat downscale(const cv::Mat& image, int max_side, int interpolation);

/// JPEG bytes of an 8-bit gray or BGR image (quality 90).
std::string encode_jpeg(const cv::Mat& image);
/// PNG bytes of the mask as an RGBA overlay: foreground red, opaque; background transparent.
/// The page shows it at the --overlay-alpha opacity. `mask` CV_8UC1. `ids` (object_ids of the
/// full-resolution mask) are written at their centroids, a full-resolution point p landing at
/// (p - origin) * scale, so the page shows the object_id of quantify_objects' CSVs.
std::string encode_overlay_png(const cv::Mat& mask, const std::vector<report::ObjectId>& ids = {}, double scale = 1.0,
                               cv::Point2d origin = {0, 0});
/// The thumbnail of the grid: the image with the mask blended in red at `alpha`, longer side
/// kThumbnailSide, as JPEG.
std::string render_thumbnail(const ReviewPlate& plate, const cv::Mat& mask, double alpha);

}  // namespace segoid::review
