// SPDX-License-Identifier: MIT
// Background tiles: the coarse pass and the marking of tiles whose coarse probability stays low.
#include "segoid/infer/tile_skip.hpp"

#include <opencv2/imgproc.hpp>

#include <algorithm>
#include <cmath>

#include "segoid/core/error.hpp"
#include "segoid/core/unet_size.hpp"

namespace segoid::infer {
namespace {
/// Largest coarse-pass tile side, pixels: a 1024 x 1024 forward pass of the U-Net holds ~1 GB of
/// activations; larger coarse images are tiled with the run's overlap.
constexpr int kCoarseTileMax = 1024;
}  // namespace

std::vector<bool> mark_background_tiles(const cv::Mat& coarse, const ImageTiling& tiling, double threshold,
                                        int margin) {
  SEGOID_CHECK(coarse.type() == CV_32FC1, "mark_background_tiles: the coarse map must be CV_32FC1");
  SEGOID_CHECK(margin >= 0, "mark_background_tiles: the margin must not be negative");
  std::vector<bool> skip(tiling.rows.size() * tiling.cols.size(), false);
  // A padded plan holds reflected pixels the coarse map does not cover; one tile or so: run it.
  if (coarse.size() != tiling.padded) return skip;
  const int tile = tiling.options.tile_size;
  const cv::Rect image(0, 0, coarse.cols, coarse.rows);
  std::size_t index = 0;
  for (const int row : tiling.rows) {
    for (const int col : tiling.cols) {
      const cv::Rect grown = cv::Rect(col - margin, row - margin, tile + 2 * margin, tile + 2 * margin) & image;
      double highest = 0.0;
      cv::minMaxLoc(coarse(grown), nullptr, &highest);
      skip[index++] = highest < threshold;
    }
  }
  return skip;
}

cv::Mat coarse_probability(const cv::Mat& image, const TilePredictor& predict_batch, const TilingOptions& tiling,
                           const TileSkipOptions& options, int* tiles_run) {
  SEGOID_CHECK(!image.empty() && image.type() == CV_32FC1, "coarse_probability: image must be non-empty CV_32FC1");
  SEGOID_CHECK(options.coarse_scale > 0.0 && options.coarse_scale <= 1.0,
               "coarse_probability: the coarse scale must be in (0, 1]");
  const cv::Size small(std::max(1, static_cast<int>(std::lround(image.cols * options.coarse_scale))),
                       std::max(1, static_cast<int>(std::lround(image.rows * options.coarse_scale))));
  cv::Mat reduced;
  cv::resize(image, reduced, small, 0, 0, cv::INTER_AREA);  // area: averages, as a lower magnification would
  // The small image in as few tiles as possible: one square tile over it (reflect-padded, the
  // padding cut off again) where it fits in kCoarseTileMax, so no overlap is paid twice.
  TilingOptions coarse_tiling = tiling;
  const int longer = std::max(reduced.cols, reduced.rows);
  const int multiple = core::kUnetSizeMultiple;
  coarse_tiling.tile_size = std::min(kCoarseTileMax, (longer + multiple - 1) / multiple * multiple);
  coarse_tiling.small_image_multiple = 0;
  coarse_tiling.edge_margin = -1;
  coarse_tiling.flip_tta = false;  // a look for anything at all, not the answer
  const ImageTiling plan = plan_image(reduced.size(), coarse_tiling);
  if (tiles_run != nullptr) *tiles_run = plan.tiles();
  cv::Mat prob = predict_tiled(reduced, predict_batch, plan);
  cv::resize(prob, prob, image.size(), 0, 0, cv::INTER_LINEAR);
  return prob;
}

}  // namespace segoid::infer
