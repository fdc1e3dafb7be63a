// SPDX-License-Identifier: MIT
// Plate-assay plots: real PNGs of the requested size, the plate map's colours in the plate's own
// layout, and plate_summary's report with its section.
#include "segoid/report/plate_plots.hpp"

#include <gtest/gtest.h>
#include <opencv2/imgcodecs.hpp>
#include <opencv2/imgproc.hpp>

#include <cmath>
#include <fstream>
#include <sstream>

#include "segoid/core/atomic_file.hpp"
#include "segoid/report/plate_report.hpp"
#include "test_support.hpp"

namespace segoid::report {
namespace {

cv::Mat read_png(const std::filesystem::path& png, int width, int height) {
  const cv::Mat image = cv::imread(png.string(), cv::IMREAD_COLOR);
  EXPECT_EQ(image.cols, width) << png;
  EXPECT_EQ(image.rows, height) << png;
  return image;
}

double ink(const cv::Mat& bgr) {
  cv::Mat gray;
  cv::cvtColor(bgr, gray, cv::COLOR_BGR2GRAY);
  return cv::countNonZero(gray < 200) / static_cast<double>(gray.total());
}

TEST(PlatePlotsTest, CurvesAndDoseResponseAreDrawn) {
  test::TempDir dir;
  plot_curves({{"drug 1 uM", {0, 24, 48}, {1, 1.6, 2.5}, {0, 0.1, 0.2}}, {"vehicle", {0, 24, 48}, {1, 2, 4}, {}}},
              dir / "curves.png", PlotSpec{"growth", "time (h)", "relative area", "", 800, 600});
  const cv::Mat curves = read_png(dir / "curves.png", 800, 600);
  EXPECT_GT(ink(curves), 0.01);
  std::vector<double> cx, cy;
  for (int i = 0; i <= 50; ++i) cx.push_back(std::pow(10.0, -2 + 4.0 * i / 50)), cy.push_back(1 / (1 + cx.back()));
  plot_points_and_curve({0.01, 0.1, 1, 10, 100}, {1, 0.9, 0.5, 0.1, 0.01}, cx, cy, "IC50 1 uM", dir / "dose.png",
                        PlotSpec{"dose", "concentration", "response", "", 700, 500});
  EXPECT_GT(ink(read_png(dir / "dose.png", 700, 500)), 0.01);
  for (const auto& entry : std::filesystem::directory_iterator(dir.path())) {
    EXPECT_EQ(entry.path().string().find(".tmp."), std::string::npos) << entry.path();
  }
}

// A 96-well map with one low and one high well: the well centres carry viridis' ends (dark
// purple, yellow), empty wells grey, in the plate's own rows and columns.
TEST(PlatePlotsTest, PlateMapColoursWellsInPlace) {
  test::TempDir dir;
  std::vector<double> values(96, std::nan(""));
  values[0] = 0.0;        // A1: lowest
  values[7 * 12 + 11] = 1.0;  // H12: highest
  values[12 + 5] = 0.5;   // B6
  const PlotSpec spec{"map", "", "growth rate", "", 1100, 750};
  plot_plate_map(8, 12, values, dir / "map.png", spec);
  const cv::Mat map = read_png(dir / "map.png", 1100, 750);
  // The plate area of plot_plate_map: 70 px left, 170 px right, 60 px bottom, 90 px top margins.
  const double left = 70, right = 1100 - 170, top = 90, bottom = 750 - 60;
  const auto centre = [&](int row, int col) {
    return map.at<cv::Vec3b>(static_cast<int>(top + (row + 0.5) * (bottom - top) / 8),
                             static_cast<int>(left + (col + 0.5) * (right - left) / 12));
  };
  const cv::Vec3b low = centre(0, 0), high = centre(7, 11), empty = centre(3, 3);
  EXPECT_GT(low[0], low[1]) << "A1 is viridis' purple end (blue over green)";
  EXPECT_LT(low[1], 60);
  EXPECT_GT(high[2], 200) << "H12 is viridis' yellow end";
  EXPECT_GT(high[1], 200);
  EXPECT_LT(high[0], 100);
  EXPECT_EQ(empty[0], empty[1]);  // grey
  EXPECT_EQ(empty[1], empty[2]);
}

TEST(PlatePlotsTest, ReportHasThePlateSectionAndPlots) {
  test::TempDir dir;
  std::string objects = "object_id,area,equivalent_diameter,circularity,centroid_x,centroid_y,image,pixel_size_um\n";
  for (const std::string well : {"A1", "A2"}) {
    for (int day = 0; day < 3; ++day) {
      const std::string image = "V1_" + well + "_1_0" + std::to_string(day) + "d00h00m";
      core::write_file_atomic(dir / "m" / "per_image" / (image + "_objects.csv"), "object_id\n");
      const double area = 1000 * std::exp((well == "A1" ? 0.01 : 0.02) * 24 * day);
      std::ostringstream row;
      row << "1," << area << "," << std::sqrt(4 * area / 3.14159) << ",0.9,50,50," << image << ",\n";
      objects += row.str();
    }
  }
  core::write_file_atomic(dir / "m" / "all_objects.csv", objects);
  core::write_file_atomic(dir / "layout.csv", "well,compound,concentration\nA1,x,1\nA2,vehicle,0\n");
  analysis::PlateSummaryConfig config;
  config.metrics_dir = dir / "m";
  config.layout = dir / "layout.csv";
  config.names = "incucyte";
  config.output_dir = dir / "out";
  const analysis::PlateSummary summary = run_plate_summary_report(config);
  EXPECT_EQ(summary.growth.size(), 2u);
  for (const char* png : {"growth_x.png", "growth_vehicle.png", "plate_map_V1.png"}) {
    EXPECT_TRUE(std::filesystem::exists(dir / "out" / "plots" / png)) << png;
  }
  const std::string html = core::read_file(dir / "out" / "plate_report.html");
  EXPECT_NE(html.find("Plate assay"), std::string::npos);
  EXPECT_NE(html.find("Growth per well"), std::string::npos);
  EXPECT_NE(html.find("data:image/png;base64,"), std::string::npos);
}

}  // namespace
}  // namespace segoid::report
