// SPDX-License-Identifier: MIT
// Tests for building training pairs in memory: mask binarization, foreground index, errors.
#include "segoid/data/training_images.hpp"

#include <gtest/gtest.h>

#include "segoid/core/error.hpp"

namespace segoid::data {
namespace {

TEST(TrainingImagesTest, MaskIsBinarizedAndForegroundIndexed) {
  cv::Mat mask = cv::Mat::zeros(4, 6, CV_16UC1);
  mask.at<std::uint16_t>(1, 2) = 65535;
  mask.at<std::uint16_t>(3, 5) = 7;
  const TrainingImage result = make_training_image("x", cv::Mat(4, 6, CV_32FC1, 0.25f), mask);
  EXPECT_EQ(result.mask.type(), CV_8UC1);
  double lo = 0, hi = 0;
  cv::minMaxLoc(result.mask, &lo, &hi);
  EXPECT_EQ(lo, 0.0);
  EXPECT_EQ(hi, 1.0);
  ASSERT_EQ(result.foreground.size(), 2u);
  EXPECT_EQ(result.foreground[0], cv::Point(2, 1));  // x = col, y = row
  EXPECT_EQ(result.foreground[1], cv::Point(5, 3));
}

TEST(TrainingImagesTest, EmptyMaskHasNoForeground) {
  const TrainingImage result =
      make_training_image("empty", cv::Mat(3, 3, CV_32FC1, 0.0f), cv::Mat::zeros(3, 3, CV_8UC1));
  EXPECT_TRUE(result.foreground.empty());
}

TEST(TrainingImagesTest, SizeMismatchNamesTheImage) {
  try {
    make_training_image("plate3_A01", cv::Mat(4, 6, CV_32FC1, 0.0f), cv::Mat::zeros(4, 5, CV_8UC1));
    FAIL() << "expected DataError";
  } catch (const DataError& error) {
    const std::string message = error.what();
    EXPECT_NE(message.find("plate3_A01"), std::string::npos) << message;
    EXPECT_NE(message.find("5x4"), std::string::npos) << message;
  }
  EXPECT_THROW(
      make_training_image("u8", cv::Mat::zeros(2, 2, CV_8UC1), cv::Mat::zeros(2, 2, CV_8UC1)),
      DataError);
}

}  // namespace
}  // namespace segoid::data
