// SPDX-License-Identifier: MIT
// Tests for background tiles: which tiles the coarse map marks, and that skipping them keeps the mask.
#include "segoid/infer/tile_skip.hpp"

#include <gtest/gtest.h>
#include <opencv2/imgproc.hpp>

#include <algorithm>
#include <atomic>

#include "segoid/core/error.hpp"
#include "segoid/core/rng.hpp"
#include "segoid/infer/postprocess.hpp"

namespace segoid::infer {
namespace {

constexpr int kTile = 64;
constexpr double kOverlap = 0.25;
constexpr double kThreshold = 0.05;

TilingOptions options() {
  TilingOptions o;
  o.tile_size = kTile;
  o.overlap = kOverlap;
  o.batch_size = 3;
  return o;
}

/// Dark plate with faint noise and bright discs at `centres` (radius 10).
cv::Mat plate(cv::Size size, const std::vector<cv::Point>& centres) {
  cv::Mat image(size, CV_32FC1, cv::Scalar(0.0));
  core::Rng rng(5);
  for (int row = 0; row < size.height; ++row) {
    for (int col = 0; col < size.width; ++col) image.at<float>(row, col) = static_cast<float>(0.02 * rng.uniform());
  }
  for (const cv::Point& centre : centres) cv::circle(image, centre, /*radius=*/10, cv::Scalar(0.9), cv::FILLED);
  return image;
}

/// A local "network": 3x3 mean, then a steep sigmoid around 0.3 (objects 1, background ~0).
std::vector<cv::Mat> local_model(const std::vector<cv::Mat>& tiles) {
  std::vector<cv::Mat> out;
  for (const cv::Mat& tile : tiles) {
    cv::Mat blurred;
    cv::blur(tile.clone(), blurred, cv::Size(3, 3), cv::Point(-1, -1), cv::BORDER_REFLECT_101);
    cv::Mat e;
    cv::exp(-(blurred - 0.3) * 40.0, e);
    out.push_back(1.0 / (1.0 + e));
  }
  return out;
}

/// Naive reference: a tile is background when no pixel of the grown tile reaches the threshold.
bool naive_background(const cv::Mat& coarse, int row, int col, int margin) {
  for (int y = row - margin; y < row + kTile + margin; ++y) {
    for (int x = col - margin; x < col + kTile + margin; ++x) {
      if (y < 0 || x < 0 || y >= coarse.rows || x >= coarse.cols) continue;
      if (coarse.at<float>(y, x) >= kThreshold) return false;
    }
  }
  return true;
}

TEST(TileSkipTest, TilesHoldingAnObjectAreNeverSkipped) {
  const cv::Size size(300, 250);
  const std::vector<cv::Point> objects = {{30, 30}, {150, 200}, {290, 120}};
  const cv::Mat image = plate(size, objects);
  const ImageTiling tiling = plan_image(size, options());
  const cv::Mat coarse = local_model({image})[0];
  const std::vector<bool> skip = mark_background_tiles(coarse, tiling, kThreshold);
  ASSERT_EQ(skip.size(), tiling.rows.size() * tiling.cols.size());
  std::size_t index = 0;
  int skipped = 0;
  for (const int row : tiling.rows) {
    for (const int col : tiling.cols) {
      const cv::Rect tile(col, row, kTile, kTile);
      for (const cv::Point& centre : objects) {
        // Any disc pixel inside the tile keeps it.
        const cv::Rect disc(centre.x - 10, centre.y - 10, 21, 21);
        if ((tile & disc).area() > 0) {
          EXPECT_FALSE(skip[index]) << "tile at " << col << "," << row;
        }
      }
      EXPECT_EQ(skip[index], naive_background(coarse, row, col, kSkipMarginPx)) << col << "," << row;
      skipped += skip[index] ? 1 : 0;
      ++index;
    }
  }
  EXPECT_GT(skipped, 0) << "a mostly empty plate has background tiles";
}

TEST(TileSkipTest, MarginKeepsATileBesideAnObject) {
  const cv::Size size(200, 64);  // one row of tiles: origins 0, 48, 96, 136
  const ImageTiling tiling = plan_image(size, options());
  ASSERT_EQ(tiling.rows.size(), 1u);
  ASSERT_EQ(tiling.cols.front(), 0);
  ASSERT_EQ(tiling.cols[1], 48);
  cv::Mat coarse(size, CV_32FC1, cv::Scalar(0.0));
  coarse.at<float>(10, 40) = 1.0f;  // 8 px left of the second tile: inside its margin
  EXPECT_FALSE(mark_background_tiles(coarse, tiling, kThreshold)[1]);
  EXPECT_TRUE(mark_background_tiles(coarse, tiling, kThreshold, /*margin=*/0)[1]);
}

TEST(TileSkipTest, PaddedPlanSkipsNothing) {
  const cv::Size size(50, 40);  // smaller than a tile: reflect-padded, the coarse map does not cover it
  const ImageTiling tiling = plan_image(size, options());
  const cv::Mat coarse(size, CV_32FC1, cv::Scalar(0.0));
  const std::vector<bool> skip = mark_background_tiles(coarse, tiling, kThreshold);
  EXPECT_EQ(std::count(skip.begin(), skip.end(), true), 0);
  EXPECT_THROW(mark_background_tiles(cv::Mat(size, CV_8UC1), tiling, kThreshold), Error);
}

TEST(TileSkipTest, SkippingBackgroundKeepsTheMaskAndRunsFewerTiles) {
  const cv::Size size(400, 330);
  const cv::Mat image = plate(size, {{60, 60}, {200, 250}, {350, 90}});
  std::atomic<int> calls{0};
  const TilePredictor counted = [&](const std::vector<cv::Mat>& tiles) {
    calls += static_cast<int>(tiles.size());
    return local_model(tiles);
  };
  ImageTiling tiling = plan_image(size, options());
  const cv::Mat full = predict_tiled(image, counted, tiling);
  const int full_calls = calls.exchange(0);
  EXPECT_EQ(full_calls, tiling.tiles());

  TileSkipOptions skip_options;
  skip_options.enabled = true;
  int coarse_tiles = 0;
  const cv::Mat coarse = coarse_probability(image, counted, options(), skip_options, &coarse_tiles);
  EXPECT_EQ(coarse.size(), size);
  EXPECT_EQ(calls.exchange(0), coarse_tiles);
  EXPECT_EQ(coarse_tiles, 1) << "a 200x165 coarse image is one 224 px tile";
  tiling.skip = mark_background_tiles(coarse, tiling, skip_options.threshold);
  const cv::Mat skipped = predict_tiled(image, counted, tiling);
  EXPECT_EQ(calls.load(), tiling.tiles());
  EXPECT_LT(tiling.tiles(), full_calls / 2) << "three small objects leave most tiles empty";

  PostprocessOptions post;
  post.min_object_area = 0;
  const cv::Mat full_mask = postprocess(full, post);
  const cv::Mat skip_mask = postprocess(skipped, post);
  EXPECT_GT(cv::countNonZero(full_mask), 3 * 250);
  EXPECT_EQ(cv::countNonZero(full_mask != skip_mask), 0);
  cv::Mat difference;
  cv::absdiff(full, skipped, difference);
  double largest = 0.0;
  cv::minMaxLoc(difference, nullptr, &largest);
  EXPECT_LT(largest, kThreshold) << "a skipped tile only drops probabilities below the threshold";
}

TEST(TileSkipTest, SkipListMustMatchThePlan) {
  ImageTiling tiling = plan_image(cv::Size(200, 200), options());
  tiling.skip = {true, false};
  const cv::Mat image(200, 200, CV_32FC1, cv::Scalar(0.0));
  EXPECT_THROW(predict_tiled(image, local_model, tiling), Error);
}

}  // namespace
}  // namespace segoid::infer
