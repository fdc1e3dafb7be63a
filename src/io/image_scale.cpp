// SPDX-License-Identifier: MIT
// Image and mask resizing with OpenCV's area and bilinear interpolation.
#include "segoid/io/image_scale.hpp"

#include <opencv2/imgproc.hpp>

#include <algorithm>
#include <cmath>
#include <utility>
#include <vector>

namespace segoid::io {
namespace {

int interpolation(double scale) { return scale < 1.0 ? cv::INTER_AREA : cv::INTER_LINEAR; }

/// The source pixels [first, last) that output pixel `index` of a side shrunk to `out` covers.
std::pair<int, int> footprint(int index, int in, int out) {
  const double step = static_cast<double>(in) / out;
  const int first = std::min(in - 1, static_cast<int>(std::floor(index * step)));
  const int last = std::clamp(static_cast<int>(std::ceil((index + 1) * step)), first + 1, in);
  return {first, last};
}

/// Shrinking by area merges touching objects: a thin gap (synthetic truth leaves 2 px) becomes
/// half-covered pixels that the area rule calls object. Give each
/// pixel of `shrunk` the object (8-connected component of `object`) that covers most of its
/// footprint, then clear every pixel next to an object with a lower id: a 1-px gap at the new size,
/// so the loss (and loss.gap_weight) still sees where two objects meet.
void keep_apart(const cv::Mat& object, cv::Mat& shrunk) {
  cv::Mat labels;
  if (cv::connectedComponents(object, labels, 8, CV_32S) <= 2) return;  // background + one object
  cv::Mat owner = cv::Mat::zeros(shrunk.size(), CV_32SC1);
  std::vector<std::pair<int, int>> counts;  // (id, pixels) in one footprint
  for (int row = 0; row < shrunk.rows; ++row) {
    const auto [top, bottom] = footprint(row, object.rows, shrunk.rows);
    for (int col = 0; col < shrunk.cols; ++col) {
      if (shrunk.at<unsigned char>(row, col) == 0) continue;
      const auto [left, right] = footprint(col, object.cols, shrunk.cols);
      counts.clear();
      for (int r = top; r < bottom; ++r) {
        for (int c = left; c < right; ++c) {
          const int id = labels.at<int>(r, c);
          if (id == 0) continue;
          auto it = std::find_if(counts.begin(), counts.end(), [id](const auto& e) { return e.first == id; });
          if (it == counts.end()) counts.emplace_back(id, 1);
          else ++it->second;
        }
      }
      if (counts.empty()) continue;  // cannot happen: the area rule saw object pixels here
      const auto best = std::max_element(counts.begin(), counts.end(), [](const auto& a, const auto& b) {
        return a.second < b.second || (a.second == b.second && a.first > b.first);
      });
      owner.at<int>(row, col) = best->first;
    }
  }
  for (int row = 0; row < owner.rows; ++row) {
    for (int col = 0; col < owner.cols; ++col) {
      const int id = owner.at<int>(row, col);
      if (id == 0) continue;
      bool next_to_lower = false;
      for (int dy = -1; dy <= 1; ++dy) {
        for (int dx = -1; dx <= 1; ++dx) {
          const int r = row + dy, c = col + dx;
          if (r < 0 || c < 0 || r >= owner.rows || c >= owner.cols) continue;
          const int other = owner.at<int>(r, c);
          next_to_lower = next_to_lower || (other > 0 && other < id);
        }
      }
      if (next_to_lower) shrunk.at<unsigned char>(row, col) = 0;
    }
  }
}

}  // namespace

cv::Size scaled_size(const cv::Size& size, double scale) {
  if (scale == 1.0) return size;
  return {std::max(1, static_cast<int>(std::lround(size.width * scale))),
          std::max(1, static_cast<int>(std::lround(size.height * scale)))};
}

cv::Mat scale_image(const cv::Mat& image, double scale) {
  if (scale == 1.0) return image;
  cv::Mat resized;
  cv::resize(image, resized, scaled_size(image.size(), scale), 0, 0, interpolation(scale));
  return resized;
}

cv::Mat scale_mask(const cv::Mat& mask, double scale) {
  cv::Mat object;
  cv::compare(mask, 0, object, cv::CMP_NE);
  if (scale == 1.0) return object;
  cv::Mat fraction;
  object.convertTo(fraction, CV_32F, 1.0 / 255.0);
  cv::Mat resized;
  cv::resize(fraction, resized, scaled_size(mask.size(), scale), 0, 0, interpolation(scale));
  cv::Mat out;
  cv::compare(resized, 0.5, out, cv::CMP_GE);
  if (scale < 1.0) keep_apart(object, out);
  return out;
}

}  // namespace segoid::io
