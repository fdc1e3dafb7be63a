// SPDX-License-Identifier: MIT
// Tests for tile planning and blending: exactness against whole-image prediction.
#include "segoid/infer/tiler.hpp"

#include <gtest/gtest.h>
#include <opencv2/imgproc.hpp>

#include <cmath>

#include "segoid/core/error.hpp"
#include "segoid/core/rng.hpp"

namespace segoid::infer {
namespace {

cv::Mat random_image(int rows, int cols, std::uint64_t seed) {
  core::Rng rng(seed);
  cv::Mat image(rows, cols, CV_32FC1);
  for (int row = 0; row < rows; ++row) {
    for (int col = 0; col < cols; ++col) image.at<float>(row, col) = static_cast<float>(rng.uniform());
  }
  return image;
}

/// A local "network": an asymmetric 5x5 convolution (radius 2) followed by a sigmoid.
cv::Mat convolve(const cv::Mat& image) {
  static const cv::Mat kernel = [] {
    cv::Mat k = random_image(5, 5, 99) - 0.5;
    return k;
  }();
  cv::Mat filtered;
  cv::filter2D(image, filtered, CV_32F, kernel, cv::Point(-1, -1), 0.0, cv::BORDER_REFLECT_101);
  cv::Mat prob;
  cv::exp(-filtered, prob);
  return 1.0 / (1.0 + prob);
}

std::vector<cv::Mat> conv_batch(const std::vector<cv::Mat>& tiles) {
  std::vector<cv::Mat> out;
  // Tiles may be views into the image; OpenCV filters would read the parent's pixels beyond a
  // view, so copy each tile to give the predictor exactly what a network sees.
  for (const auto& t : tiles) out.push_back(convolve(t.clone()));
  return out;
}

double max_abs_diff(const cv::Mat& a, const cv::Mat& b) {
  double max_diff = 0.0;
  cv::minMaxLoc(cv::abs(a - b), nullptr, &max_diff);
  return max_diff;
}

TEST(TilerTest, PlanAxisCoversWithLastTileFlush) {
  for (int length : {1, 31, 32, 33, 64, 100, 257, 1000}) {
    for (double overlap : {0.0, 0.25, 0.5, 0.9}) {
      constexpr int kTile = 32;
      const std::vector<int> origins = plan_axis(length, kTile, overlap);
      ASSERT_FALSE(origins.empty());
      EXPECT_EQ(origins.front(), 0);
      if (length <= kTile) {
        EXPECT_EQ(origins.size(), 1u);
        continue;
      }
      const int stride = std::max(1, static_cast<int>(std::lround(kTile * (1.0 - overlap))));
      EXPECT_EQ(origins.back(), length - kTile) << "last tile must be flush with the border";
      const auto expected = static_cast<std::size_t>((length - kTile + stride - 1) / stride + 1);
      EXPECT_EQ(origins.size(), expected) << length << " " << overlap;
      for (std::size_t i = 1; i < origins.size(); ++i) {
        EXPECT_GT(origins[i], origins[i - 1]);
        EXPECT_LE(origins[i] - origins[i - 1], stride);  // no gaps: each step at most one stride
      }
    }
  }
}

TEST(TilerTest, PlanTilesCoversEveryPixel) {
  const cv::Size size(100, 70);
  const auto tiles = plan_tiles(size, 32, 0.25);
  EXPECT_EQ(tiles.size(), plan_axis(70, 32, 0.25).size() * plan_axis(100, 32, 0.25).size());
  cv::Mat covered(size, CV_8UC1, cv::Scalar(0));
  for (const auto& rect : tiles) {
    EXPECT_EQ(rect.width, 32);
    EXPECT_TRUE((rect & cv::Rect(0, 0, size.width, size.height)) == rect);
    covered(rect).setTo(1);
  }
  EXPECT_EQ(cv::countNonZero(covered), size.area());
}

TEST(TilerTest, RejectsBadTilingParameters) {
  EXPECT_THROW(plan_axis(10, 0, 0.25), ConfigError);
  EXPECT_THROW(plan_axis(10, 8, 1.0), ConfigError);
  EXPECT_THROW(plan_axis(10, 8, -0.1), ConfigError);
  TilingOptions options;
  options.tile_size = 32;
  options.overlap = 0.25;  // 8 px overlap: at most 4 px margin
  options.edge_margin = 5;
  EXPECT_THROW(resolve_edge_margin(options), ConfigError);
  options.edge_margin = -1;
  EXPECT_EQ(resolve_edge_margin(options), 2);
}

TEST(TilerTest, GaussianProfileMatchesFormula) {
  const std::vector<float> profile = blend_profile(64, BlendMode::kGaussian);
  const double sigma = 64.0 / 8.0;
  for (int i = 0; i < 64; ++i) {
    const double d = i - 31.5;
    EXPECT_NEAR(profile[i], std::exp(-d * d / (2 * sigma * sigma)), 1e-6);
    EXPECT_FLOAT_EQ(profile[i], profile[63 - i]);
  }
  for (float w : blend_profile(16, BlendMode::kMean)) EXPECT_EQ(w, 1.0f);
}

struct ExactCase {
  int rows;
  int cols;
  double overlap;
  BlendMode blend;
};

TEST(TilerTest, TiledEqualsWholeImageForLocalPredictor) {
  constexpr int kTile = 32;
  const std::vector<ExactCase> cases = {
      {20, 25, 0.25, BlendMode::kGaussian},  // smaller than a tile (pads >= the kernel radius)
      {20, 25, 0.25, BlendMode::kMean},      {32, 32, 0.25, BlendMode::kGaussian},
      {32, 32, 0.5, BlendMode::kMean},       {70, 45, 0.25, BlendMode::kGaussian},
      {70, 45, 0.25, BlendMode::kMean},      {101, 77, 0.5, BlendMode::kGaussian},
      {101, 77, 0.5, BlendMode::kMean},      {20, 90, 0.25, BlendMode::kGaussian},
      {96, 64, 0.0, BlendMode::kMean},  // no overlap: plain stitching
  };
  for (const auto& c : cases) {
    const cv::Mat image = random_image(c.rows, c.cols, 7 + c.rows);
    TilingOptions options;
    options.tile_size = kTile;
    options.overlap = c.overlap;
    options.blend = c.blend;
    options.batch_size = 3;
    if (c.overlap == 0.0) options.edge_margin = 0;
    const cv::Mat whole = convolve(image);
    int tiles_seen = 0;
    const cv::Mat tiled = predict_tiled(image, conv_batch, options, [&](int n) { tiles_seen += n; });
    ASSERT_EQ(tiled.size(), image.size());
    EXPECT_EQ(tiles_seen, count_tiles(image.size(), options));
    // Without overlap a local predictor cannot be exact at inner tile edges; skip that check.
    if (c.overlap > 0.0) {
      EXPECT_LT(max_abs_diff(tiled, whole), 1e-5)
          << c.rows << "x" << c.cols << " overlap " << c.overlap << " " << to_string(c.blend);
    }
  }
}

TEST(TilerTest, FlipAugmentationEqualsWholeImageAverageOfFlips) {
  const cv::Mat image = random_image(70, 53, 3);
  TilingOptions options;
  options.tile_size = 32;
  options.batch_size = 4;
  options.flip_tta = true;
  cv::Mat expected(image.size(), CV_32FC1, cv::Scalar(0));
  for (int code : {2, 1, 0, -1}) {
    cv::Mat flipped = image.clone();
    if (code != 2) cv::flip(image, flipped, code);
    cv::Mat pred = convolve(flipped);
    if (code != 2) cv::flip(pred.clone(), pred, code);
    expected += pred / 4.0;
  }
  EXPECT_LT(max_abs_diff(predict_tiled(image, conv_batch, options), expected), 1e-5);
}

TEST(TilerTest, DiscAcrossTileCornerIsOneObjectWithTrueArea) {
  constexpr int kTile = 64;
  constexpr double kRadius = 30.0;
  // Tile origins are 0, 48, 96, ...: the first tile ends at 64, so (64, 64) is a tile corner.
  const cv::Point2d centre(64.0, 64.0);
  cv::Mat image(200, 200, CV_32FC1);
  for (int row = 0; row < image.rows; ++row) {
    for (int col = 0; col < image.cols; ++col) {
      const double d = std::hypot(col - centre.x, row - centre.y);
      image.at<float>(row, col) = d <= kRadius ? 1.0f : 0.0f;
    }
  }
  const auto blur = [](const std::vector<cv::Mat>& tiles) {
    std::vector<cv::Mat> out;
    for (const auto& t : tiles) {
      cv::Mat b;
      cv::GaussianBlur(t.clone(), b, cv::Size(5, 5), 1.0, 1.0, cv::BORDER_REFLECT_101);
      out.push_back(b);
    }
    return out;
  };
  for (BlendMode blend : {BlendMode::kGaussian, BlendMode::kMean}) {
    TilingOptions options;
    options.tile_size = kTile;
    options.batch_size = 4;
    options.blend = blend;
    const cv::Mat prob = predict_tiled(image, blur, options);
    cv::Mat mask;
    cv::compare(prob, 0.5, mask, cv::CMP_GT);
    cv::Mat labels;
    cv::Mat stats;
    cv::Mat centroids;
    const int count = cv::connectedComponentsWithStats(mask, labels, stats, centroids, 8);
    ASSERT_EQ(count, 2) << "expected exactly one object";
    const double area = stats.at<int>(1, cv::CC_STAT_AREA);
    EXPECT_NEAR(area / (M_PI * kRadius * kRadius), 1.0, 0.02);
    EXPECT_NEAR(centroids.at<double>(1, 0), centre.x, 0.5);
    EXPECT_NEAR(centroids.at<double>(1, 1), centre.y, 0.5);
  }
}

TEST(TilerTest, FitTilingShrinksTheTileOnlyForSmallImages) {
  TilingOptions options;
  options.tile_size = 256;
  options.overlap = 0.25;
  const auto fitted = [&](int width, int height) { return fit_tiling(cv::Size(width, height), options).tile_size; };
  EXPECT_EQ(fitted(240, 135), 256) << "small_image_multiple 0: the image is padded to the tile";
  options.small_image_multiple = 32;
  EXPECT_EQ(fitted(240, 135), 128);   // the largest multiple of 32 within the shorter side
  EXPECT_EQ(fitted(1000, 200), 192);  // one short side is enough
  EXPECT_EQ(fitted(75, 75), 64);
  EXPECT_EQ(fitted(20, 25), 32);      // shorter than the multiple: padded to it
  EXPECT_EQ(fitted(256, 256), 256);
  EXPECT_EQ(fitted(900, 700), 256);
  // An automatic margin stays automatic (a quarter of the new overlap); an explicit one is
  // clamped to half of it, so that kept regions still meet.
  EXPECT_EQ(fit_tiling(cv::Size(240, 135), options).edge_margin, -1);
  EXPECT_EQ(resolve_edge_margin(fit_tiling(cv::Size(240, 135), options)), 8);
  options.edge_margin = 30;
  EXPECT_EQ(resolve_edge_margin(options), 30);
  EXPECT_EQ(fit_tiling(cv::Size(240, 135), options).edge_margin, 16);
  options.edge_margin = 0;
  EXPECT_EQ(fit_tiling(cv::Size(240, 135), options).edge_margin, 0);
}

// What the model sees of an image smaller than a tile: with a shrunk tile, only image pixels;
// reflect padding shows it mirror images.
TEST(TilerTest, ShrunkTilesOfASmallImageHoldOnlyImagePixels) {
  cv::Mat image(135, 240, CV_32FC1);  // each pixel's value is its index: a tile that is a crop
  for (int row = 0; row < image.rows; ++row) {   // of the image has value(0,0) + y * 240 + x
    for (int col = 0; col < image.cols; ++col) image.at<float>(row, col) = static_cast<float>(row * 240 + col);
  }
  const auto is_crop = [](const cv::Mat& tile) {
    const float origin = tile.at<float>(0, 0);
    for (int y = 0; y < tile.rows; ++y) {
      for (int x = 0; x < tile.cols; ++x) {
        if (tile.at<float>(y, x) != origin + static_cast<float>(y * 240 + x)) return false;
      }
    }
    return true;
  };
  for (const int multiple : {0, 32}) {
    TilingOptions options;
    options.tile_size = 256;
    options.batch_size = 4;
    options.small_image_multiple = multiple;
    int tiles = 0, crops = 0, side = 0;
    const auto record = [&](const std::vector<cv::Mat>& batch) {
      for (const auto& tile : batch) {
        ++tiles;
        crops += is_crop(tile);
        side = tile.rows;
      }
      return std::vector<cv::Mat>(batch.size(), cv::Mat(side, side, CV_32FC1, cv::Scalar(0.5f)));
    };
    const cv::Mat prob = predict_tiled(image, record, options);
    EXPECT_EQ(prob.size(), image.size());
    EXPECT_EQ(tiles, count_tiles(image.size(), options));
    if (multiple == 0) {
      EXPECT_EQ(side, 256);
      EXPECT_EQ(crops, 0) << "the padded tile holds mirrored rows";
    } else {
      EXPECT_EQ(side, 128);
      EXPECT_EQ(tiles, 6);  // 3 x 2 tiles of 128 (stride 96) over 240 x 135
      EXPECT_EQ(crops, tiles);
    }
  }
}

TEST(TilerTest, ShrunkTilesStayExactForALocalPredictor) {
  // Tiles of 64 shrink to 32 (multiple 16), whose automatic margin (2 px) covers the kernel radius.
  for (const cv::Size size : {cv::Size(50, 40), cv::Size(90, 40), cv::Size(40, 61)}) {
    const cv::Mat image = random_image(size.height, size.width, 11 + size.width);
    TilingOptions options;
    options.tile_size = 64;
    options.batch_size = 4;
    options.small_image_multiple = 16;
    ASSERT_EQ(fit_tiling(size, options).tile_size, 32);
    int tiles_seen = 0;
    const cv::Mat tiled = predict_tiled(image, conv_batch, options, [&](int n) { tiles_seen += n; });
    EXPECT_EQ(tiles_seen, count_tiles(size, options));
    EXPECT_LT(max_abs_diff(tiled, convolve(image)), 1e-5) << size;
  }
}

TEST(TilerTest, RejectsPredictorReturningWrongCount) {
  const cv::Mat image = random_image(40, 40, 1);
  TilingOptions options;
  options.tile_size = 32;
  options.batch_size = 4;
  const auto broken = [](const std::vector<cv::Mat>&) { return std::vector<cv::Mat>(); };
  EXPECT_THROW(predict_tiled(image, broken, options), Error);
}

TEST(TilerTest, RejectsAnUnresolvedBatchSize) {
  // 0 means "the predictor's" (predict_full resolves it); predict_tiled itself cannot run it.
  const cv::Mat image = random_image(40, 40, 1);
  TilingOptions options;
  options.tile_size = 32;
  ASSERT_EQ(options.batch_size, 0);
  try {
    predict_tiled(image, conv_batch, options);
    FAIL() << "expected Error";
  } catch (const Error& e) {
    EXPECT_NE(std::string(e.what()).find("batch_size"), std::string::npos) << e.what();
  }
}

}  // namespace
}  // namespace segoid::infer
