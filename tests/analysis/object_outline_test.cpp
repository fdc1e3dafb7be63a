// SPDX-License-Identifier: MIT
// Pixel-edge outlines: hand-checked shapes, and filled by ImageJ's rule they give back every
// object of random masks (holes filled), also through a RoiSet.zip on disk.
#include "segoid/analysis/object_outline.hpp"

#include <gtest/gtest.h>
#include <opencv2/imgproc.hpp>

#include "segoid/core/rng.hpp"
#include "test_support.hpp"

namespace segoid::analysis {
namespace {

// The object `label` with its holes filled (what a polygon outline can describe).
cv::Mat filled_object(const LabeledMask& labeled, int label) {
  cv::Mat object = labeled.labels == label;
  cv::Mat padded;
  cv::copyMakeBorder(object, padded, 1, 1, 1, 1, cv::BORDER_CONSTANT, cv::Scalar(0));
  cv::Mat outside = padded.clone();
  cv::floodFill(outside, cv::Point(0, 0), cv::Scalar(128), nullptr, cv::Scalar(), cv::Scalar(), /*4-connected=*/4);
  return (outside(cv::Rect(1, 1, object.cols, object.rows)) != 128);
}

cv::Mat random_mask(core::Rng& rng, cv::Size size) {
  cv::Mat noise(size, CV_32FC1);
  for (int y = 0; y < size.height; ++y) {
    for (int x = 0; x < size.width; ++x) noise.at<float>(y, x) = static_cast<float>(rng.uniform());
  }
  cv::GaussianBlur(noise, noise, cv::Size(), 1.5);
  return noise > 0.52;
}

TEST(ObjectOutlineTest, SquareAndDiagonalPairByHand) {
  cv::Mat mask = cv::Mat::zeros(8, 8, CV_8UC1);
  mask(cv::Rect(2, 1, 3, 2)).setTo(255);  // cols 2..4, rows 1..2
  LabeledMask labeled = label_objects(mask);
  EXPECT_EQ(object_outline(labeled, 1, {2, 1}),
            (std::vector<cv::Point>{{2, 1}, {5, 1}, {5, 3}, {2, 3}}));  // clockwise on screen
  // Two pixels touching at a corner are one 8-connected object: one outline through the corner.
  mask.setTo(0);
  mask.at<uchar>(1, 1) = mask.at<uchar>(2, 2) = 255;
  labeled = label_objects(mask);
  ASSERT_EQ(labeled.count, 1);
  EXPECT_EQ(object_outline(labeled, 1, {1, 1}),
            (std::vector<cv::Point>{{1, 1}, {2, 1}, {2, 2}, {3, 2}, {3, 3}, {2, 3}, {2, 2}, {1, 2}}));
}

TEST(ObjectOutlineTest, FilledOutlinesGiveBackRandomObjects) {
  core::Rng rng(20261207);
  int objects = 0;
  for (int trial = 0; trial < 6; ++trial) {
    const LabeledMask labeled = label_objects(random_mask(rng, cv::Size(90, 70)));
    const std::vector<io::ImageJRoi> rois = object_rois(labeled);
    ASSERT_EQ(static_cast<int>(rois.size()), labeled.count);
    for (int label = 1; label <= labeled.count; ++label) {
      const io::ImageJRoi& roi = rois[label - 1];
      EXPECT_EQ(roi.name, std::to_string(label));
      cv::Mat filled = cv::Mat::zeros(labeled.labels.size(), CV_8UC1);
      io::fill_imagej_roi(roi, filled);
      const cv::Mat expected = filled_object(labeled, label);
      ASSERT_EQ(cv::countNonZero(filled != expected), 0) << "trial " << trial << " object " << label;
      ++objects;
    }
  }
  EXPECT_GT(objects, 30);
}

TEST(ObjectOutlineTest, RoiSetOnDiskRoundTrips) {
  core::Rng rng(11);
  const LabeledMask labeled = label_objects(random_mask(rng, cv::Size(64, 64)));
  test::TempDir dir;
  write_object_roiset(dir / "img_RoiSet.zip", labeled);
  const std::vector<io::ImageJRoi> rois = io::read_roiset(dir / "img_RoiSet.zip");
  ASSERT_EQ(static_cast<int>(rois.size()), labeled.count);
  cv::Mat all = cv::Mat::zeros(labeled.labels.size(), CV_8UC1), expected = all.clone();
  for (const auto& roi : rois) io::fill_imagej_roi(roi, all);
  for (int label = 1; label <= labeled.count; ++label) expected |= filled_object(labeled, label);
  EXPECT_EQ(cv::countNonZero(all != expected), 0);
}

}  // namespace
}  // namespace segoid::analysis
