// SPDX-License-Identifier: MIT
// Mask resizing: the area rule, and touching objects kept apart when shrinking.
#include "segoid/io/image_scale.hpp"

#include <gtest/gtest.h>
#include <opencv2/imgproc.hpp>

#include <algorithm>
#include <numeric>
#include <vector>

namespace segoid::io {
namespace {

int components(const cv::Mat& mask) {
  cv::Mat labels;
  return cv::connectedComponents(mask, labels, 8, CV_32S) - 1;
}

/// The area rule alone: object where at least half of the footprint is (OpenCV's INTER_AREA).
cv::Mat area_rule(const cv::Mat& mask, double scale) {
  cv::Mat fraction;
  cv::Mat(mask != 0).convertTo(fraction, CV_32F, 1.0 / 255.0);
  cv::Mat resized;
  cv::resize(fraction, resized, scaled_size(mask.size(), scale), 0, 0, cv::INTER_AREA);
  return resized >= 0.5;
}

/// Labels drawn as a mask with a gap wherever two objects meet (as synthetic truth is drawn).
cv::Mat apart(const cv::Mat& labels) {
  cv::Mat mask = cv::Mat::zeros(labels.size(), CV_8UC1);
  for (int row = 0; row < labels.rows; ++row) {
    for (int col = 0; col < labels.cols; ++col) {
      const int id = labels.at<int>(row, col);
      bool meets = false;
      for (int dy = -1; dy <= 1; ++dy) {
        for (int dx = -1; dx <= 1; ++dx) {
          const int r = row + dy, c = col + dx;
          if (r < 0 || c < 0 || r >= labels.rows || c >= labels.cols) continue;
          const int other = labels.at<int>(r, c);
          meets = meets || (other > 0 && other != id);
        }
      }
      if (id > 0 && !meets) mask.at<unsigned char>(row, col) = 255;
    }
  }
  return mask;
}

TEST(ScaleMaskTest, AGapOfTwoPixelsOffTheBlockGridStaysAGap) {
  // Columns 1-8 and 11-20 with the gap at 9-10: at 0.5 the blocks (8,9) and (10,11) are each half
  // object, and the area rule alone joins the two rectangles.
  cv::Mat mask = cv::Mat::zeros(16, 24, CV_8UC1);
  mask(cv::Rect(1, 4, 8, 8)).setTo(255);
  mask(cv::Rect(11, 4, 10, 8)).setTo(255);
  ASSERT_EQ(components(area_rule(mask, 0.5)), 1);
  const cv::Mat shrunk = scale_mask(mask, 0.5);
  ASSERT_EQ(shrunk.size(), cv::Size(12, 8));
  EXPECT_EQ(components(shrunk), 2);
  // The gap is one column wide, taken from the second object (the higher component id).
  EXPECT_EQ(cv::countNonZero(shrunk), cv::countNonZero(area_rule(mask, 0.5)) - 4);
  EXPECT_EQ(cv::countNonZero(shrunk.col(5)), 0);
  EXPECT_EQ(cv::countNonZero(shrunk.col(4)), 4);
  EXPECT_EQ(cv::countNonZero(shrunk.col(6)), 4);
}

TEST(ScaleMaskTest, OneObjectFollowsTheAreaRuleExactly) {
  cv::Mat mask = cv::Mat::zeros(61, 47, CV_8UC1);
  cv::ellipse(mask, {23, 30}, {17, 25}, 30.0, 0.0, 360.0, cv::Scalar(255), cv::FILLED);
  for (const double scale : {0.5, 0.37, 0.25}) {
    const cv::Mat difference = scale_mask(mask, scale) != area_rule(mask, scale);
    EXPECT_EQ(cv::countNonZero(difference), 0) << scale;
  }
  const cv::Mat same = scale_mask(mask, 1.0);
  EXPECT_EQ(cv::countNonZero(same != mask), 0);
}

TEST(ScaleMaskTest, RandomTouchingDiscsStayApartAtEveryScale) {
  cv::RNG rng(20261202);
  int merged_by_area_rule = 0;
  for (int trial = 0; trial < 20; ++trial) {
    // Discs drawn over each other in a label image, so that many touch; each is kept big enough
    // (radius >= 9 px, 3.6 px at 0.4) that a 1-px gap cannot remove or cut it.
    cv::Mat labels = cv::Mat::zeros(160, 200, CV_32SC1);
    for (int id = 1; id <= 12; ++id) {
      const cv::Point centre(rng.uniform(15, 185), rng.uniform(15, 145));
      cv::circle(labels, centre, rng.uniform(9, 22), cv::Scalar(id), cv::FILLED);
    }
    const cv::Mat mask = apart(labels);
    cv::Mat mask_labels;
    const int objects = cv::connectedComponents(mask, mask_labels, 8, CV_32S) - 1;
    // Parts that hold a 9x9 square (3.6 px at 0.4) survive shrinking; thin slivers of a disc
    // mostly covered by others may vanish under the area rule, so they are not counted.
    cv::Mat cores;
    cv::erode(mask, cores, cv::Mat::ones(9, 9, CV_8UC1));
    cv::Mat core_parts = mask_labels.clone();
    core_parts.setTo(0, cores == 0);
    std::vector<int> ids(core_parts.begin<int>(), core_parts.end<int>());
    std::sort(ids.begin(), ids.end());
    const int thick = static_cast<int>(std::unique(ids.begin(), ids.end()) - ids.begin()) - 1;
    for (const double scale : {0.5, 0.4}) {
      const cv::Mat plain = area_rule(mask, scale);
      const cv::Mat shrunk = scale_mask(mask, scale);
      merged_by_area_rule += objects - components(plain);
      EXPECT_GE(components(shrunk), thick) << "trial " << trial << " scale " << scale;
      // Only pixels of the area rule's mask, and only next to what is kept, are cleared.
      EXPECT_EQ(cv::countNonZero(shrunk & ~plain), 0);
      cv::Mat grown;
      cv::dilate(shrunk, grown, cv::Mat::ones(3, 3, CV_8UC1));
      EXPECT_EQ(cv::countNonZero(plain & ~shrunk & ~grown), 0) << "a cleared pixel away from any object";
      // Each shrunk object, mapped back to full size, lies on one source object (all but a few
      // pixels at its edge): none joins two.
      cv::Mat shrunk_labels;
      const int count = cv::connectedComponents(shrunk, shrunk_labels, 8, CV_32S);
      cv::Mat back;
      cv::resize(shrunk_labels, back, mask.size(), 0, 0, cv::INTER_NEAREST);
      std::vector<std::vector<int>> overlap(static_cast<std::size_t>(count),
                                            std::vector<int>(static_cast<std::size_t>(objects + 1), 0));
      for (int row = 0; row < mask.rows; ++row) {
        for (int col = 0; col < mask.cols; ++col) {
          const int to = back.at<int>(row, col), from = mask_labels.at<int>(row, col);
          if (to > 0 && from > 0) ++overlap[static_cast<std::size_t>(to)][static_cast<std::size_t>(from)];
        }
      }
      for (int i = 1; i < count; ++i) {
        const auto& row = overlap[static_cast<std::size_t>(i)];
        const int total = std::accumulate(row.begin(), row.end(), 0);
        const int most = *std::max_element(row.begin(), row.end());
        EXPECT_GE(most, 0.9 * total) << "trial " << trial << " scale " << scale << " object " << i;
      }
    }
  }
  EXPECT_GT(merged_by_area_rule, 10);  // the area rule alone does merge: the case is exercised
}

}  // namespace
}  // namespace segoid::io
