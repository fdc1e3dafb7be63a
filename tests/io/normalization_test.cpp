// SPDX-License-Identifier: MIT
// Intensity normalization: type ranges, and percentiles against a naive sort and numpy.
#include "segoid/io/normalization.hpp"

#include <gtest/gtest.h>

#include <algorithm>
#include <cmath>
#include <sstream>

#include "segoid/core/error.hpp"
#include "segoid/io/image_io.hpp"
#include "test_support.hpp"
#include "tiff_fixtures.hpp"

namespace segoid::io {
namespace {

/// Naive reference: full sort, numpy "linear" interpolation.
double naive_percentile(const cv::Mat& pixels, double percent) {
  std::vector<double> values;
  cv::Mat flat;
  pixels.convertTo(flat, CV_64F);
  values.assign(flat.begin<double>(), flat.end<double>());
  std::sort(values.begin(), values.end());
  const double position = percent / 100.0 * static_cast<double>(values.size() - 1);
  const auto lower = static_cast<std::size_t>(std::floor(position));
  const std::size_t upper = std::min(lower + 1, values.size() - 1);
  return values[lower] + (position - static_cast<double>(lower)) * (values[upper] - values[lower]);
}

TEST(NormalizationTest, RangeDividesByTypeMaximum) {
  cv::Mat u8 = (cv::Mat_<std::uint8_t>(1, 3) << 0, 51, 255);
  cv::Mat u16 = (cv::Mat_<std::uint16_t>(1, 3) << 0, 13107, 65535);
  cv::Mat f32 = (cv::Mat_<float>(1, 4) << -0.5F, 0.25F, 1.5F, NAN);
  const cv::Mat a = normalize_intensity(u8, Normalization::kRange);
  const cv::Mat b = normalize_intensity(u16, Normalization::kRange);
  const cv::Mat c = normalize_intensity(f32, Normalization::kRange);
  ASSERT_EQ(a.type(), CV_32FC1);
  EXPECT_FLOAT_EQ(a.at<float>(1), 0.2F);
  EXPECT_FLOAT_EQ(a.at<float>(2), 1.0F);
  EXPECT_FLOAT_EQ(b.at<float>(1), 0.2F);
  EXPECT_FLOAT_EQ(b.at<float>(2), 1.0F);
  EXPECT_FLOAT_EQ(c.at<float>(0), 0.0F);
  EXPECT_FLOAT_EQ(c.at<float>(1), 0.25F);
  EXPECT_FLOAT_EQ(c.at<float>(2), 1.0F);
  EXPECT_FLOAT_EQ(c.at<float>(3), 0.0F);
}

TEST(NormalizationTest, PercentilesMatchNaiveSort) {
  for (int depth : {CV_8U, CV_16U, CV_32F}) {
    const cv::Mat pixels = test::pattern_image(37, 41, 1, depth, /*seed=*/depth + 3);
    for (double p : {0.0, 1.0, 12.5, 50.0, 99.8, 100.0}) {
      const auto [low, high] = intensity_percentiles(pixels, p, p);
      EXPECT_NEAR(low, naive_percentile(pixels, p), 1e-9 * (1 + std::abs(low))) << depth << " p" << p;
      EXPECT_EQ(low, high);
    }
  }
}

TEST(NormalizationTest, PercentileScalingMatchesNumpy) {
  if (!test::python_has("numpy")) GTEST_SKIP() << "/usr/bin/python3 with numpy missing";
  test::TempDir dir;
  // 12-bit data in a 16-bit image, like many microscope cameras write.
  cv::Mat pixels = test::pattern_image(50, 60, 1, CV_16U, /*seed=*/11);
  pixels.forEach<std::uint16_t>([](std::uint16_t& v, const int*) { v = static_cast<std::uint16_t>(v >> 4); });
  write_gray_tiff(dir / "img.tif", pixels);
  std::string output;
  ASSERT_EQ(test::run_command("/usr/bin/python3 -c \"import numpy as np, tifffile; a = tifffile.imread('" +
                                  (dir / "img.tif").string() +
                                  "').astype(np.float64); print(repr(np.percentile(a, 1.0)), "
                                  "repr(np.percentile(a, 99.8)))\"",
                              &output),
            0)
      << output;
  std::istringstream in(output);
  double numpy_low = 0, numpy_high = 0;
  in >> numpy_low >> numpy_high;
  const auto [low, high] = intensity_percentiles(pixels, kPercentileLow, kPercentileHigh);
  EXPECT_DOUBLE_EQ(low, numpy_low);
  EXPECT_DOUBLE_EQ(high, numpy_high);
  const cv::Mat scaled = normalize_intensity(pixels, Normalization::kPercentile);
  double min_value = 0, max_value = 0;
  cv::minMaxLoc(scaled, &min_value, &max_value);
  EXPECT_EQ(min_value, 0.0);
  EXPECT_EQ(max_value, 1.0);
  const double v = pixels.at<std::uint16_t>(10, 10);
  const double expected = std::clamp((v - numpy_low) / (numpy_high - numpy_low), 0.0, 1.0);
  EXPECT_NEAR(scaled.at<float>(10, 10), expected, 1e-6);
}

TEST(NormalizationTest, ConstantImageGivesZeros) {
  const cv::Mat flat(8, 8, CV_16UC1, cv::Scalar(1234));
  EXPECT_EQ(cv::countNonZero(normalize_intensity(flat, Normalization::kPercentile)), 0);
}

TEST(NormalizationTest, ParsesNames) {
  EXPECT_EQ(parse_normalization("range"), Normalization::kRange);
  EXPECT_EQ(parse_normalization(to_string(Normalization::kPercentile)), Normalization::kPercentile);
  EXPECT_THROW(parse_normalization("zscore"), ConfigError);
}

}  // namespace
}  // namespace segoid::io
