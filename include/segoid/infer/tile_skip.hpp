// SPDX-License-Identifier: MIT
// Background tiles: a coarse pass of the model at low resolution marks the tiles that hold no object,
// and the full pass skips them (their probability is 0).
#pragma once

#include <opencv2/core.hpp>

#include <vector>

#include "segoid/infer/tiler.hpp"

namespace segoid::infer {

/// predict.yaml's `inference.skip_*` keys; each default here is the key's only default.
struct TileSkipOptions {
  bool enabled = false;  ///< [inference.skip_background] run the coarse pass and skip background tiles
  /// [inference.skip_threshold] a tile is background when the coarse probability stays below this
  /// everywhere on the tile (grown by kSkipMarginPx)
  double threshold = 0.05;
  /// [inference.skip_coarse_scale] the coarse pass sees the image at this fraction of the model's
  /// scale (0.5: a quarter of the pixels)
  double coarse_scale = 0.5;
};

/// Pixels (at the model's scale) by which a tile is grown before its coarse probability is
/// looked at: the coarse map is blurred by its upsampling, so an object's rim can fall just outside.
constexpr int kSkipMarginPx = 8;

/// Which tiles of `tiling` (row-major, as ImageTiling orders them) are background: the coarse
/// probability map `coarse` (CV_32FC1, the size of the image that `tiling` was planned for) is
/// below `threshold` everywhere on the tile grown by `margin` px. An image smaller than a tile (its
/// plan is padded) skips nothing. Throws Error when `coarse` does not fit the plan.
std::vector<bool> mark_background_tiles(const cv::Mat& coarse, const ImageTiling& tiling, double threshold,
                                        int margin = kSkipMarginPx);

/// The coarse pass: `image` (CV_32FC1 at the model's scale) resized by `options.coarse_scale`,
/// predicted in one square tile over it (up to 1024 px; larger ones with `tiling`'s overlap and
/// blending, no flip TTA), and its probability map resized back to the image's size. `tiles_run`, when given, receives the number of forward-pass tiles it took.
cv::Mat coarse_probability(const cv::Mat& image, const TilePredictor& predict_batch, const TilingOptions& tiling,
                           const TileSkipOptions& options, int* tiles_run = nullptr);

}  // namespace segoid::infer
