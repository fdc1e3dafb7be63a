// SPDX-License-Identifier: MIT
// Tests for mask post-processing against naive flood-fill references kept here.
#include "segoid/infer/postprocess.hpp"

#include <gtest/gtest.h>
#include <opencv2/imgproc.hpp>

#include <cmath>
#include <vector>

#include "segoid/core/rng.hpp"

namespace segoid::infer {
namespace {

/// Random blobby mask: noise smoothed and thresholded, so it has objects, holes and specks.
cv::Mat random_mask(int rows, int cols, std::uint64_t seed, double density) {
  core::Rng rng(seed);
  cv::Mat mask(rows, cols, CV_8UC1);
  for (int row = 0; row < rows; ++row) {
    for (int col = 0; col < cols; ++col) mask.at<unsigned char>(row, col) = rng.bernoulli(density) ? 255 : 0;
  }
  return mask;
}

/// Breadth-first labelling with 4 or 8 neighbours of pixels whose value equals `value`.
std::vector<std::vector<cv::Point>> naive_components(const cv::Mat& mask, bool value, int connectivity) {
  cv::Mat seen(mask.size(), CV_8UC1, cv::Scalar(0));
  std::vector<std::vector<cv::Point>> components;
  for (int row = 0; row < mask.rows; ++row) {
    for (int col = 0; col < mask.cols; ++col) {
      if ((mask.at<unsigned char>(row, col) != 0) != value || seen.at<unsigned char>(row, col)) continue;
      std::vector<cv::Point> comp{{col, row}};
      seen.at<unsigned char>(row, col) = 1;
      for (std::size_t i = 0; i < comp.size(); ++i) {
        for (int dy = -1; dy <= 1; ++dy) {
          for (int dx = -1; dx <= 1; ++dx) {
            if ((dx == 0 && dy == 0) || (connectivity == 4 && dx != 0 && dy != 0)) continue;
            const cv::Point q(comp[i].x + dx, comp[i].y + dy);
            if (q.x < 0 || q.y < 0 || q.x >= mask.cols || q.y >= mask.rows) continue;
            if ((mask.at<unsigned char>(q) != 0) != value || seen.at<unsigned char>(q)) continue;
            seen.at<unsigned char>(q) = 1;
            comp.push_back(q);
          }
        }
      }
      components.push_back(comp);
    }
  }
  return components;
}

cv::Mat naive_fill_holes(const cv::Mat& mask) {
  cv::Mat out = mask.clone();
  for (const auto& comp : naive_components(mask, false, 4)) {
    bool touches_border = false;
    for (const auto& p : comp) {
      touches_border |= p.x == 0 || p.y == 0 || p.x == mask.cols - 1 || p.y == mask.rows - 1;
    }
    if (!touches_border) {
      for (const auto& p : comp) out.at<unsigned char>(p) = 255;
    }
  }
  return out;
}

cv::Mat naive_remove_small(const cv::Mat& mask, int min_area) {
  cv::Mat out = mask.clone();
  for (const auto& comp : naive_components(mask, true, 8)) {
    if (static_cast<int>(comp.size()) < min_area) {
      for (const auto& p : comp) out.at<unsigned char>(p) = 0;
    }
  }
  return out;
}

bool same(const cv::Mat& a, const cv::Mat& b) { return cv::countNonZero(a != b) == 0; }

TEST(PostprocessTest, FillHolesMatchesFloodFillReference) {
  for (std::uint64_t seed = 0; seed < 20; ++seed) {
    const cv::Mat mask = random_mask(23 + static_cast<int>(seed), 31, seed, 0.55 + 0.02 * (seed % 5));
    const cv::Mat filled = fill_holes(mask);
    EXPECT_TRUE(same(filled, naive_fill_holes(mask))) << "seed " << seed;
    EXPECT_GE(cv::countNonZero(filled), cv::countNonZero(mask));
  }
}

TEST(PostprocessTest, FillHolesUsesFourConnectedBackground) {
  // A ring of 8-connected diagonal steps: background inside touches the outside only diagonally,
  // so with 4-connected background (scipy's default) it is a hole and gets filled.
  cv::Mat mask(5, 5, CV_8UC1, cv::Scalar(0));
  for (cv::Point p : {cv::Point(2, 1), cv::Point(1, 2), cv::Point(3, 2), cv::Point(2, 3)}) mask.at<unsigned char>(p) = 255;
  EXPECT_EQ(fill_holes(mask).at<unsigned char>(2, 2), 255);
  EXPECT_EQ(cv::countNonZero(fill_holes(mask)), 5);
}

TEST(PostprocessTest, RemoveSmallObjectsMatchesReference) {
  for (std::uint64_t seed = 0; seed < 20; ++seed) {
    const cv::Mat mask = random_mask(40, 37, 100 + seed, 0.3 + 0.03 * (seed % 5));
    for (int min_area : {2, 5, 12}) {
      EXPECT_TRUE(same(remove_small_objects(mask, min_area), naive_remove_small(mask, min_area)))
          << "seed " << seed << " min_area " << min_area;
    }
  }
}

TEST(PostprocessTest, ThresholdIsStrictlyGreater) {
  cv::Mat prob = (cv::Mat_<float>(1, 3) << 0.49f, 0.5f, 0.51f);
  const cv::Mat mask = threshold_probability(prob, 0.5);
  EXPECT_EQ(mask.at<unsigned char>(0, 0), 0);
  EXPECT_EQ(mask.at<unsigned char>(0, 1), 0);
  EXPECT_EQ(mask.at<unsigned char>(0, 2), 255);
}

TEST(PostprocessTest, SmoothingRemovesSpecksAndKeepsDiscs) {
  cv::Mat mask(100, 100, CV_8UC1, cv::Scalar(0));
  cv::circle(mask, cv::Point(50, 50), 25, cv::Scalar(255), cv::FILLED);
  mask.at<unsigned char>(5, 5) = 255;           // isolated speck
  cv::line(mask, {75, 50}, {95, 50}, cv::Scalar(255), 1);  // one-pixel whisker
  const int disc_area = cv::countNonZero(mask(cv::Rect(20, 20, 61, 61)));
  const cv::Mat smooth = smooth_mask(mask, 2);
  EXPECT_EQ(smooth.at<unsigned char>(5, 5), 0);
  EXPECT_EQ(smooth.at<unsigned char>(50, 90), 0);
  EXPECT_NEAR(cv::countNonZero(smooth), disc_area, 0.02 * disc_area);
}

TEST(PostprocessTest, ChainFillsHolesBeforeMeasuringObjects) {
  // A ring of 40 pixels enclosing a 9-pixel hole: after filling it has 49 pixels and survives
  // min_object_area 45, which the bare ring would not.
  cv::Mat prob(20, 20, CV_32FC1, cv::Scalar(0));
  prob(cv::Rect(5, 5, 7, 7)).setTo(0.9);
  prob(cv::Rect(7, 7, 3, 3)).setTo(0.1);
  prob.at<float>(0, 19) = 0.8f;  // speck
  PostprocessOptions options;
  options.min_object_area = 45;
  const cv::Mat mask = postprocess(prob, options);
  EXPECT_EQ(cv::countNonZero(mask), 49);
  EXPECT_EQ(mask.at<unsigned char>(8, 8), 255);
  options.fill_holes = false;
  EXPECT_EQ(cv::countNonZero(postprocess(prob, options)), 0);  // the bare 40-pixel ring is too small
}

}  // namespace
}  // namespace segoid::infer
