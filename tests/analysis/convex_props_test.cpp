// SPDX-License-Identifier: MIT
// Solidity, convexity, Feret diameters and volumes: analytic shapes and scikit-image fixtures.
#include <gtest/gtest.h>
#include <opencv2/imgcodecs.hpp>
#include <opencv2/imgproc.hpp>

#include <cmath>
#include <fstream>
#include <map>
#include <sstream>

#include "segoid/analysis/region_props.hpp"
#include "test_support.hpp"

namespace segoid::analysis {
namespace {

constexpr double kPi = 3.14159265358979323846;

cv::Mat blank(int rows, int cols) { return cv::Mat(rows, cols, CV_8UC1, cv::Scalar(0)); }

// A w x h rectangle is convex: its hull image is itself. scikit-image's Feret points are the
// border edge midpoints, so the widest pair is two opposite corners' midpoints.
TEST(ConvexPropsTest, RectangleHandComputed) {
  cv::Mat mask = blank(40, 60);
  mask(cv::Rect(/*x=*/10, /*y=*/12, /*width=*/31, /*height=*/5)).setTo(255);
  const RegionProps p = measure_objects(mask).at(0);
  EXPECT_DOUBLE_EQ(p.solidity, 1.0);
  EXPECT_DOUBLE_EQ(p.convexity, 1.0);
  EXPECT_NEAR(p.feret_diameter_max, std::max(std::hypot(31.0, 4.0), std::hypot(30.0, 5.0)), 1e-12);
  EXPECT_NEAR(p.feret_diameter_min, 5.0, 1e-12);
}

TEST(ConvexPropsTest, SinglePixelIsADiamond) {
  cv::Mat mask = blank(5, 5);
  mask.at<uchar>(2, 2) = 255;
  const RegionProps p = measure_objects(mask).at(0);
  EXPECT_DOUBLE_EQ(p.solidity, 1.0);
  EXPECT_DOUBLE_EQ(p.feret_diameter_max, 1.0);            // scikit-image 0.19: 1 for one pixel
  EXPECT_NEAR(p.feret_diameter_min, std::sqrt(0.5), 1e-12);  // the diamond's width across an edge
  EXPECT_TRUE(std::isnan(p.convexity));                     // perimeter 0
}

// An L made of two bars: its hull adds the triangle between the bars' ends.
TEST(ConvexPropsTest, LShapeIsNotConvex) {
  cv::Mat mask = blank(50, 50);
  mask(cv::Rect(5, 5, 4, 40)).setTo(255);
  mask(cv::Rect(5, 41, 40, 4)).setTo(255);
  const RegionProps p = measure_objects(mask).at(0);
  EXPECT_LT(p.solidity, 0.5);
  EXPECT_GT(p.solidity, 0.25);
  EXPECT_LT(p.convexity, 0.9);
  EXPECT_NEAR(p.feret_diameter_max, std::hypot(39.0, 40.0), 1e-9);  // bottom-left to top-right midpoints
}

TEST(ConvexPropsTest, DiscFeretMatchesItsDiameter) {
  constexpr int kRadius = 50;
  cv::Mat mask = blank(140, 140);
  cv::circle(mask, {70, 70}, kRadius, cv::Scalar(255), cv::FILLED);
  const RegionProps p = measure_objects(mask).at(0);
  // The pixel edges span 2R + 1 px across the disc; a digital disc is a polygon, narrower
  // between some of its flats (99.7 px here).
  EXPECT_NEAR(p.feret_diameter_max, 2 * kRadius + 1, 1.0);
  EXPECT_NEAR(p.feret_diameter_min, 2 * kRadius + 1, 2.0);
  EXPECT_LE(p.feret_diameter_min, p.feret_diameter_max);
  EXPECT_GT(p.solidity, 0.98);
  EXPECT_NEAR(p.convexity, 1.0, 0.02);
  // Volumes: a sphere of the equivalent diameter; a prolate ellipsoid of equal axes is that sphere.
  EXPECT_NEAR(p.volume_sphere, kPi / 6 * std::pow(p.equivalent_diameter, 3), 1e-6 * p.volume_sphere);
  EXPECT_NEAR(p.volume_ellipsoid, p.volume_sphere, 0.02 * p.volume_sphere);
}

TEST(ConvexPropsTest, EllipsoidVolumeUsesTheAxes) {
  cv::Mat mask = blank(120, 200);
  cv::ellipse(mask, {100, 60}, {80, 30}, /*angle=*/0, 0, 360, cv::Scalar(255), cv::FILLED);
  const RegionProps p = measure_objects(mask).at(0);
  const double expected = kPi / 6 * p.major_axis_length * p.minor_axis_length * p.minor_axis_length;
  EXPECT_NEAR(p.volume_ellipsoid, expected, 1e-9 * expected);
  // OpenCV fills the ellipse's boundary pixels too: semi-axes of about 80.5 and 30.5 px.
  EXPECT_NEAR(p.volume_ellipsoid, 4.0 / 3 * kPi * 80.5 * 30.5 * 30.5, 0.01 * p.volume_ellipsoid);
}

// Every object of the regionprops fixtures agrees with scikit-image 0.19 (expected_convex.csv,
// written by tests/analysis/make_regionprops_fixtures.py).
TEST(ConvexPropsTest, MatchesScikitImageFixtures) {
  const auto dir = test::source_dir() / "tests" / "fixtures" / "regionprops";
  std::ifstream in(dir / "expected_convex.csv");
  ASSERT_TRUE(in) << "missing fixtures; run tests/analysis/make_regionprops_fixtures.py";
  std::string line;
  std::getline(in, line);
  ASSERT_EQ(line, "mask,label,solidity,feret_diameter_max,convexity,area_convex");
  std::map<std::string, std::vector<RegionProps>> measured;
  int objects = 0;
  while (std::getline(in, line)) {
    std::vector<std::string> cells;
    std::stringstream ss(line);
    for (std::string cell; std::getline(ss, cell, ',');) cells.push_back(cell);
    ASSERT_EQ(cells.size(), 6u);
    if (!measured.count(cells[0])) {
      const cv::Mat mask = cv::imread((dir / (cells[0] + ".png")).string(), cv::IMREAD_GRAYSCALE);
      ASSERT_FALSE(mask.empty()) << cells[0];
      measured[cells[0]] = measure_objects(mask);
    }
    const RegionProps& p = measured[cells[0]].at(std::stoi(cells[1]) - 1);
    const std::string where = cells[0] + " label " + cells[1];
    // The convex area is a pixel count: exact. The rest within 1e-9 relative.
    EXPECT_NEAR(p.area / p.solidity, std::stod(cells[5]), 1e-6) << where;
    EXPECT_NEAR(p.solidity, std::stod(cells[2]), 1e-9 * std::stod(cells[2])) << where;
    EXPECT_NEAR(p.feret_diameter_max, std::stod(cells[3]), 1e-9 * std::stod(cells[3])) << where;
    const double convexity = std::stod(cells[4]);
    if (std::isnan(convexity)) {
      EXPECT_TRUE(std::isnan(p.convexity)) << where;
    } else {
      EXPECT_NEAR(p.convexity, convexity, 1e-9 * convexity) << where;
    }
    EXPECT_LE(p.feret_diameter_min, p.feret_diameter_max + 1e-12) << where;
    ++objects;
  }
  EXPECT_GT(objects, 70);
}

}  // namespace
}  // namespace segoid::analysis
