// SPDX-License-Identifier: MIT
// Crack following: the outer outline of an 8-connected object along pixel edges, as ROIs.
#include "segoid/analysis/object_outline.hpp"

#include <algorithm>
#include <string>

#include "segoid/core/error.hpp"

namespace segoid::analysis {
namespace {

// Directions on screen (y down), in clockwise order: east, south, west, north.
constexpr int kDx[4] = {1, 0, -1, 0};
constexpr int kDy[4] = {0, 1, 0, -1};
// The two pixels ahead of a vertex (x, y) when leaving it in each direction, as offsets of their
// (col, row) from (x, y): the one on the left hand and the one on the right hand.
constexpr int kAheadLeft[4][2] = {{0, -1}, {0, 0}, {-1, 0}, {-1, -1}};
constexpr int kAheadRight[4][2] = {{0, 0}, {-1, 0}, {-1, -1}, {0, -1}};
constexpr int kEast = 0;

}  // namespace

std::vector<cv::Point> object_outline(const LabeledMask& labeled, int label, cv::Point first_pixel) {
  const cv::Mat& labels = labeled.labels;
  SEGOID_CHECK(labels.type() == CV_32SC1, "object_outline expects CV_32SC1 labels");
  const auto is_object = [&](int col, int row) {
    return col >= 0 && row >= 0 && col < labels.cols && row < labels.rows && labels.at<int>(row, col) == label;
  };
  std::vector<cv::Point> outline;
  if (!is_object(first_pixel.x, first_pixel.y)) return outline;
  // The object lies on the right hand: the first pixel's top edge, heading east, starts the walk.
  // At each vertex, 8-connectivity turns left when the pixel ahead-left is the object (diagonal
  // neighbours stay one object), goes straight when only the one ahead-right is, else turns right.
  const cv::Point start = first_pixel;
  cv::Point at = start;
  int dir = kEast;
  do {
    at += cv::Point(kDx[dir], kDy[dir]);
    int next = (dir + 1) % 4;  // right
    const bool left_is_object = is_object(at.x + kAheadLeft[dir][0], at.y + kAheadLeft[dir][1]);
    const bool right_is_object = is_object(at.x + kAheadRight[dir][0], at.y + kAheadRight[dir][1]);
    if (left_is_object) {
      next = (dir + 3) % 4;
    } else if (right_is_object) {
      next = dir;
    }
    if (next != dir) outline.push_back(at);
    dir = next;
  } while (!(at == start && dir == kEast));
  // Start at the first pixel's corner (pushed last by the loop).
  std::rotate(outline.begin(), outline.end() - 1, outline.end());
  return outline;
}

std::vector<io::ImageJRoi> object_rois(const LabeledMask& labeled) {
  std::vector<cv::Point> first(static_cast<std::size_t>(labeled.count) + 1, cv::Point(-1, -1));
  int found = 0;
  for (int row = 0; row < labeled.labels.rows && found < labeled.count; ++row) {
    const int* line = labeled.labels.ptr<int>(row);
    for (int col = 0; col < labeled.labels.cols; ++col) {
      const int label = line[col];
      if (label > 0 && label <= labeled.count && first[label].x < 0) first[label] = {col, row}, ++found;
    }
  }
  std::vector<io::ImageJRoi> rois;
  for (int label = 1; label <= labeled.count; ++label) {
    if (first[label].x < 0) continue;
    io::ImageJRoi roi;
    roi.name = std::to_string(label);
    roi.type = io::RoiType::kPolygon;
    for (const cv::Point& v : object_outline(labeled, label, first[label])) roi.points.emplace_back(v.x, v.y);
    rois.push_back(std::move(roi));
  }
  return rois;
}

void write_object_roiset(const std::filesystem::path& path, const LabeledMask& labeled) {
  io::write_roiset(path, object_rois(labeled));
}

}  // namespace segoid::analysis
