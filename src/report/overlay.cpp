// SPDX-License-Identifier: MIT
// Contour overlays (ground truth green, prediction red) and object IDs at centroids.
#include "segoid/report/overlay.hpp"

#include <opencv2/imgproc.hpp>

#include <algorithm>
#include <vector>

#include "segoid/analysis/region_props.hpp"
#include "segoid/core/error.hpp"
#include "segoid/io/normalization.hpp"

namespace segoid::report {

cv::Mat stretch_to_8bit(const cv::Mat& image) {
  const auto [lo, hi] = io::intensity_percentiles(image, io::kPercentileLow, io::kPercentileHigh);
  const double scale = hi > lo ? 255.0 / (hi - lo) : 1.0;
  cv::Mat out;
  image.convertTo(out, CV_8U, scale, -lo * scale);
  return out;
}

namespace {

void draw_contours(cv::Mat& canvas, const cv::Mat& mask, const cv::Scalar& colour, int thickness) {
  if (mask.empty()) return;
  SEGOID_CHECK(mask.size() == canvas.size(), "overlay mask size differs from the image");
  cv::Mat binary = mask != 0;
  std::vector<std::vector<cv::Point>> contours;
  cv::findContours(binary, contours, cv::RETR_LIST, cv::CHAIN_APPROX_SIMPLE);
  cv::drawContours(canvas, contours, -1, colour, thickness, cv::LINE_AA);
}

}  // namespace

std::vector<ObjectId> object_ids(const cv::Mat& mask, int min_object_area) {
  const analysis::LabeledMask labeled =
      analysis::remove_small_objects(analysis::label_objects(mask != 0), min_object_area);
  std::vector<cv::Point2d> sums(static_cast<std::size_t>(labeled.count) + 1);
  std::vector<long> counts(sums.size(), 0);
  for (int row = 0; row < labeled.labels.rows; ++row) {
    const int* line = labeled.labels.ptr<int>(row);
    for (int col = 0; col < labeled.labels.cols; ++col) {
      if (line[col] == 0) continue;
      sums[line[col]] += cv::Point2d(col, row);
      ++counts[line[col]];
    }
  }
  std::vector<ObjectId> ids;
  for (int label = 1; label <= labeled.count; ++label) {
    ids.push_back({label, sums[label] * (1.0 / static_cast<double>(std::max(1L, counts[label])))});
  }
  return ids;
}

void draw_object_ids(cv::Mat& canvas, const std::vector<ObjectId>& ids, double scale, cv::Point2d origin) {
  SEGOID_CHECK(canvas.depth() == CV_8U && (canvas.channels() == 3 || canvas.channels() == 4),
               "object IDs are drawn on 8-bit BGR or BGRA pictures");
  constexpr int kFont = cv::FONT_HERSHEY_SIMPLEX;
  constexpr double kFontScale = 0.6;  // readable on a 1200-1600 px preview
  const cv::Scalar ink(255, 255, 255, 255), outline(20, 20, 20, 255);
  for (const ObjectId& object : ids) {
    const std::string text = std::to_string(object.id);
    int baseline = 0;
    const cv::Size size = cv::getTextSize(text, kFont, kFontScale, 1, &baseline);
    const cv::Point2d at = (object.centroid - origin) * scale;
    const cv::Point corner(static_cast<int>(std::lround(at.x - size.width / 2.0)),
                           static_cast<int>(std::lround(at.y + size.height / 2.0)));
    if (corner.x + size.width < 0 || corner.y < 0 || corner.x >= canvas.cols || corner.y - size.height >= canvas.rows) continue;
    cv::putText(canvas, text, corner, kFont, kFontScale, outline, /*thickness=*/3, cv::LINE_AA);
    cv::putText(canvas, text, corner, kFont, kFontScale, ink, /*thickness=*/1, cv::LINE_AA);
  }
}

cv::Mat draw_overlay(const cv::Mat& image, const cv::Mat& truth, const cv::Mat& prediction, int thickness,
                     int max_side, int id_min_area) {
  SEGOID_CHECK(!image.empty() && image.channels() == 1, "overlay needs a 1-channel image");
  cv::Mat canvas;
  cv::cvtColor(stretch_to_8bit(image), canvas, cv::COLOR_GRAY2BGR);
  draw_contours(canvas, truth, cv::Scalar(60, 200, 60), thickness);
  draw_contours(canvas, prediction, cv::Scalar(40, 40, 230), thickness);
  const int side = std::max(canvas.cols, canvas.rows);
  double scale = 1.0;
  if (max_side > 0 && side > max_side) {
    scale = static_cast<double>(max_side) / side;
    cv::resize(canvas, canvas, cv::Size(), scale, scale, cv::INTER_AREA);
  }
  if (id_min_area >= 0 && !prediction.empty()) draw_object_ids(canvas, object_ids(prediction, id_min_area), scale);
  return canvas;
}

}  // namespace segoid::report
