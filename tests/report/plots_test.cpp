// SPDX-License-Identifier: MIT
// Plots are real PNGs of the requested size with visible content.
#include "segoid/report/plots.hpp"

#include <gtest/gtest.h>
#include <opencv2/imgcodecs.hpp>
#include <opencv2/imgproc.hpp>

#include <unistd.h>

#include <cmath>
#include <fstream>
#include <limits>

#include "segoid/core/error.hpp"
#include "segoid/core/rng.hpp"
#include "test_support.hpp"

namespace segoid::report {
namespace {

// Loads a PNG and checks its signature, size and that it is not a blank page.
void expect_plot(const std::filesystem::path& png, int width, int height) {
  ASSERT_TRUE(std::filesystem::exists(png)) << png;
  std::ifstream in(png, std::ios::binary);
  char signature[8] = {};
  in.read(signature, 8);
  EXPECT_EQ(std::string(signature + 1, 3), "PNG");
  const cv::Mat image = cv::imread(png.string(), cv::IMREAD_GRAYSCALE);
  ASSERT_FALSE(image.empty());
  EXPECT_EQ(image.cols, width);
  EXPECT_EQ(image.rows, height);
  // Mostly white page with ink: the background is white and a few percent of pixels are drawn.
  const double ink = cv::countNonZero(image < 200) / static_cast<double>(image.total());
  EXPECT_GT(ink, 0.01) << png;
  EXPECT_LT(ink, 0.6) << png;
  EXPECT_EQ(image.at<std::uint8_t>(2, 2), 255) << "background should be white";
  // No temporary file left behind.
  for (const auto& entry : std::filesystem::directory_iterator(png.parent_path())) {
    EXPECT_EQ(entry.path().string().find(".tmp."), std::string::npos) << entry.path();
  }
}

TEST(PlotsTest, HistogramIsAValidNonBlankPng) {
  test::TempDir dir;
  core::Rng rng(3);
  std::vector<double> values;
  for (int i = 0; i < 300; ++i) values.push_back(rng.normal(2000, 400));
  values.push_back(std::numeric_limits<double>::quiet_NaN());  // skipped
  PlotSpec spec{"Object area", "area (px²)", "objects", "px²", 800, 600};
  plot_histogram(values, dir / "area.png", spec);
  expect_plot(dir / "area.png", 800, 600);
}

TEST(PlotsTest, EmptyAndConstantHistogramsStillDraw) {
  test::TempDir dir;
  plot_histogram({}, dir / "empty.png", PlotSpec{"Nothing", "x", "count", ""});
  expect_plot(dir / "empty.png", 1000, 700);
  plot_histogram({5, 5, 5}, dir / "constant.png", PlotSpec{"Constant", "x", "count", ""});
  expect_plot(dir / "constant.png", 1000, 700);
}

TEST(PlotsTest, ScatterAndBarsAreValidPngs) {
  test::TempDir dir;
  plot_scatter_identity({3, 5, 8, 12}, {3, 6, 8, 11}, dir / "counts.png",
                        PlotSpec{"Objects per image", "true objects", "predicted objects", "", 700, 700});
  expect_plot(dir / "counts.png", 700, 700);
  std::vector<std::string> names = {"plate1_A01", "plate1_A02", "plate1_A03"};
  plot_grouped_bars(names, {{"precision", {1.0, 0.8, std::nan("")}}, {"recall", {0.9, 0.7, 0.0}}, {"F1", {0.95, 0.75, 0.0}}},
                    dir / "detection.png", PlotSpec{"Detection per image", "image", "score", ""});
  expect_plot(dir / "detection.png", 1000, 700);
}

TEST(PlotsTest, LinePlotDrawsEachSeriesInItsColour) {
  test::TempDir dir;
  const std::vector<double> epochs = {1, 2, 3, 4, 5};
  plot_lines(epochs, {{"train loss", {0.9, 0.6, 0.45, 0.4, 0.38}}, {"val loss", {0.95, 0.7, std::nan(""), 0.5, 0.48}}},
             dir / "loss.png", PlotSpec{"Loss per epoch", "epoch", "loss", "", 800, 500});
  expect_plot(dir / "loss.png", 800, 500);
  // Both palette colours (blue, orange) appear: each series was drawn.
  const cv::Mat bgr = cv::imread((dir / "loss.png").string(), cv::IMREAD_COLOR);
  cv::Mat blue, orange;
  cv::inRange(bgr, cv::Scalar(150, 94, 56), cv::Scalar(196, 134, 96), blue);
  cv::inRange(bgr, cv::Scalar(62, 112, 201), cv::Scalar(102, 152, 241), orange);
  EXPECT_GT(cv::countNonZero(blue), 50);
  EXPECT_GT(cv::countNonZero(orange), 50);
  EXPECT_THROW(plot_lines(epochs, {{"short", {1, 2}}}, dir / "bad.png", PlotSpec{"t", "x", "y", ""}), Error);
}

TEST(PlotsTest, UnwritableTargetThrowsIoError) {
  test::TempDir dir;
  std::filesystem::create_directories(dir / "blocker");
  // A regular file where a folder is needed: the parent cannot be created.
  std::ofstream(dir / "file") << "x";
  EXPECT_THROW(plot_histogram({1, 2, 3}, dir / "file" / "h.png", PlotSpec{"t", "x", "y", ""}), IoError);
  // A folder where the PNG should go: PLplot would exit the process; we throw instead.
  std::filesystem::create_directories(dir / ("taken.png.tmp." + std::to_string(::getpid())));
  EXPECT_THROW(plot_histogram({1, 2, 3}, dir / "taken.png", PlotSpec{"t", "x", "y", ""}), IoError);
}

}  // namespace
}  // namespace segoid::report
