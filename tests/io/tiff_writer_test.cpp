// SPDX-License-Identifier: MIT
// TIFF writing: lossless round trips, the tags other tools rely on, and atomic replacement.
#include <gtest/gtest.h>

#include <cmath>
#include <limits>
#include <sstream>

#include <opencv2/imgproc.hpp>

#include "segoid/core/atomic_file.hpp"
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

TEST(TiffWriterTest, MaskIsZeroOr255Deflate) {
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
  EXPECT_EQ(tags.compression, COMPRESSION_ADOBE_DEFLATE);  // tifffile without imagecodecs reads it
  EXPECT_EQ(tags.predictor, PREDICTOR_NONE);
  EXPECT_EQ(tags.bits, 8);
  EXPECT_TRUE(no_temp_files(dir.path()));
}

TEST(TiffWriterTest, FloatIsBitExactDeflateWithoutPredictor) {
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
  EXPECT_EQ(tags.predictor, PREDICTOR_NONE);  // the float predictor needs imagecodecs in tifffile
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

TEST(TiffWriterTest, PixelSizeIsWrittenAsImageJWritesIt) {
  TempDir dir;
  cv::Mat mask = cv::Mat::zeros(40, 50, CV_8UC1);
  mask(cv::Rect(10, 10, 20, 15)).setTo(255);
  write_mask_tiff(dir / "m.tif", mask, /*pixel_size_um=*/0.65);
  cv::Mat prob(40, 50, CV_32FC1, cv::Scalar(0.25F));
  write_float_tiff(dir / "p.tif", prob, /*pixel_size_um=*/0.65);
  write_mask_tiff(dir / "plain.tif", mask);
  for (const char* name : {"m.tif", "p.tif"}) {
    EXPECT_NEAR(read_image(dir / name).meta.pixel_size_um, 0.65, 1e-6) << name;
    TIFF* tif = TIFFOpen((dir / name).c_str(), "r");
    ASSERT_NE(tif, nullptr);
    float xres = 0, yres = 0;
    std::uint16_t unit = 0;
    char* description = nullptr;
    EXPECT_EQ(TIFFGetField(tif, TIFFTAG_XRESOLUTION, &xres), 1);
    EXPECT_EQ(TIFFGetField(tif, TIFFTAG_YRESOLUTION, &yres), 1);
    TIFFGetFieldDefaulted(tif, TIFFTAG_RESOLUTIONUNIT, &unit);
    EXPECT_EQ(TIFFGetField(tif, TIFFTAG_IMAGEDESCRIPTION, &description), 1);
    EXPECT_NEAR(xres, 1 / 0.65, 1e-4);
    EXPECT_NEAR(yres, 1 / 0.65, 1e-4);
    EXPECT_EQ(unit, RESUNIT_NONE);
    EXPECT_NE(std::string(description ? description : "").find("unit=micron"), std::string::npos);
    TIFFClose(tif);
  }
  EXPECT_EQ(read_image(dir / "plain.tif").meta.pixel_size_um, 0.0);
}

// A tifffile without imagecodecs (Debian's python3-tifffile) decodes masks and probability maps
// and sees ImageJ's calibration, as Fiji does.
TEST(TiffWriterTest, TifffileWithoutImagecodecsReadsMasksAndMaps) {
  if (!test::python_has("tifffile numpy")) GTEST_SKIP() << "/usr/bin/python3 with tifffile needed";
  TempDir dir;
  cv::Mat mask = cv::Mat::zeros(300, 301, CV_8UC1);
  cv::circle(mask, {150, 150}, 60, cv::Scalar(255), cv::FILLED);
  cv::Mat prob = test::pattern_image(257, 129, 1, CV_32F);
  write_mask_tiff(dir / "m.tif", mask, 0.5);
  write_float_tiff(dir / "p.tif", prob, 0.5);
  cv::Mat mask_sum, prob_sum;
  const std::string script =
      "import sys, tifffile, numpy as np\n"
      "for f in sys.argv[1:]:\n"
      "    with tifffile.TiffFile(f) as t:\n"
      "        a = t.pages[0].asarray(); ij = t.imagej_metadata or {}\n"
      "        x = t.pages[0].tags['XResolution'].value\n"
      "        print(a.dtype, a.shape[0], a.shape[1], repr(float(a.astype(np.float64).sum())), ij.get('unit'),\n"
      "              x[1] / x[0])\n";
  core::write_file_atomic(dir / "read.py", script);
  std::string output;
  ASSERT_EQ(test::run_command("/usr/bin/python3 " + (dir / "read.py").string() + " " + (dir / "m.tif").string() + " " +
                                  (dir / "p.tif").string() + " 2>&1",
                              &output),
            0)
      << output;
  std::istringstream in(output);
  std::string dtype, unit;
  int rows = 0, cols = 0;
  double sum = 0, pixel_size = 0;
  ASSERT_TRUE(in >> dtype >> rows >> cols >> sum >> unit >> pixel_size) << output;
  EXPECT_EQ(dtype, "uint8");
  EXPECT_EQ(rows, 300);
  EXPECT_EQ(cols, 301);
  EXPECT_EQ(sum, cv::sum(mask)[0]);
  EXPECT_EQ(unit, "micron");
  EXPECT_NEAR(pixel_size, 0.5, 1e-6);
  ASSERT_TRUE(in >> dtype >> rows >> cols >> sum >> unit >> pixel_size) << output;
  EXPECT_EQ(dtype, "float32");
  EXPECT_EQ(rows, 257);
  cv::Mat as_double;
  prob.convertTo(as_double, CV_64F);
  EXPECT_NEAR(sum, cv::sum(as_double)[0], 1e-6 * std::abs(cv::sum(as_double)[0]) + 1e-9);
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
