// SPDX-License-Identifier: MIT
// Tests for pixel metrics against hand-computed values.
#include "segoid/data/mask_metrics.hpp"

#include <gtest/gtest.h>

#include "segoid/core/error.hpp"

namespace segoid::data {
namespace {

TEST(MaskMetricsTest, HandComputedOverlap) {
  // Prediction: 4 pixels; truth: 6 pixels; 3 shared. TP 3, FP 1, FN 3.
  cv::Mat pred(4, 4, CV_8UC1, cv::Scalar(0));
  cv::Mat truth(4, 4, CV_8UC1, cv::Scalar(0));
  pred(cv::Rect(0, 0, 2, 2)).setTo(255);
  truth(cv::Rect(1, 0, 2, 3)).setTo(1);  // any non-zero value is foreground
  pred.at<unsigned char>(1, 0) = 0;
  pred.at<unsigned char>(2, 1) = 255;
  const PixelMetrics m = pixel_metrics(pred, truth);
  EXPECT_EQ(m.pred_pixels, 4);
  EXPECT_EQ(m.true_pixels, 6);
  EXPECT_EQ(m.true_positive, 3);
  EXPECT_DOUBLE_EQ(m.dice, 6.0 / 10.0);
  EXPECT_DOUBLE_EQ(m.iou, 3.0 / 7.0);
  EXPECT_DOUBLE_EQ(m.precision, 3.0 / 4.0);
  EXPECT_DOUBLE_EQ(m.recall, 3.0 / 6.0);
}

TEST(MaskMetricsTest, EmptyMasks) {
  const cv::Mat empty(3, 3, CV_8UC1, cv::Scalar(0));
  cv::Mat one = empty.clone();
  one.at<unsigned char>(1, 1) = 255;
  const PixelMetrics both = pixel_metrics(empty, empty);
  EXPECT_EQ(both.dice, 1.0);
  EXPECT_EQ(both.precision, 1.0);
  const PixelMetrics missed = pixel_metrics(empty, one);
  EXPECT_EQ(missed.dice, 0.0);
  EXPECT_EQ(missed.precision, 0.0);
  EXPECT_EQ(missed.recall, 0.0);
}

TEST(MaskMetricsTest, RejectsSizeMismatch) {
  try {
    pixel_metrics(cv::Mat(3, 3, CV_8UC1, cv::Scalar(0)), cv::Mat(3, 4, CV_8UC1, cv::Scalar(0)));
    FAIL() << "expected DataError";
  } catch (const DataError& e) {
    EXPECT_NE(std::string(e.what()).find("4x3"), std::string::npos);
  }
}

}  // namespace
}  // namespace segoid::data
