// SPDX-License-Identifier: MIT
// Region properties against hand-computed shapes and against scikit-image fixtures.
#include "segoid/analysis/region_props.hpp"

#include <gtest/gtest.h>
#include <opencv2/imgcodecs.hpp>
#include <opencv2/imgproc.hpp>

#include <cmath>
#include <fstream>
#include <map>
#include <sstream>

#include "segoid/core/rng.hpp"
#include "test_support.hpp"

namespace segoid::analysis {
namespace {

constexpr double kPi = 3.14159265358979323846;

cv::Mat blank(int rows, int cols) { return cv::Mat(rows, cols, CV_8UC1, cv::Scalar(0)); }

TEST(RegionPropsTest, FilledSquareHandComputed) {
  cv::Mat mask = blank(30, 40);
  mask(cv::Rect(/*x=*/7, /*y=*/5, 10, 10)).setTo(255);
  const auto props = measure_objects(mask);
  ASSERT_EQ(props.size(), 1u);
  const RegionProps& p = props[0];
  EXPECT_EQ(p.label, 1);
  EXPECT_DOUBLE_EQ(p.area, 100);
  EXPECT_EQ(p.bbox_min_row, 5);
  EXPECT_EQ(p.bbox_min_col, 7);
  EXPECT_EQ(p.bbox_max_row, 15);
  EXPECT_EQ(p.bbox_max_col, 17);
  EXPECT_DOUBLE_EQ(p.centroid_x, 7 + 4.5);
  EXPECT_DOUBLE_EQ(p.centroid_y, 5 + 4.5);
  // Every one of the 4(n-1) border pixels of a square counts 1 in the 4-neighbourhood perimeter.
  EXPECT_DOUBLE_EQ(p.perimeter, 36);
  // Variance of 0..n-1 is (n^2 - 1) / 12 along both axes; axis length is 4 sqrt(variance).
  EXPECT_NEAR(p.major_axis_length, 4 * std::sqrt(99.0 / 12), 1e-12);
  EXPECT_NEAR(p.minor_axis_length, 4 * std::sqrt(99.0 / 12), 1e-12);
  EXPECT_NEAR(p.eccentricity, 0, 1e-9);
  EXPECT_NEAR(p.equivalent_diameter, std::sqrt(400 / kPi), 1e-12);
  EXPECT_NEAR(p.circularity, 4 * kPi * 100 / (36.0 * 36.0), 1e-12);
}

TEST(RegionPropsTest, RectangleAxesFollowItsSides) {
  cv::Mat mask = blank(40, 60);
  mask(cv::Rect(/*x=*/10, /*y=*/12, /*width=*/31, /*height=*/5)).setTo(1);
  const RegionProps p = measure_objects(mask).at(0);
  EXPECT_NEAR(p.major_axis_length, 4 * std::sqrt((31.0 * 31 - 1) / 12), 1e-9);
  EXPECT_NEAR(p.minor_axis_length, 4 * std::sqrt((5.0 * 5 - 1) / 12), 1e-9);
  EXPECT_NEAR(p.eccentricity, std::sqrt(1 - 24.0 / 960.0), 1e-12);
}

TEST(RegionPropsTest, DiscMatchesAnalyticAreaAndPerimeter) {
  constexpr int kRadius = 40;
  cv::Mat mask = blank(120, 120);
  cv::circle(mask, {60, 60}, kRadius, cv::Scalar(255), cv::FILLED);
  const RegionProps p = measure_objects(mask).at(0);
  EXPECT_NEAR(p.area, kPi * kRadius * kRadius, 0.01 * kPi * kRadius * kRadius);
  // The 4-neighbourhood weighted perimeter overestimates a digital circle by about 5%
  // (scikit-image gives 1.054-1.059 x 2 pi R for R = 40..80), so a disc reads circularity ~0.91.
  EXPECT_GT(p.perimeter, 1.02 * 2 * kPi * kRadius);
  EXPECT_LT(p.perimeter, 1.08 * 2 * kPi * kRadius);
  EXPECT_NEAR(p.equivalent_diameter, 2 * kRadius, 0.01 * 2 * kRadius);
  EXPECT_GT(p.circularity, 0.86);
  EXPECT_LT(p.circularity, 0.96);
  EXPECT_NEAR(p.eccentricity, 0.0, 0.05);
  EXPECT_NEAR(p.centroid_x, 60, 1e-9);
  EXPECT_NEAR(p.centroid_y, 60, 1e-9);
}

TEST(RegionPropsTest, LabelsFollowRasterOrderOfFirstPixel) {
  cv::Mat mask = blank(20, 20);
  mask(cv::Rect(/*x=*/15, /*y=*/2, 3, 3)).setTo(255);   // first pixel (2, 15)
  mask(cv::Rect(/*x=*/1, /*y=*/1, 2, 12)).setTo(255);   // first pixel (1, 1): label 1
  mask(cv::Rect(/*x=*/5, /*y=*/10, 4, 4)).setTo(255);   // first pixel (10, 5)
  mask(cv::Rect(/*x=*/9, /*y=*/14, 2, 2)).setTo(255);   // touches the previous one diagonally
  const LabeledMask labeled = label_objects(mask);
  ASSERT_EQ(labeled.count, 3);
  EXPECT_EQ(labeled.labels.at<int>(1, 1), 1);
  EXPECT_EQ(labeled.labels.at<int>(2, 15), 2);
  EXPECT_EQ(labeled.labels.at<int>(10, 5), 3);
  EXPECT_EQ(labeled.labels.at<int>(15, 10), 3);  // 8-connected to the 4x4 square
  const auto props = region_props(labeled);
  EXPECT_DOUBLE_EQ(props[2].area, 16 + 4);
}

TEST(RegionPropsTest, TinyObjectsHaveUndefinedCircularity) {
  cv::Mat mask = blank(5, 9);
  mask.at<std::uint8_t>(2, 1) = 255;
  mask.at<std::uint8_t>(2, 4) = 255;
  mask.at<std::uint8_t>(2, 5) = 255;
  const auto props = measure_objects(mask);
  ASSERT_EQ(props.size(), 2u);
  EXPECT_DOUBLE_EQ(props[0].perimeter, 0);
  EXPECT_TRUE(std::isnan(props[0].circularity));
  EXPECT_DOUBLE_EQ(props[0].major_axis_length, 0);
  EXPECT_DOUBLE_EQ(props[0].eccentricity, 0);
  EXPECT_TRUE(std::isnan(props[1].circularity));
  EXPECT_DOUBLE_EQ(props[1].eccentricity, 1);
}

TEST(RegionPropsTest, RemoveSmallObjectsKeepsMinimumAreaAndOrder) {
  cv::Mat mask = blank(20, 20);
  mask(cv::Rect(0, 0, 3, 3)).setTo(255);    // 9 px
  mask(cv::Rect(10, 0, 2, 4)).setTo(255);   // 8 px: removed
  mask(cv::Rect(0, 10, 5, 2)).setTo(255);   // 10 px
  const LabeledMask kept = remove_small_objects(label_objects(mask), /*min_area=*/9);
  ASSERT_EQ(kept.count, 2);
  EXPECT_EQ(kept.labels.at<int>(0, 0), 1);
  EXPECT_EQ(kept.labels.at<int>(0, 10), 0);
  EXPECT_EQ(kept.labels.at<int>(10, 0), 2);
}

TEST(RegionPropsTest, EmptyMaskHasNoObjects) {
  EXPECT_TRUE(measure_objects(blank(8, 8)).empty());
}

// Every column of every object agrees with scikit-image 0.19 within 1e-6 relative.
TEST(RegionPropsTest, MatchesScikitImageFixtures) {
  const auto dir = test::source_dir() / "tests" / "fixtures" / "regionprops";
  std::ifstream in(dir / "expected.csv");
  ASSERT_TRUE(in) << "missing fixtures; run tests/analysis/make_regionprops_fixtures.py";
  std::string line;
  std::getline(in, line);
  std::vector<std::string> header;
  {
    std::stringstream ss(line);
    for (std::string cell; std::getline(ss, cell, ',');) header.push_back(cell);
  }
  std::map<std::string, std::vector<RegionProps>> measured;
  std::map<std::string, double> max_rel_error;
  int objects = 0;
  while (std::getline(in, line)) {
    std::vector<std::string> cells;
    std::stringstream ss(line);
    for (std::string cell; std::getline(ss, cell, ',');) cells.push_back(cell);
    ASSERT_EQ(cells.size(), header.size());
    const std::string& name = cells[0];
    if (!measured.count(name)) {
      const cv::Mat mask = cv::imread((dir / (name + ".png")).string(), cv::IMREAD_GRAYSCALE);
      ASSERT_FALSE(mask.empty()) << name;
      measured[name] = measure_objects(mask);
    }
    const int label = std::stoi(cells[1]);
    ASSERT_LE(label, static_cast<int>(measured[name].size())) << name;
    const RegionProps& p = measured[name][label - 1];
    const std::map<std::string, double> ours = {
        {"area", p.area}, {"perimeter", p.perimeter}, {"equivalent_diameter", p.equivalent_diameter},
        {"major_axis_length", p.major_axis_length}, {"minor_axis_length", p.minor_axis_length},
        {"eccentricity", p.eccentricity}, {"circularity", p.circularity},
        {"centroid_x", p.centroid_x}, {"centroid_y", p.centroid_y},
        {"bbox_min_row", p.bbox_min_row}, {"bbox_min_col", p.bbox_min_col},
        {"bbox_max_row", p.bbox_max_row}, {"bbox_max_col", p.bbox_max_col}};
    for (std::size_t i = 2; i < header.size(); ++i) {
      const double expected = std::stod(cells[i]);
      const double got = ours.at(header[i]);
      if (std::isnan(expected)) {
        EXPECT_TRUE(std::isnan(got)) << name << " label " << label << " " << header[i];
        continue;
      }
      const double scale = std::max(std::abs(expected), std::abs(got));
      const double rel = scale > 0 ? std::abs(got - expected) / scale : 0.0;
      max_rel_error[header[i]] = std::max(max_rel_error[header[i]], rel);
      EXPECT_LE(rel, 1e-6) << name << " label " << label << " " << header[i] << ": got " << got
                           << ", scikit-image " << expected;
    }
    ++objects;
  }
  EXPECT_GT(objects, 70);
  for (const auto& [column, error] : max_rel_error) {
    std::cout << "  max relative error " << column << ": " << error << "\n";
  }
}

TEST(RegionPropsTest, FixtureObjectCountsMatch) {
  const auto dir = test::source_dir() / "tests" / "fixtures" / "regionprops";
  std::ifstream in(dir / "expected.csv");
  std::string line;
  std::getline(in, line);
  std::map<std::string, int> expected_count;
  while (std::getline(in, line)) ++expected_count[line.substr(0, line.find(','))];
  ASSERT_FALSE(expected_count.empty());
  for (const auto& [name, count] : expected_count) {
    const cv::Mat mask = cv::imread((dir / (name + ".png")).string(), cv::IMREAD_GRAYSCALE);
    EXPECT_EQ(label_objects(mask).count, count) << name;
  }
}

}  // namespace
}  // namespace segoid::analysis

