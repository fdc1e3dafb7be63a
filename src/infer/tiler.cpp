// SPDX-License-Identifier: MIT
// Tile planning and weighted blending of tile predictions into a whole-image probability map.
#include "segoid/infer/tiler.hpp"

#include <opencv2/core.hpp>

#include <algorithm>
#include <cmath>

#include "segoid/core/error.hpp"

namespace segoid::infer {
namespace {

/// nnU-Net and MONAI use sigma = tile * 1/8.
constexpr double kSigmaFraction = 1.0 / 8.0;

/// Flip codes of cv::flip for test-time augmentation: none, horizontal, vertical, both.
constexpr int kNoFlip = 2;
constexpr int kFlipCodes[] = {kNoFlip, 1, 0, -1};

void check_tiling(int tile, double overlap) {
  if (tile < 1) throw ConfigError("tile size must be at least 1 pixel, got " + std::to_string(tile));
  if (!(overlap >= 0.0 && overlap < 1.0)) {
    throw ConfigError("overlap must be in [0, 1), got " + std::to_string(overlap));
  }
}

int stride_of(int tile, double overlap) {
  return std::max(1, static_cast<int>(std::lround(tile * (1.0 - overlap))));
}

/// Pixels that neighbouring tiles share.
int overlap_of(int tile, double overlap) { return tile - stride_of(tile, overlap); }

/// Weight profile of the tile at `origin` on an axis of padded length `length`: the blending
/// profile with `margin` pixels zeroed on each side that lies inside the image.
std::vector<float> axis_weights(const std::vector<float>& profile, int origin, int length, int margin) {
  std::vector<float> w = profile;
  const int tile = static_cast<int>(w.size());
  if (origin > 0) std::fill(w.begin(), w.begin() + margin, 0.0f);
  if (origin + tile < length) std::fill(w.end() - margin, w.end(), 0.0f);
  return w;
}

cv::Mat unflip(const cv::Mat& map, int code) {
  if (code == kNoFlip) return map;
  cv::Mat out;
  cv::flip(map, out, code);
  return out;
}

}  // namespace

std::string to_string(BlendMode mode) { return mode == BlendMode::kGaussian ? "gaussian" : "mean"; }

BlendMode parse_blend_mode(const std::string& text) {
  if (text == "gaussian") return BlendMode::kGaussian;
  if (text == "mean") return BlendMode::kMean;
  throw ConfigError("blend must be gaussian or mean, got '" + text + "'");
}

std::vector<int> plan_axis(int length, int tile, double overlap) {
  check_tiling(tile, overlap);
  SEGOID_CHECK(length > 0, "plan_axis: empty axis");
  if (length <= tile) return {0};
  const int stride = stride_of(tile, overlap);
  std::vector<int> origins;
  for (int origin = 0; origin + tile < length; origin += stride) origins.push_back(origin);
  origins.push_back(length - tile);  // last tile flush with the border
  return origins;
}

std::vector<cv::Rect> plan_tiles(cv::Size image, int tile, double overlap) {
  const std::vector<int> rows = plan_axis(image.height, tile, overlap);
  const std::vector<int> cols = plan_axis(image.width, tile, overlap);
  std::vector<cv::Rect> tiles;
  tiles.reserve(rows.size() * cols.size());
  for (int row : rows) {
    for (int col : cols) tiles.emplace_back(col, row, tile, tile);
  }
  return tiles;
}

TilingOptions fit_tiling(cv::Size image, const TilingOptions& options) {
  TilingOptions fitted = options;
  const int multiple = options.small_image_multiple;
  const int shorter = std::min(image.width, image.height);
  if (multiple <= 0 || shorter >= options.tile_size) return fitted;
  fitted.tile_size = std::min(options.tile_size, std::max(multiple, shorter / multiple * multiple));
  if (options.edge_margin > 0) {
    const int overlap_px = overlap_of(fitted.tile_size, options.overlap);
    fitted.edge_margin = std::min(options.edge_margin, overlap_px / 2);
  }
  return fitted;
}

int count_tiles(cv::Size image, const TilingOptions& options) {
  const TilingOptions fitted = fit_tiling(image, options);
  return static_cast<int>(plan_tiles(image, fitted.tile_size, fitted.overlap).size()) * (fitted.flip_tta ? 4 : 1);
}

int resolve_edge_margin(const TilingOptions& options) {
  check_tiling(options.tile_size, options.overlap);
  const int overlap_px = overlap_of(options.tile_size, options.overlap);
  const int margin = options.edge_margin < 0 ? overlap_px / 4 : options.edge_margin;
  // Neighbouring kept regions must still meet: stride + 2 * margin <= tile.
  if (2 * margin > overlap_px) {
    throw ConfigError("edge margin " + std::to_string(margin) + " px is too large for tile " +
                      std::to_string(options.tile_size) + " with overlap " + std::to_string(overlap_px) +
                      " px: it must be at most half the overlap (" + std::to_string(overlap_px / 2) + " px)");
  }
  return margin;
}

std::vector<float> blend_profile(int tile, BlendMode mode) {
  SEGOID_CHECK(tile > 0, "blend_profile: tile must be positive");
  std::vector<float> profile(static_cast<std::size_t>(tile), 1.0f);
  if (mode == BlendMode::kMean) return profile;
  // Centred on the middle of the tile, so that a flipped tile gets the same weights.
  const double centre = (tile - 1) / 2.0;
  const double sigma = tile * kSigmaFraction;
  float min_nonzero = 1.0f;
  for (int i = 0; i < tile; ++i) {
    const double d = i - centre;
    profile[i] = static_cast<float>(std::exp(-d * d / (2.0 * sigma * sigma)));
    if (profile[i] > 0.0f) min_nonzero = std::min(min_nonzero, profile[i]);
  }
  // Weights that underflow to zero would leave pixels unweighted; clamp them as nnU-Net does.
  for (float& value : profile) value = std::max(value, min_nonzero);
  return profile;
}

cv::Mat predict_tiled(const cv::Mat& image, const TilePredictor& predict_batch, const TilingOptions& requested,
                      const TileProgress& progress) {
  SEGOID_CHECK(!image.empty() && image.type() == CV_32FC1, "predict_tiled: image must be non-empty CV_32FC1");
  SEGOID_CHECK(requested.batch_size >= 1, "predict_tiled: batch_size must be >= 1");
  const TilingOptions options = fit_tiling(image.size(), requested);
  const int tile = options.tile_size;
  const int margin = resolve_edge_margin(options);

  // Reflect-pad only the axes shorter than a tile, split evenly on both sides.
  const int padded_h = std::max(image.rows, tile);
  const int padded_w = std::max(image.cols, tile);
  const int pad_top = (padded_h - image.rows) / 2;
  const int pad_left = (padded_w - image.cols) / 2;
  cv::Mat source = image;
  if (padded_h != image.rows || padded_w != image.cols) {
    cv::copyMakeBorder(image, source, pad_top, padded_h - image.rows - pad_top, pad_left,
                       padded_w - image.cols - pad_left, cv::BORDER_REFLECT_101);
  }

  const std::vector<int> rows = plan_axis(padded_h, tile, options.overlap);
  const std::vector<int> cols = plan_axis(padded_w, tile, options.overlap);
  const std::vector<float> profile = blend_profile(tile, options.blend);
  std::vector<std::vector<float>> row_weights;
  std::vector<std::vector<float>> col_weights;
  // Tile weights are outer products w_row x w_col over a product grid, so their sum is the outer
  // product of the 1-D sums: no H x W weight accumulator is needed.
  std::vector<double> row_sum(padded_h, 0.0);
  std::vector<double> col_sum(padded_w, 0.0);
  for (int origin : rows) {
    row_weights.push_back(axis_weights(profile, origin, padded_h, margin));
    for (int i = 0; i < tile; ++i) row_sum[origin + i] += row_weights.back()[i];
  }
  for (int origin : cols) {
    col_weights.push_back(axis_weights(profile, origin, padded_w, margin));
    for (int i = 0; i < tile; ++i) col_sum[origin + i] += col_weights.back()[i];
  }

  struct TileRef {
    int row_idx;
    int col_idx;
  };
  std::vector<TileRef> plan;
  for (int r = 0; r < static_cast<int>(rows.size()); ++r) {
    for (int c = 0; c < static_cast<int>(cols.size()); ++c) plan.push_back({r, c});
  }

  cv::Mat accumulator(padded_h, padded_w, CV_32FC1, cv::Scalar(0));
  const int flips = options.flip_tta ? 4 : 1;
  std::vector<cv::Mat> batch;
  std::vector<cv::Mat> summed;
  for (std::size_t start = 0; start < plan.size(); start += options.batch_size) {
    const std::size_t end = std::min(plan.size(), start + static_cast<std::size_t>(options.batch_size));
    summed.assign(end - start, cv::Mat());
    for (int f = 0; f < flips; ++f) {
      const int code = kFlipCodes[f];
      batch.clear();
      for (std::size_t t = start; t < end; ++t) {
        const cv::Mat view = source(cv::Rect(cols[plan[t].col_idx], rows[plan[t].row_idx], tile, tile));
        batch.push_back(code == kNoFlip ? view : unflip(view, code));  // flip is its own inverse
      }
      const std::vector<cv::Mat> probs = predict_batch(batch);
      if (probs.size() != batch.size()) {
        throw Error("tile predictor returned " + std::to_string(probs.size()) + " maps for " +
                    std::to_string(batch.size()) + " tiles");
      }
      for (std::size_t i = 0; i < probs.size(); ++i) {
        if (probs[i].type() != CV_32FC1 || probs[i].rows != tile || probs[i].cols != tile) {
          throw Error("tile predictor returned a map that is not " + std::to_string(tile) + "x" +
                      std::to_string(tile) + " CV_32FC1");
        }
        const cv::Mat p = unflip(probs[i], code);
        if (summed[i].empty()) {
          summed[i] = p.clone();
        } else {
          summed[i] += p;
        }
      }
      if (progress) progress(static_cast<int>(end - start));
    }
    const float scale = 1.0f / static_cast<float>(flips);
    for (std::size_t i = 0; i < summed.size(); ++i) {
      const TileRef& ref = plan[start + i];
      const std::vector<float>& wr = row_weights[ref.row_idx];
      const std::vector<float>& wc = col_weights[ref.col_idx];
      const int y0 = rows[ref.row_idx];
      const int x0 = cols[ref.col_idx];
      for (int y = 0; y < tile; ++y) {
        if (wr[y] == 0.0f) continue;
        const float* p = summed[i].ptr<float>(y);
        float* acc = accumulator.ptr<float>(y0 + y) + x0;
        const float row_scale = wr[y] * scale;
        for (int x = 0; x < tile; ++x) acc[x] += p[x] * (row_scale * wc[x]);
      }
    }
  }

  for (int y = 0; y < padded_h; ++y) {
    float* acc = accumulator.ptr<float>(y);
    for (int x = 0; x < padded_w; ++x) {
      const double total = row_sum[y] * col_sum[x];
      SEGOID_CHECK(total > 0.0, "predict_tiled: a pixel received no tile weight");
      acc[x] = static_cast<float>(acc[x] / total);
    }
  }
  if (source.data == image.data) return accumulator;
  return accumulator(cv::Rect(pad_left, pad_top, image.cols, image.rows)).clone();
}

}  // namespace segoid::infer
