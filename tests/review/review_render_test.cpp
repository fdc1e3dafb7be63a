// SPDX-License-Identifier: MIT
// Tests of the review page's pixels: border uncertainty, mask edits and their parser, object IDs.
#include "segoid/review/review_render.hpp"

#include <gtest/gtest.h>

#include <opencv2/imgcodecs.hpp>
#include <opencv2/imgproc.hpp>

#include "../report/object_id_scene.hpp"
#include "review_fixture.hpp"
#include "segoid/core/error.hpp"

namespace segoid::review {
namespace {

// Naive reference: band = pixels whose 7x7 neighbourhood holds both foreground and background
// (image outside counts as neither).
double naive_uncertainty(const cv::Mat& mask, const cv::Mat& prob) {
  double sum = 0;
  int count = 0;
  for (int row = 0; row < mask.rows; ++row) {
    for (int col = 0; col < mask.cols; ++col) {
      bool fg = false, bg = false;
      for (int dy = -kBorderBandRadius; dy <= kBorderBandRadius; ++dy) {
        for (int dx = -kBorderBandRadius; dx <= kBorderBandRadius; ++dx) {
          const int r = row + dy, c = col + dx;
          if (r < 0 || c < 0 || r >= mask.rows || c >= mask.cols) continue;
          (mask.at<uchar>(r, c) ? fg : bg) = true;
        }
      }
      if (fg && (bg || !mask.at<uchar>(row, col))) {
        const double p = prob.at<float>(row, col);
        sum += std::min(p, 1 - p);
        ++count;
      }
    }
  }
  return sum / count;
}

TEST(ReviewRenderTest, BorderUncertaintyMatchesNaiveBand) {
  const cv::Mat mask = test::two_object_mask();
  cv::Mat prob(mask.size(), CV_32FC1);
  cv::RNG rng(7);
  rng.fill(prob, cv::RNG::UNIFORM, 0.0, 1.0);
  EXPECT_NEAR(border_uncertainty(mask, prob), naive_uncertainty(mask, prob), 1e-9);
}

TEST(ReviewRenderTest, BorderUncertaintyOfCertainPredictionIsZeroAndOfCoinFlipHalf) {
  const cv::Mat mask = test::two_object_mask();
  cv::Mat prob;
  mask.convertTo(prob, CV_32F, 1.0 / 255.0);
  EXPECT_DOUBLE_EQ(border_uncertainty(mask, prob), 0.0);
  prob.setTo(0.5f);
  EXPECT_DOUBLE_EQ(border_uncertainty(mask, prob), 0.5);
}

TEST(ReviewRenderTest, RejectRemovesOnlyTheClickedObject) {
  const cv::Mat mask = test::two_object_mask();
  const cv::Mat out = apply_mask_edits(mask, parse_mask_edits(R"([{"op":"reject","x":15,"y":20}])"));
  EXPECT_EQ(cv::countNonZero(out(test::kObjectA)), 0);
  EXPECT_EQ(cv::countNonZero(out), test::kObjectB.area());
  // A click 4 px outside object B still picks it; one 20 px away picks nothing.
  const cv::Mat near = apply_mask_edits(mask, parse_mask_edits(R"([{"op":"reject","x":94,"y":50}])"));
  EXPECT_EQ(cv::countNonZero(near), test::kObjectA.area());
  const cv::Mat far = apply_mask_edits(mask, parse_mask_edits(R"([{"op":"reject","x":110,"y":95}])"));
  EXPECT_EQ(cv::countNonZero(far), cv::countNonZero(mask));
}

TEST(ReviewRenderTest, PolygonAddsAndCutsAndBrushPaints) {
  const cv::Mat mask = test::two_object_mask();
  const cv::Mat added = apply_mask_edits(
      mask, parse_mask_edits(R"([{"op":"polygon","mode":"add","points":[[40,70],[55,70],[55,90],[40,90]]}])"));
  EXPECT_EQ(cv::countNonZero(added(cv::Rect(40, 70, 16, 21))), 16 * 21);  // vertices inclusive
  EXPECT_EQ(cv::countNonZero(added), cv::countNonZero(mask) + 16 * 21);
  const cv::Mat cut = apply_mask_edits(
      mask, parse_mask_edits(R"([{"op":"polygon","mode":"cut","points":[[60,40],[89,40],[89,54],[60,54]]}])"));
  EXPECT_EQ(cv::countNonZero(cut(test::kObjectB)), 30 * 15);
  const cv::Mat brushed =
      apply_mask_edits(mask, parse_mask_edits(R"([{"op":"brush","mode":"add","radius":5,"points":[[45,20]]}])"));
  EXPECT_EQ(brushed.at<uchar>(20, 45), 255);
  EXPECT_EQ(brushed.at<uchar>(20, 51), 0);
  const cv::Mat erased =
      apply_mask_edits(mask, parse_mask_edits(R"([{"op":"brush","mode":"cut","radius":3,"points":[[62,55],[88,55]]}])"));
  for (int col = 62; col <= 88; ++col) EXPECT_EQ(erased.at<uchar>(55, col), 0) << col;
  EXPECT_EQ(erased.at<uchar>(45, 75), 255);
}

TEST(ReviewRenderTest, MalformedEditsAreDataErrors) {
  for (const char* bad : {"{", "{}", R"([{"op":"grow"}])", R"([{"op":"polygon","points":[[1,1],[2,2]]}])",
                          R"([{"op":"brush","radius":0,"points":[[1,1]]}])", R"([{"op":"reject","x":1e9,"y":0}])",
                          R"([{"op":"reject","x":"a","y":0}])", R"([{"op":"polygon","mode":"grow","points":[]}])"}) {
    EXPECT_THROW(parse_mask_edits(bad), DataError) << bad;
  }
  EXPECT_TRUE(parse_mask_edits("[]").empty());
}

TEST(ReviewRenderTest, ReviewOverlayPngCarriesOpaqueIds) {
  const cv::Mat mask = test::scene();
  const std::vector<report::ObjectId> ids = report::object_ids(mask, 100);
  const std::string png = encode_overlay_png(mask, ids);
  const cv::Mat rgba = cv::imdecode(std::vector<uchar>(png.begin(), png.end()), cv::IMREAD_UNCHANGED);
  ASSERT_EQ(rgba.type(), CV_8UC4);
  cv::Mat bgr;
  cv::cvtColor(rgba, bgr, cv::COLOR_BGRA2BGR);
  for (const report::ObjectId& id : ids) EXPECT_GT(test::white_near(bgr, id.centroid), 5) << id.id;
  // A region of the mask at 2x: the IDs follow (origin and scale).
  const cv::Rect rect(150, 100, 150, 100);
  cv::Mat zoom;
  cv::resize(mask(rect), zoom, cv::Size(300, 200), 0, 0, cv::INTER_NEAREST);
  const std::string region = encode_overlay_png(zoom, ids, 2.0, rect.tl());
  const cv::Mat region_rgba = cv::imdecode(std::vector<uchar>(region.begin(), region.end()), cv::IMREAD_UNCHANGED);
  cv::cvtColor(region_rgba, bgr, cv::COLOR_BGRA2BGR);
  EXPECT_GT(test::white_near(bgr, (ids[2].centroid - cv::Point2d(rect.tl())) * 2.0), 5);
}

}  // namespace
}  // namespace segoid::review