namespace segoid::analysis {
namespace {

// Naive reference: breadth-first 8-connected flood fill started at each unlabelled pixel in
// raster order, which numbers objects exactly as scikit-image does.
cv::Mat flood_fill_labels(const cv::Mat& mask, int& count) {
  cv::Mat labels(mask.size(), CV_32SC1, cv::Scalar(0));
  count = 0;
  std::vector<cv::Point> queue;
  for (int row = 0; row < mask.rows; ++row) {
    for (int col = 0; col < mask.cols; ++col) {
      if (!mask.at<std::uint8_t>(row, col) || labels.at<int>(row, col)) continue;
      ++count;
      labels.at<int>(row, col) = count;
      queue.assign(1, cv::Point(col, row));
      for (std::size_t head = 0; head < queue.size(); ++head) {
        const cv::Point p = queue[head];
        for (int dr = -1; dr <= 1; ++dr) {
          for (int dc = -1; dc <= 1; ++dc) {
            const int r = p.y + dr, c = p.x + dc;
            if (r < 0 || r >= mask.rows || c < 0 || c >= mask.cols) continue;
            if (!mask.at<std::uint8_t>(r, c) || labels.at<int>(r, c)) continue;
            labels.at<int>(r, c) = count;
            queue.emplace_back(c, r);
          }
        }
      }
    }
  }
  return labels;
}

TEST(RegionPropsTest, LabelsEqualNaiveFloodFillOnRandomMasks) {
  core::Rng rng(99);
  for (int trial = 0; trial < 30; ++trial) {
    const int rows = static_cast<int>(rng.uniform_int(1, 60)), cols = static_cast<int>(rng.uniform_int(1, 60));
    const double density = rng.uniform(0.2, 0.7);
    cv::Mat mask(rows, cols, CV_8UC1);
    for (int r = 0; r < rows; ++r) {
      for (int c = 0; c < cols; ++c) mask.at<std::uint8_t>(r, c) = rng.bernoulli(density) ? 255 : 0;
    }
    int expected_count = 0;
    const cv::Mat expected = flood_fill_labels(mask, expected_count);
    const LabeledMask got = label_objects(mask);
    EXPECT_EQ(got.count, expected_count) << "trial " << trial;
    EXPECT_EQ(cv::countNonZero(got.labels != expected), 0) << "trial " << trial;
  }
}

}  // namespace
}  // namespace segoid::analysis
