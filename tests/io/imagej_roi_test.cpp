// SPDX-License-Identifier: MIT
// ImageJ ROI files and Fiji RoiSet.zip: round trips, an independent reader and writer written from
// ImageJ's format description (imagej_roi_reference.py), ImageJ's fill rule, and bad input.
#include "segoid/io/imagej_roi.hpp"

#include <gtest/gtest.h>
#include <nlohmann/json.hpp>

#include <sstream>

#include "segoid/core/atomic_file.hpp"
#include "segoid/core/error.hpp"
#include "segoid/io/zip_archive.hpp"
#include "test_support.hpp"

namespace segoid::io {
namespace {

std::vector<ImageJRoi> sample_rois() {
  ImageJRoi polygon{"17", RoiType::kPolygon, {{3, 4}, {9, 4}, {9, 6}, {12, 6}, {12, 11}, {3, 11}}, {}};
  ImageJRoi freehand{"sub-pixel", RoiType::kFreehand, {{20.5, 3.25}, {31.75, 3.25}, {26, 14.5}}, {}};
  ImageJRoi rect{"box", RoiType::kRect, {}, cv::Rect2d(40, 2, 7, 5)};
  ImageJRoi oval{"Sphäroid ❶", RoiType::kOval, {}, cv::Rect2d(2.5, 20, 15, 9.5)};
  ImageJRoi far{"far", RoiType::kTraced, {{40000, 5}, {40010, 5}, {40010, 9}}, {}};  // beyond 16 bits
  return {polygon, freehand, rect, oval, far};
}

TEST(ImageJRoiTest, EncodeDecodeRoundTrip) {
  for (const ImageJRoi& roi : sample_rois()) {
    const std::string bytes = encode_imagej_roi(roi);
    ASSERT_EQ(bytes.substr(0, 4), "Iout");
    const ImageJRoi back = decode_imagej_roi(bytes, "x.roi");
    EXPECT_EQ(back.name, roi.name);
    EXPECT_EQ(back.type, roi.type);
    ASSERT_EQ(back.points.size(), roi.points.size()) << roi.name;
    for (std::size_t i = 0; i < roi.points.size(); ++i) EXPECT_EQ(back.points[i], roi.points[i]) << roi.name;
    if (roi.type == RoiType::kRect || roi.type == RoiType::kOval) {
      EXPECT_EQ(back.bounds, roi.bounds) << roi.name;
    }
  }
}

TEST(ImageJRoiTest, IndependentReaderReadsOurRoiSet) {
  if (!test::python_has("zipfile json struct")) GTEST_SKIP() << "needs /usr/bin/python3";
  test::TempDir dir;
  const std::vector<ImageJRoi> rois = sample_rois();
  write_roiset(dir / "RoiSet.zip", rois);
  std::string output;
  ASSERT_EQ(test::run_command("/usr/bin/python3 " + (test::source_dir() / "tests/io/imagej_roi_reference.py").string() +
                              " read " + (dir / "RoiSet.zip").string(), &output), 0) << output;
  std::istringstream lines(output);
  std::size_t index = 0;
  for (std::string line; std::getline(lines, line); ++index) {
    ASSERT_LT(index, rois.size());
    const nlohmann::json roi = nlohmann::json::parse(line);
    const ImageJRoi& expected = rois[index];
    EXPECT_EQ(roi["name"], expected.name);
    EXPECT_EQ(roi["entry"], expected.name + ".roi");
    if (expected.type == RoiType::kRect || expected.type == RoiType::kOval) {
      EXPECT_EQ(roi["type"], expected.type == RoiType::kRect ? "rect" : "oval");
      const auto b = roi["bounds"];
      EXPECT_NEAR(b[0].get<double>(), expected.bounds.x, 1e-6);
      EXPECT_NEAR(b[1].get<double>(), expected.bounds.y, 1e-6);
      EXPECT_NEAR(b[2].get<double>(), expected.bounds.width, 1e-6);
      EXPECT_NEAR(b[3].get<double>(), expected.bounds.height, 1e-6);
      continue;
    }
    ASSERT_EQ(roi["points"].size(), expected.points.size());
    for (std::size_t k = 0; k < expected.points.size(); ++k) {
      EXPECT_NEAR(roi["points"][k][0].get<double>(), expected.points[k].x, 1e-6) << expected.name;
      EXPECT_NEAR(roi["points"][k][1].get<double>(), expected.points[k].y, 1e-6) << expected.name;
    }
  }
  EXPECT_EQ(index, rois.size());
}

TEST(ImageJRoiTest, ReadsRoiSetOfTheIndependentWriter) {
  if (!test::python_has("zipfile struct")) GTEST_SKIP() << "needs /usr/bin/python3";
  test::TempDir dir;
  ASSERT_EQ(test::run_command("/usr/bin/python3 " + (test::source_dir() / "tests/io/imagej_roi_reference.py").string() +
                              " write " + (dir / "RoiSet.zip").string()), 0);
  const std::vector<ImageJRoi> rois = read_roiset(dir / "RoiSet.zip");
  ASSERT_EQ(rois.size(), 5u);  // notes.txt is not an ROI
  EXPECT_EQ(rois[0].name, "triangle");
  EXPECT_EQ(rois[0].type, RoiType::kPolygon);
  EXPECT_EQ(rois[0].points, (std::vector<cv::Point2d>{{10, 10}, {30, 10}, {10, 30}}));
  EXPECT_EQ(rois[1].type, RoiType::kRect);
  EXPECT_EQ(rois[1].bounds, cv::Rect2d(40, 5, 12, 8));
  EXPECT_EQ(rois[2].type, RoiType::kOval);
  EXPECT_EQ(rois[3].name, "sub");  // no name inside: the entry's name, as Fiji's ROI Manager shows it
  EXPECT_EQ(rois[3].points[1], cv::Point2d(70.75, 40.25));
  EXPECT_EQ(rois[4].name, "Sphäroid 7");
  EXPECT_EQ(rois[4].type, RoiType::kTraced);

  // ImageJ fills the pixels whose centre is inside: hand-counted.
  cv::Mat mask = cv::Mat::zeros(64, 80, CV_8UC1);
  fill_imagej_roi(rois[1], mask);
  EXPECT_EQ(cv::countNonZero(mask), 12 * 8);
  EXPECT_EQ(cv::countNonZero(mask(cv::Rect(40, 5, 12, 8))), 12 * 8);
  mask.setTo(0);
  fill_imagej_roi(rois[0], mask);
  // Centres (x + .5, y + .5) with x, y >= 10 and x + y + 1 < 40: rows y = 10..28 hold 29 - y pixels.
  EXPECT_EQ(cv::countNonZero(mask), 190);
  EXPECT_EQ(mask.at<uchar>(10, 28), 255);
  EXPECT_EQ(mask.at<uchar>(10, 29), 0);
  mask.setTo(0);
  fill_imagej_roi(rois[2], mask);  // centre (15, 45), semi-axes 10 and 5
  int inside = 0;
  for (int y = 0; y < mask.rows; ++y) {
    for (int x = 0; x < mask.cols; ++x) {
      const double dx = (x + 0.5 - 15) / 10, dy = (y + 0.5 - 45) / 5;
      inside += dx * dx + dy * dy < 1;
      EXPECT_EQ(mask.at<uchar>(y, x) != 0, dx * dx + dy * dy < 1) << x << "," << y;
    }
  }
  EXPECT_GT(inside, 140);  // pi 10 5 = 157
}

TEST(ImageJRoiTest, BadRoisAreRefusedNamingTheSource) {
  std::string line_roi = encode_imagej_roi(sample_rois()[0]);
  line_roi[6] = 3;  // a straight line: no area
  std::string truncated = encode_imagej_roi(sample_rois()[0]).substr(0, 70);
  truncated[60] = truncated[61] = truncated[62] = truncated[63] = 0;  // and no header 2
  std::string composite = encode_imagej_roi(sample_rois()[0]);
  composite[39] = 8;  // shape ROI size
  for (const std::string& bad : {std::string("Iou"), std::string(64, 'x'), line_roi, truncated, composite}) {
    try {
      decode_imagej_roi(bad, "bad.roi");
      FAIL() << "accepted a bad ROI of " << bad.size() << " bytes";
    } catch (const DataError& e) {
      EXPECT_EQ(std::string(e.what()).rfind("bad.roi: ", 0), 0u) << e.what();
    }
  }
  EXPECT_THROW(encode_imagej_roi({"neg", RoiType::kPolygon, {{-1, 0}, {3, 3}, {0, 3}}, {}}), DataError);
  test::TempDir dir;
  core::write_file_atomic(dir / "empty.zip", make_zip_archive({{"readme.txt", "x"}}));
  EXPECT_THROW(read_roiset(dir / "empty.zip"), DataError);
}

}  // namespace
}  // namespace segoid::io
