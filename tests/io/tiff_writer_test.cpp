// SPDX-License-Identifier: MIT
// TIFF writing: lossless round trips, the tags other tools rely on, and atomic replacement.
#include <gtest/gtest.h>

#include <cmath>
#include <limits>

#include <opencv2/imgproc.hpp>

#include "segoid/core/error.hpp"
#include "segoid/io/image_io.hpp"
#include "test_support.hpp"
#include "tiff_fixtures.hpp"

namespace segoid::io {
namespace {
namespace fs = std::filesystem;
using test::TempDir;

struct Tags {
  std::uint16_t compression = 0, predictor = 0, bits = 0, format = 0;
};

Tags read_tags(const fs::path& path) {
  Tags tags;
  TIFF* tif = TIFFOpen(path.c_str(), "r");
  EXPECT_NE(tif, nullptr);
  if (tif == nullptr) return tags;
  TIFFGetFieldDefaulted(tif, TIFFTAG_COMPRESSION, &tags.compression);
  TIFFGetFieldDefaulted(tif, TIFFTAG_PREDICTOR, &tags.predictor);
  TIFFGetFieldDefaulted(tif, TIFFTAG_BITSPERSAMPLE, &tags.bits);
  TIFFGetFieldDefaulted(tif, TIFFTAG_SAMPLEFORMAT, &tags.format);
  TIFFClose(tif);
  return tags;
}

bool no_temp_files(const fs::path& dir) {
  for (const auto& entry : fs::directory_iterator(dir)) {
    if (entry.path().string().find(".tmp.") != std::string::npos) return false;
  }
  return true;
}

TEST(TiffWriterTest, MaskIsZeroOr255Lzw) {
  TempDir dir;
  cv::Mat mask = cv::Mat::zeros(300, 301, CV_8UC1);  // several strips
  cv::circle(mask, {150, 150}, 60, cv::Scalar(1), cv::FILLED);
  mask.at<std::uint8_t>(0, 0) = 7;
  write_mask_tiff(dir / "m.tif", mask);
  const Image image = read_image(dir / "m.tif");
  cv::Mat expected;
  cv::compare(mask, 0, expected, cv::CMP_NE);
  EXPECT_EQ(cv::norm(image.pixels, expected, cv::NORM_INF), 0.0);
  const Tags tags = read_tags(dir / "m.tif");
  EXPECT_EQ(tags.compression, COMPRESSION_LZW);
  EXPECT_EQ(tags.bits, 8);
  EXPECT_TRUE(no_temp_files(dir.path()));
}

TEST(TiffWriterTest, FloatIsBitExactWithFloatPredictor) {
  TempDir dir;
  cv::Mat values = test::pattern_image(257, 129, 1, CV_32F);
  values.at<float>(3, 4) = std::numeric_limits<float>::quiet_NaN();
  values.at<float>(5, 6) = std::numeric_limits<float>::denorm_min();
  values.at<float>(7, 8) = -0.0F;
  write_float_tiff(dir / "p.tif", values);
  const Image image = read_image(dir / "p.tif");
  ASSERT_EQ(image.pixels.type(), CV_32FC1);
  // Compare bit patterns so NaN and -0 count too.
  EXPECT_EQ(std::memcmp(image.pixels.data, values.data, values.total() * sizeof(float)), 0);
  const Tags tags = read_tags(dir / "p.tif");
  EXPECT_EQ(tags.compression, COMPRESSION_ADOBE_DEFLATE);
  EXPECT_EQ(tags.predictor, PREDICTOR_FLOATINGPOINT);
  EXPECT_EQ(tags.format, SAMPLEFORMAT_IEEEFP);
}

TEST(TiffWriterTest, GrayRoundTrips8And16Bit) {
  TempDir dir;
  for (int depth : {CV_8U, CV_16U}) {
    const cv::Mat values = test::pattern_image(64, 77, 1, depth);
    write_gray_tiff(dir / "g.tif", values);  // second pass replaces the first
    const Image image = read_image(dir / "g.tif");
    ASSERT_EQ(image.pixels.type(), values.type());
    EXPECT_EQ(cv::norm(image.pixels, values, cv::NORM_INF), 0.0);
    EXPECT_EQ(read_tags(dir / "g.tif").compression, COMPRESSION_ADOBE_DEFLATE);
  }
  EXPECT_TRUE(no_temp_files(dir.path()));
}

TEST(TiffWriterTest, CreatesFoldersAndHandlesOddNames) {
  TempDir dir;
  const fs::path path = dir / "new folder" / "maske ä 1.tif";
  write_mask_tiff(path, cv::Mat::ones(5, 5, CV_8UC1));
  EXPECT_EQ(cv::countNonZero(read_image(path).pixels), 25);
}

TEST(TiffWriterTest, UnwritableTargetIsIoError) {
  TempDir dir;
  fs::create_directories(dir / "occupied.tif");  // a folder where the file should go
  EXPECT_THROW(write_gray_tiff(dir / "occupied.tif", cv::Mat::zeros(4, 4, CV_8UC1)), IoError);
  EXPECT_THROW(write_float_tiff(dir / "x.tif", cv::Mat::zeros(4, 4, CV_8UC1)), Error);
}

}  // namespace
}  // namespace segoid::io
