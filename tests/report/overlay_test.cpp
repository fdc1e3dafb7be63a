// SPDX-License-Identifier: MIT
// Object IDs on overlays: numbered as quantify_objects numbers them, written at their centroids.
#include "segoid/report/overlay.hpp"

#include <gtest/gtest.h>
#include <opencv2/imgcodecs.hpp>
#include <opencv2/imgproc.hpp>

#include "segoid/analysis/region_props.hpp"
#include "object_id_scene.hpp"

namespace segoid::report {
namespace {
using test::scene;
using test::white_near;

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

}  // namespace
}  // namespace segoid::report
