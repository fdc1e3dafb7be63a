// SPDX-License-Identifier: MIT
// TIFF reading: every type, layout and compression, files from tifffile, and broken files.
#include <gtest/gtest.h>

#include <fstream>
#include <sstream>

#include "segoid/core/atomic_file.hpp"
#include "segoid/core/error.hpp"
#include "segoid/io/image_io.hpp"
#include "test_support.hpp"
#include "tiff_fixtures.hpp"

namespace segoid::io {
namespace {
namespace fs = std::filesystem;
using test::TempDir;

/// BT.601 luma computed in double from the stored RGB samples: the reference for colour files.
cv::Mat reference_gray(const cv::Mat& samples) {
  cv::Mat out(samples.size(), CV_64FC1);
  std::vector<cv::Mat> planes;
  cv::split(samples, planes);
  cv::Mat r, g, b;
  planes[0].convertTo(r, CV_64F);
  planes[1].convertTo(g, CV_64F);
  planes[2].convertTo(b, CV_64F);
  out = 0.299 * r + 0.587 * g + 0.114 * b;
  return out;
}

double max_abs_diff(const cv::Mat& a, const cv::Mat& b) {
  cv::Mat a64, b64;
  a.convertTo(a64, CV_64F);
  b.convertTo(b64, CV_64F);
  return cv::norm(a64, b64, cv::NORM_INF);
}

/// Writes one layout with libtiff and checks read_image against the samples (exact for gray,
/// BT.601 luma rounded to the depth for colour).
void check_layout(int depth, int channels, std::uint16_t compression, bool planar, bool tiled) {
  SCOPED_TRACE(::testing::Message() << "depth " << depth << ", channels " << channels << ", compression "
                                    << compression << (planar ? ", planar" : ", chunky")
                                    << (tiled ? ", tiles" : ", strips"));
  TempDir dir;
  const fs::path path = dir / "fixture.tif";
  // 37 x 23 is not a multiple of the 16 x 16 tiles or the 5-row strips: edges are exercised.
  const cv::Mat samples = test::pattern_image(23, 37, channels, depth);
  test::TiffFixtureOptions options;
  options.compression = compression;
  options.planar = planar;
  options.tiled = tiled;
  if (compression == COMPRESSION_ADOBE_DEFLATE || compression == COMPRESSION_LZW) {
    options.predictor = depth == CV_32F ? PREDICTOR_FLOATINGPOINT : PREDICTOR_HORIZONTAL;
  }
  test::write_tiff_fixture(path, samples, options);

  const Image image = read_image(path);
  ASSERT_EQ(image.pixels.rows, 23);
  ASSERT_EQ(image.pixels.cols, 37);
  ASSERT_EQ(image.pixels.type(), CV_MAKETYPE(depth, 1));
  EXPECT_EQ(image.meta.channels, channels);
  EXPECT_EQ(image.meta.bits_per_sample, depth == CV_8U ? 8 : depth == CV_16U ? 16 : 32);
  EXPECT_EQ(image.meta.is_float, depth == CV_32F);
  EXPECT_EQ(image.meta.pages, 1);
  if (channels == 1) {
    EXPECT_EQ(max_abs_diff(image.pixels, samples), 0.0);
  } else {
    // Integer results are the luma rounded to the nearest level: half a level off at most, plus
    // the float32 arithmetic's rounding (about 0.004 near 65535).
    const double tolerance = depth == CV_32F ? 1e-5 : depth == CV_16U ? 0.51 : 0.501;
    EXPECT_LE(max_abs_diff(image.pixels, reference_gray(samples)), tolerance);
  }
}

// Every depth x channels x compression x planar x tiled (planar one-channel files are the same
// bytes as chunky). One test per depth rather than one per case: each test is a process under
// CTest, and a process start costs about a second here.
void check_all_layouts(int depth) {
  for (int channels : {1, 3, 4}) {
    for (std::uint16_t compression :
         {COMPRESSION_NONE, COMPRESSION_LZW, COMPRESSION_ADOBE_DEFLATE, COMPRESSION_PACKBITS}) {
      for (bool planar : {false, true}) {
        for (bool tiled : {false, true}) {
          if (!(planar && channels == 1)) check_layout(depth, channels, compression, planar, tiled);
        }
      }
    }
  }
}

TEST(TiffReaderTest, EveryLayout8Bit) { check_all_layouts(CV_8U); }
TEST(TiffReaderTest, EveryLayout16Bit) { check_all_layouts(CV_16U); }
TEST(TiffReaderTest, EveryLayoutFloat32) { check_all_layouts(CV_32F); }

TEST(TiffReaderTest, BigTiffAndBigEndian) {
  TempDir dir;
  const cv::Mat samples = test::pattern_image(40, 30, 1, CV_16U);
  for (const char* mode : {"w8", "wb", "w8b"}) {
    test::TiffFixtureOptions options;
    options.mode = mode;
    options.compression = COMPRESSION_LZW;
    test::write_tiff_fixture(dir / "big.tif", samples, options);
    EXPECT_EQ(max_abs_diff(read_image(dir / "big.tif").pixels, samples), 0.0) << mode;
  }
}

TEST(TiffReaderTest, MultiPageGivesFirstPage) {
  TempDir dir;
  const cv::Mat samples = test::pattern_image(12, 9, 1, CV_8U);
  test::TiffFixtureOptions options;
  options.pages = 3;
  test::write_tiff_fixture(dir / "stack.tif", samples, options);
  const Image image = read_image(dir / "stack.tif");
  EXPECT_EQ(image.meta.pages, 3);
  EXPECT_EQ(max_abs_diff(image.pixels, samples), 0.0);
  EXPECT_EQ(read_image_meta(dir / "stack.tif").pages, 3);
}

TEST(TiffReaderTest, BilevelMaskBecomesZeroAnd255) {
  TempDir dir;
  const fs::path path = dir / "bilevel.tif";
  TIFF* tif = TIFFOpen(path.c_str(), "w");
  ASSERT_NE(tif, nullptr);
  const std::uint32_t width = 11, height = 3;
  TIFFSetField(tif, TIFFTAG_IMAGEWIDTH, width);
  TIFFSetField(tif, TIFFTAG_IMAGELENGTH, height);
  TIFFSetField(tif, TIFFTAG_BITSPERSAMPLE, 1);
  TIFFSetField(tif, TIFFTAG_SAMPLESPERPIXEL, 1);
  TIFFSetField(tif, TIFFTAG_PHOTOMETRIC, PHOTOMETRIC_MINISBLACK);
  TIFFSetField(tif, TIFFTAG_COMPRESSION, COMPRESSION_PACKBITS);
  TIFFSetField(tif, TIFFTAG_ROWSPERSTRIP, height);
  // Row r has bit c set when (c + r) % 3 == 0; 11 bits pack into 2 bytes per row.
  std::vector<std::uint8_t> packed(2 * height, 0);
  for (std::uint32_t r = 0; r < height; ++r) {
    for (std::uint32_t c = 0; c < width; ++c) {
      if ((c + r) % 3 == 0) packed[r * 2 + c / 8] |= static_cast<std::uint8_t>(0x80 >> (c % 8));
    }
  }
  ASSERT_GE(TIFFWriteEncodedStrip(tif, 0, packed.data(), static_cast<tmsize_t>(packed.size())), 0);
  TIFFClose(tif);
  const Image image = read_image(path);
  ASSERT_EQ(image.pixels.type(), CV_8UC1);
  EXPECT_EQ(image.meta.bits_per_sample, 1);
  for (int r = 0; r < static_cast<int>(height); ++r) {
    for (int c = 0; c < static_cast<int>(width); ++c) {
      EXPECT_EQ(image.pixels.at<std::uint8_t>(r, c), (c + r) % 3 == 0 ? 255 : 0) << r << "," << c;
    }
  }
}

TEST(TiffReaderTest, JpegCompressedYCbCr) {
  TempDir dir;
  const fs::path path = dir / "jpeg.tif";
  // A smooth RGB gradient, so JPEG's loss stays within a few levels.
  cv::Mat rgb(32, 48, CV_8UC3);
  for (int r = 0; r < rgb.rows; ++r) {
    for (int c = 0; c < rgb.cols; ++c) rgb.at<cv::Vec3b>(r, c) = cv::Vec3b(40 + 4 * c, 60 + 3 * r, 120);
  }
  TIFF* tif = TIFFOpen(path.c_str(), "w");
  ASSERT_NE(tif, nullptr);
  TIFFSetField(tif, TIFFTAG_IMAGEWIDTH, rgb.cols);
  TIFFSetField(tif, TIFFTAG_IMAGELENGTH, rgb.rows);
  TIFFSetField(tif, TIFFTAG_SAMPLESPERPIXEL, 3);
  TIFFSetField(tif, TIFFTAG_BITSPERSAMPLE, 8);
  TIFFSetField(tif, TIFFTAG_PLANARCONFIG, PLANARCONFIG_CONTIG);
  TIFFSetField(tif, TIFFTAG_COMPRESSION, COMPRESSION_JPEG);
  TIFFSetField(tif, TIFFTAG_PHOTOMETRIC, PHOTOMETRIC_YCBCR);
  TIFFSetField(tif, TIFFTAG_JPEGCOLORMODE, JPEGCOLORMODE_RGB);
  TIFFSetField(tif, TIFFTAG_JPEGQUALITY, 95);
  TIFFSetField(tif, TIFFTAG_ROWSPERSTRIP, 16);
  for (int row = 0; row < rgb.rows; row += 16) {
    ASSERT_GE(TIFFWriteEncodedStrip(tif, TIFFComputeStrip(tif, row, 0), rgb.ptr(row), 16 * rgb.cols * 3), 0);
  }
  TIFFClose(tif);
  const Image image = read_image(path);
  ASSERT_EQ(image.pixels.type(), CV_8UC1);
  EXPECT_LE(max_abs_diff(image.pixels, reference_gray(rgb)), 4.0);
}

TEST(TiffReaderTest, CmykGoesThroughRgba) {
  TempDir dir;
  const fs::path path = dir / "cmyk.tif";
  // Column 0: no ink (white); column 1: full black ink; column 2: half cyan.
  const std::uint8_t row[] = {0, 0, 0, 0, 0, 0, 0, 255, 128, 0, 0, 0};
  TIFF* tif = TIFFOpen(path.c_str(), "w");
  ASSERT_NE(tif, nullptr);
  TIFFSetField(tif, TIFFTAG_IMAGEWIDTH, 3);
  TIFFSetField(tif, TIFFTAG_IMAGELENGTH, 1);
  TIFFSetField(tif, TIFFTAG_SAMPLESPERPIXEL, 4);
  TIFFSetField(tif, TIFFTAG_BITSPERSAMPLE, 8);
  TIFFSetField(tif, TIFFTAG_PHOTOMETRIC, PHOTOMETRIC_SEPARATED);
  TIFFSetField(tif, TIFFTAG_INKSET, INKSET_CMYK);
  TIFFSetField(tif, TIFFTAG_ROWSPERSTRIP, 1);
  TIFFWriteEncodedStrip(tif, 0, const_cast<std::uint8_t*>(row), sizeof(row));
  TIFFClose(tif);
  const Image image = read_image(path);
  EXPECT_EQ(image.pixels.at<std::uint8_t>(0, 0), 255);
  EXPECT_EQ(image.pixels.at<std::uint8_t>(0, 1), 0);
  // Half cyan: R = 127, G = B = 255 -> luma 0.299 * 127 + 0.701 * 255.
  EXPECT_NEAR(image.pixels.at<std::uint8_t>(0, 2), 0.299 * 127 + 0.701 * 255, 1.0);
}

TEST(TiffReaderTest, PathWithSpacesAndNonAscii) {
  TempDir dir;
  const fs::path path = dir / "Spheroid Übersicht – 1µm.tif";
  const cv::Mat samples = test::pattern_image(8, 8, 1, CV_16U);
  test::write_tiff_fixture(path, samples);
  EXPECT_EQ(max_abs_diff(read_image(path).pixels, samples), 0.0);
}

/// Writes an 8-bit 4 x 4 TIFF with the given resolution tags.
void write_with_resolution(const fs::path& path, float xres, std::uint16_t unit, const char* description) {
  TIFF* tif = TIFFOpen(path.c_str(), "w");
  ASSERT_NE(tif, nullptr);
  TIFFSetField(tif, TIFFTAG_IMAGEWIDTH, 4);
  TIFFSetField(tif, TIFFTAG_IMAGELENGTH, 4);
  TIFFSetField(tif, TIFFTAG_BITSPERSAMPLE, 8);
  TIFFSetField(tif, TIFFTAG_PHOTOMETRIC, PHOTOMETRIC_MINISBLACK);
  TIFFSetField(tif, TIFFTAG_ROWSPERSTRIP, 4);
  TIFFSetField(tif, TIFFTAG_XRESOLUTION, xres);
  TIFFSetField(tif, TIFFTAG_YRESOLUTION, xres);
  TIFFSetField(tif, TIFFTAG_RESOLUTIONUNIT, unit);
  if (description != nullptr) TIFFSetField(tif, TIFFTAG_IMAGEDESCRIPTION, description);
  std::vector<std::uint8_t> pixels(16, 7);
  TIFFWriteEncodedStrip(tif, 0, pixels.data(), 16);
  TIFFClose(tif);
}

TEST(TiffReaderTest, PixelSizeFromResolutionTags) {
  TempDir dir;
  write_with_resolution(dir / "cm.tif", 5000.0F, RESUNIT_CENTIMETER, nullptr);  // 5000 px/cm = 2 µm
  EXPECT_DOUBLE_EQ(read_image_meta(dir / "cm.tif").pixel_size_um, 2.0);
  write_with_resolution(dir / "imagej.tif", 1.5384616F, RESUNIT_NONE, "ImageJ=1.53t\nunit=micron\n");
  EXPECT_NEAR(read_image_meta(dir / "imagej.tif").pixel_size_um, 0.65, 1e-6);
  write_with_resolution(dir / "imagej_mu.tif", 2.0F, RESUNIT_NONE, "ImageJ=1.53t\nunit=\\u00B5m\n");
  EXPECT_DOUBLE_EQ(read_image_meta(dir / "imagej_mu.tif").pixel_size_um, 0.5);
  write_with_resolution(dir / "imagej_mm.tif", 500.0F, RESUNIT_NONE, "ImageJ=1.53t\nunit=mm\n");
  EXPECT_DOUBLE_EQ(read_image_meta(dir / "imagej_mm.tif").pixel_size_um, 2.0);
  write_with_resolution(dir / "screen.tif", 72.0F, RESUNIT_INCH, nullptr);  // no physical meaning
  EXPECT_EQ(read_image_meta(dir / "screen.tif").pixel_size_um, 0.0);
  write_with_resolution(dir / "pixels.tif", 3.0F, RESUNIT_NONE, "ImageJ=1.53t\nunit=pixel\n");
  EXPECT_EQ(read_image_meta(dir / "pixels.tif").pixel_size_um, 0.0);
}

/// Expects read_image to throw an IoError whose message names the file and contains `fragment`.
void expect_read_error(const fs::path& path, const std::string& fragment) {
  try {
    read_image(path);
    FAIL() << "no error for " << path;
  } catch (const IoError& e) {
    const std::string message = e.what();
    EXPECT_NE(message.find(path.string()), std::string::npos) << message;
    EXPECT_NE(message.find(fragment), std::string::npos) << message;
  }
}

void write_bytes(const fs::path& path, const std::string& bytes) {
  std::ofstream out(path, std::ios::binary);
  out << bytes;
}

TEST(TiffReaderTest, TruncatedFileIsAnError) {
  TempDir dir;
  const fs::path path = dir / "whole.tif";
  const cv::Mat samples = test::pattern_image(200, 200, 1, CV_16U);
  test::TiffFixtureOptions options;
  options.compression = COMPRESSION_LZW;
  options.rows_per_strip = 16;
  test::write_tiff_fixture(path, samples, options);
  const std::string bytes = core::read_file(path);
  // libtiff writes the IFD after the pixels, so a cut loses the directory; a file whose pixel
  // data are overwritten keeps it and must fail while decoding. (tifffile_reader_test cuts a file
  // with the IFD first.)
  write_bytes(dir / "cut.tif", bytes.substr(0, bytes.size() / 2));
  expect_read_error(dir / "cut.tif", "cannot read");
  write_bytes(dir / "middle-zeroed.tif", bytes.substr(0, 8) + std::string(bytes.size() / 2 - 8, '\0') +
                                             bytes.substr(bytes.size() / 2));
  expect_read_error(dir / "middle-zeroed.tif", "corrupt");
}

TEST(TiffReaderTest, GarbageEmptyAndMissingFilesAreErrors) {
  TempDir dir;
  write_bytes(dir / "garbage.tif", "II*\0this is not really a tiff file at all, just some bytes");
  expect_read_error(dir / "garbage.tif", "cannot read");
  write_bytes(dir / "noise.png", std::string(300, '\x5a'));
  expect_read_error(dir / "noise.png", "not a readable image");
  write_bytes(dir / "empty.tif", "");
  expect_read_error(dir / "empty.tif", "empty file");
  expect_read_error(dir / "missing.tif", "no such file");
  EXPECT_THROW(read_image_meta(dir / "missing.tif"), IoError);
}

TEST(TiffReaderTest, ZeroWidthIsAnError) {
  TempDir dir;
  test::write_tiff_fixture(dir / "ok.tif", test::pattern_image(4, 4, 1, CV_8U));
  std::string bytes = core::read_file(dir / "ok.tif");
  // Patch the ImageWidth entry (tag 256) of the little-endian classic IFD to 0.
  auto u16 = [&](std::size_t at) { return static_cast<unsigned>(static_cast<unsigned char>(bytes[at])) |
                                          static_cast<unsigned>(static_cast<unsigned char>(bytes[at + 1])) << 8; };
  const std::size_t ifd = u16(4) | static_cast<std::size_t>(u16(6)) << 16;
  bool patched = false;
  for (unsigned entry = 0; entry < u16(ifd); ++entry) {
    const std::size_t at = ifd + 2 + 12 * entry;
    if (u16(at) == TIFFTAG_IMAGEWIDTH) {
      std::fill(bytes.begin() + static_cast<std::ptrdiff_t>(at + 8), bytes.begin() + static_cast<std::ptrdiff_t>(at + 12), '\0');
      patched = true;
    }
  }
  ASSERT_TRUE(patched);
  write_bytes(dir / "zero width.tif", bytes);
  expect_read_error(dir / "zero width.tif", "cannot read");
  EXPECT_THROW(read_image_meta(dir / "zero width.tif"), IoError);
}

TEST(TiffReaderTest, UnsupportedSampleTypeIsNamed) {
  TempDir dir;
  const fs::path path = dir / "signed.tif";
  const cv::Mat samples(4, 4, CV_16SC1, cv::Scalar(-3));
  TIFF* tif = TIFFOpen(path.c_str(), "w");
  ASSERT_NE(tif, nullptr);
  TIFFSetField(tif, TIFFTAG_IMAGEWIDTH, 4);
  TIFFSetField(tif, TIFFTAG_IMAGELENGTH, 4);
  TIFFSetField(tif, TIFFTAG_BITSPERSAMPLE, 16);
  TIFFSetField(tif, TIFFTAG_SAMPLEFORMAT, SAMPLEFORMAT_INT);
  TIFFSetField(tif, TIFFTAG_PHOTOMETRIC, PHOTOMETRIC_MINISBLACK);
  TIFFSetField(tif, TIFFTAG_ROWSPERSTRIP, 4);
  TIFFWriteEncodedStrip(tif, 0, const_cast<std::uint8_t*>(samples.data), 32);
  TIFFClose(tif);
  expect_read_error(path, "16-bit signed integer samples");
}

}  // namespace
}  // namespace segoid::io
