// SPDX-License-Identifier: MIT
// Tests for the labels-to-mask rule that keeps touching objects apart.
#include "segoid/data/label_mask.hpp"

#include <gtest/gtest.h>
#include <opencv2/imgproc.hpp>

namespace segoid::data {
namespace {

int objects_8_connected(const cv::Mat& mask) {
  cv::Mat labels;
  return cv::connectedComponents(mask, labels, 8) - 1;
}

TEST(SeparatedMaskTest, TouchingObjectsBecomeSeparateComponents) {
  // Two squares sharing an edge, and a third meeting the second at one corner only.
  cv::Mat labels = cv::Mat::zeros(30, 40, CV_32SC1);
  labels(cv::Rect(2, 2, 10, 10)).setTo(1);
  labels(cv::Rect(12, 2, 10, 10)).setTo(2);
  labels(cv::Rect(22, 12, 10, 10)).setTo(3);
  const cv::Mat mask = separated_mask(labels);
  ASSERT_EQ(objects_8_connected(labels > 0), 1);
  EXPECT_EQ(objects_8_connected(mask), 3);
  // Only pixels next to another object go: one column on each side of the shared edge and the
  // two corner pixels.
  EXPECT_EQ(cv::countNonZero(mask), 300 - 10 - 10 - 1 - 1);
  EXPECT_EQ(mask.at<unsigned char>(5, 5), 255);
  EXPECT_EQ(mask.at<unsigned char>(5, 11), 0);
  EXPECT_EQ(mask.at<unsigned char>(5, 12), 0);
}

TEST(SeparatedMaskTest, ALoneObjectIsDrawnWholeAndNegativeLabelsAreBackground) {
  cv::Mat labels = cv::Mat::zeros(20, 20, CV_32SC1);
  cv::circle(labels, {10, 10}, 7, cv::Scalar(4), cv::FILLED);
  labels(cv::Rect(0, 0, 20, 1)).setTo(-1);  // cv::watershed's line value
  labels.at<int>(3, 10) = -1;
  const cv::Mat mask = separated_mask(labels);
  EXPECT_EQ(cv::countNonZero(mask), cv::countNonZero(labels > 0));
  EXPECT_EQ(cv::countNonZero(mask != ((labels > 0) & 255)), 0);
  EXPECT_THROW(separated_mask(cv::Mat::zeros(4, 4, CV_8UC1)), std::exception);
}

}  // namespace
}  // namespace segoid::data
