// SPDX-License-Identifier: MIT
// Object IDs on overlays: numbered as quantify_objects numbers them, written at their centroids.
#include "segoid/report/overlay.hpp"

#include <gtest/gtest.h>
#include <opencv2/imgcodecs.hpp>
#include <opencv2/imgproc.hpp>

#include "segoid/analysis/region_props.hpp"
#include "segoid/report/review_render.hpp"

namespace segoid::report {
namespace {

// Three discs and a 20 px speck (before the second disc in raster order).
cv::Mat scene() {
  cv::Mat mask = cv::Mat::zeros(200, 300, CV_8UC1);
  cv::circle(mask, {200, 40}, 20, cv::Scalar(255), cv::FILLED);
  mask(cv::Rect(20, 45, 5, 4)).setTo(255);
  cv::circle(mask, {60, 120}, 25, cv::Scalar(255), cv::FILLED);
  cv::circle(mask, {230, 150}, 30, cv::Scalar(255), cv::FILLED);
  return mask;
}

// Near-white (text) pixels inside a box around `at`.
int white_near(const cv::Mat& bgr, cv::Point2d at, int half = 12) {
  const cv::Rect box = cv::Rect(static_cast<int>(at.x) - half, static_cast<int>(at.y) - half, 2 * half, 2 * half) &
                       cv::Rect(0, 0, bgr.cols, bgr.rows);
  std::vector<cv::Mat> channels;
  cv::split(bgr(box), channels);
  return cv::countNonZero((channels[0] > 200) & (channels[1] > 200) & (channels[2] > 200));
}

TEST(OverlayTest, IdsFollowQuantifyNumbering) {
  const cv::Mat mask = scene();
  const std::vector<ObjectId> ids = object_ids(mask, /*min_object_area=*/100);
  const auto props = analysis::region_props(analysis::remove_small_objects(analysis::label_objects(mask), 100));
  ASSERT_EQ(ids.size(), 3u);  // the speck is dropped before numbering, as quantify_objects does
  ASSERT_EQ(props.size(), 3u);
  for (std::size_t i = 0; i < ids.size(); ++i) {
    EXPECT_EQ(ids[i].id, props[i].label);
    EXPECT_NEAR(ids[i].centroid.x, props[i].centroid_x, 1e-9);
    EXPECT_NEAR(ids[i].centroid.y, props[i].centroid_y, 1e-9);
  }
  EXPECT_EQ(object_ids(mask, 0).size(), 4u);
}

TEST(OverlayTest, OverlayWritesEachIdAtItsCentroid) {
  const cv::Mat mask = scene();
  cv::Mat image(mask.size(), CV_16UC1, cv::Scalar(20000));
  image.setTo(cv::Scalar(8000), mask);
  const cv::Mat plain = draw_overlay(image, cv::Mat(), mask, 2, 0);
  const cv::Mat labelled = draw_overlay(image, cv::Mat(), mask, 2, 0, /*id_min_area=*/100);
  for (const ObjectId& id : object_ids(mask, 100)) {
    EXPECT_EQ(white_near(plain, id.centroid), 0);
    EXPECT_GT(white_near(labelled, id.centroid), 5) << "id " << id.id;
  }
  const cv::Rect speck(10, 35, 25, 25);  // no ID on the dropped speck
  EXPECT_EQ(cv::norm(plain(speck), labelled(speck), cv::NORM_INF), 0.0);
  // Downsized overlays put the IDs where the objects went.
  const cv::Mat small = draw_overlay(image, cv::Mat(), mask, 2, /*max_side=*/150, 100);
  ASSERT_EQ(small.cols, 150);
  EXPECT_GT(white_near(small, object_ids(mask, 100)[2].centroid * 0.5, 8), 5);
}

TEST(OverlayTest, ReviewOverlayPngCarriesOpaqueIds) {
  const cv::Mat mask = scene();
  const std::vector<ObjectId> ids = object_ids(mask, 100);
  const std::string png = encode_overlay_png(mask, ids);
  const cv::Mat rgba = cv::imdecode(std::vector<uchar>(png.begin(), png.end()), cv::IMREAD_UNCHANGED);
  ASSERT_EQ(rgba.type(), CV_8UC4);
  cv::Mat bgr;
  cv::cvtColor(rgba, bgr, cv::COLOR_BGRA2BGR);
  for (const ObjectId& id : ids) EXPECT_GT(white_near(bgr, id.centroid), 5) << id.id;
  // A region of the mask at 2x: the IDs follow (origin and scale).
  const cv::Rect rect(150, 100, 150, 100);
  cv::Mat zoom;
  cv::resize(mask(rect), zoom, cv::Size(300, 200), 0, 0, cv::INTER_NEAREST);
  const std::string region = encode_overlay_png(zoom, ids, 2.0, rect.tl());
  const cv::Mat region_rgba = cv::imdecode(std::vector<uchar>(region.begin(), region.end()), cv::IMREAD_UNCHANGED);
  cv::cvtColor(region_rgba, bgr, cv::COLOR_BGRA2BGR);
  EXPECT_GT(white_near(bgr, (ids[2].centroid - cv::Point2d(rect.tl())) * 2.0), 5);
}

}  // namespace
}  // namespace segoid::report
