// SPDX-License-Identifier: MIT
// Tests for training pairs: mask binarization, foreground index, loading from disk, errors.
#include "segoid/data/training_images.hpp"

#include <gtest/gtest.h>
#include <opencv2/imgproc.hpp>

#include "segoid/core/error.hpp"
#include "segoid/io/image_io.hpp"
#include "test_support.hpp"

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

cv::Mat ramp16(int rows, int cols) {
  cv::Mat image(rows, cols, CV_16UC1);
  for (int row = 0; row < rows; ++row)
    for (int col = 0; col < cols; ++col)
      image.at<std::uint16_t>(row, col) = static_cast<std::uint16_t>(row * 1000 + col * 7);
  return image;
}

TEST(TrainingImagesTest, ReadsNormalizesAndBinarizes) {
  test::TempDir dir;
  const cv::Mat pixels = ramp16(12, 20);
  cv::Mat mask = cv::Mat::zeros(12, 20, CV_8UC1);
  mask(cv::Rect(3, 2, 5, 4)).setTo(255);
  io::write_gray_tiff(dir / "well_A01.tif", pixels);
  io::write_mask_tiff(dir / "well_A01_mask.tif", mask);
  const auto images = load_training_images({dir / "well_A01.tif"}, {dir / "well_A01_mask.tif"},
                                           io::Normalization::kRange);
  ASSERT_EQ(images.size(), 1u);
  const TrainingImage& loaded = images[0];
  EXPECT_EQ(loaded.basename, "well_A01");
  cv::Mat expected;
  pixels.convertTo(expected, CV_32F, 1.0 / 65535.0);
  EXPECT_LE(cv::norm(loaded.image, expected, cv::NORM_INF), 1e-7);
  EXPECT_EQ(cv::countNonZero(loaded.mask), 20);
  EXPECT_EQ(loaded.foreground.size(), 20u);
  EXPECT_EQ(loaded.foreground.front(), cv::Point(3, 2));
  double lo = 0, hi = 0;
  cv::minMaxLoc(loaded.mask, &lo, &hi);
  EXPECT_EQ(hi, 1.0);
}

TEST(TrainingImagesTest, SizeMismatchNamesBothFiles) {
  test::TempDir dir;
  io::write_gray_tiff(dir / "img.tif", ramp16(12, 20));
  io::write_mask_tiff(dir / "msk.tif", cv::Mat::zeros(12, 21, CV_8UC1));
  try {
    load_training_images({dir / "img.tif"}, {dir / "msk.tif"}, io::Normalization::kPercentile);
    FAIL() << "expected DataError";
  } catch (const DataError& error) {
    const std::string message = error.what();
    EXPECT_NE(message.find("img.tif"), std::string::npos) << message;
    EXPECT_NE(message.find("msk.tif"), std::string::npos) << message;
    EXPECT_NE(message.find("20x12"), std::string::npos) << message;
    EXPECT_NE(message.find("21x12"), std::string::npos) << message;
  }
}

TEST(TrainingImagesTest, ImageScaleResizesImageAndMaskTogether) {
  // model.image_scale 0.5: each 2x2 block of the image becomes its mean, and of the mask an object
  // pixel where at least 2 of its 4 pixels are object.
  test::TempDir dir;
  cv::Mat pixels(30, 40, CV_8UC1);
  cv::randu(pixels, 0, 256);
  cv::Mat mask = cv::Mat::zeros(30, 40, CV_8UC1);
  cv::circle(mask, {17, 13}, 9, cv::Scalar(255), cv::FILLED);
  io::write_gray_tiff(dir / "img.tif", pixels);
  io::write_gray_tiff(dir / "img_mask.tif", mask);
  const auto images = load_training_images({dir / "img.tif"}, {dir / "img_mask.tif"}, io::Normalization::kRange, 0.5);
  ASSERT_EQ(images.size(), 1u);
  const TrainingImage& loaded = images[0];
  ASSERT_EQ(loaded.image.size(), cv::Size(20, 15));
  ASSERT_EQ(loaded.mask.size(), cv::Size(20, 15));
  int object_pixels = 0;
  int differing_blocks = 0;
  for (int row = 0; row < 15; ++row) {
    for (int col = 0; col < 20; ++col) {
      double sum = 0.0;
      int inside = 0;
      for (int dy = 0; dy < 2; ++dy) {
        for (int dx = 0; dx < 2; ++dx) {
          sum += pixels.at<unsigned char>(2 * row + dy, 2 * col + dx) / 255.0;
          inside += mask.at<unsigned char>(2 * row + dy, 2 * col + dx) != 0;
        }
      }
      EXPECT_NEAR(loaded.image.at<float>(row, col), sum / 4.0, 1e-5) << row << "," << col;
      EXPECT_EQ(loaded.mask.at<unsigned char>(row, col), inside >= 2 ? 1 : 0) << row << "," << col;
      object_pixels += inside >= 2;
      differing_blocks += inside > 0 && inside < 4;
    }
  }
  EXPECT_GT(differing_blocks, 0);  // the edge of the disc is split between blocks: the rule is tested
  EXPECT_EQ(loaded.foreground.size(), static_cast<std::size_t>(object_pixels));
}

TEST(TrainingImagesTest, CountMismatchAndMissingFileAreErrors) {
  test::TempDir dir;
  io::write_gray_tiff(dir / "img.tif", ramp16(4, 4));
  EXPECT_THROW(load_training_images({dir / "img.tif"}, {}, io::Normalization::kRange), DataError);
  try {
    load_training_images({dir / "img.tif"}, {dir / "missing_mask.tif"}, io::Normalization::kRange);
    FAIL() << "expected IoError";
  } catch (const IoError& error) {
    EXPECT_NE(std::string(error.what()).find("missing_mask.tif"), std::string::npos)
        << error.what();
  }
}

}  // namespace
}  // namespace segoid::data
