// SPDX-License-Identifier: MIT
// Labels to a binary mask with a gap wherever two objects meet.
#include "segoid/data/label_mask.hpp"

#include <cstdint>

#include "segoid/core/error.hpp"

namespace segoid::data {

cv::Mat separated_mask(const cv::Mat& labels) {
  SEGOID_CHECK(labels.type() == CV_32SC1, "separated_mask: labels must be CV_32SC1");
  cv::Mat mask = cv::Mat::zeros(labels.size(), CV_8UC1);
  for (int row = 0; row < labels.rows; ++row) {
    const auto* line = labels.ptr<int>(row);
    auto* out = mask.ptr<std::uint8_t>(row);
    for (int col = 0; col < labels.cols; ++col) {
      const int label = line[col];
      if (label <= 0) continue;
      bool meets_other = false;
      for (int dy = -1; dy <= 1 && !meets_other; ++dy) {
        const int r = row + dy;
        if (r < 0 || r >= labels.rows) continue;
        const auto* near = labels.ptr<int>(r);
        for (int dx = -1; dx <= 1; ++dx) {
          const int c = col + dx;
          if (c >= 0 && c < labels.cols && near[c] > 0 && near[c] != label) meets_other = true;
        }
      }
      if (!meets_other) out[col] = 255;
    }
  }
  return mask;
}

}  // namespace segoid::data
