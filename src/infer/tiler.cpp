// SPDX-License-Identifier: MIT
// Tile planning and weighted blending of tile predictions into a whole-image probability map.
#include "segoid/infer/tiler.hpp"

#include <opencv2/core.hpp>

#include <algorithm>
#include <cmath>

#include "segoid/core/enum_words.hpp"
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

/// Where an image of `size` lies inside the padded image (padding split evenly on both sides).
cv::Rect padded_region(cv::Size size, cv::Size padded) {
  return cv::Rect((padded.width - size.width) / 2, (padded.height - size.height) / 2, size.width, size.height);
}

/// `image` reflect-padded to `padded` (only the axes shorter than a tile), or `image` itself.
cv::Mat pad_to(const cv::Mat& image, cv::Size padded, const cv::Rect& inner) {
  if (padded == image.size()) return image;
  cv::Mat source;
  cv::copyMakeBorder(image, source, inner.y, padded.height - image.rows - inner.y, inner.x,
                     padded.width - image.cols - inner.x, cv::BORDER_REFLECT_101);
  return source;
}

/// The tiles of one image run through the predictor, a batch at a time, with flip TTA.
struct TiledRun {
  struct Position {
    int row_idx;
    int col_idx;
  };
  TiledRun(const cv::Mat& source, const ImageTiling& plan, const TilePredictor& predict_batch,
           const TileProgress& progress)
      : source(source), plan(plan), predict_batch(predict_batch), progress(progress) {
    const int cols = static_cast<int>(plan.cols.size());
    for (int r = 0; r < static_cast<int>(plan.rows.size()); ++r) {
      for (int c = 0; c < cols; ++c) {
        if (plan.skip.empty() || !plan.skip[static_cast<std::size_t>(r * cols + c)]) positions.push_back({r, c});
      }
    }
  }

  /// The summed (not yet averaged) probability maps of the tiles [start, end) over all flips.
  std::vector<cv::Mat> predict(std::size_t start, std::size_t end) const {
    const int tile = plan.options.tile_size;
    std::vector<cv::Mat> summed(end - start);
    std::vector<cv::Mat> batch;
    for (int f = 0; f < flips(); ++f) {
      const int code = kFlipCodes[f];
      batch.clear();
      for (std::size_t t = start; t < end; ++t) {
        const cv::Mat view = source(cv::Rect(plan.cols[positions[t].col_idx], plan.rows[positions[t].row_idx], tile, tile));
        batch.push_back(code == kNoFlip ? view : unflip(view, code));  // flip is its own inverse
      }
      const std::vector<cv::Mat> probs = predict_batch(batch);
      check_maps(probs, batch.size(), tile);
      for (std::size_t i = 0; i < probs.size(); ++i) {
        const cv::Mat p = unflip(probs[i], code);
        if (summed[i].empty()) {
          summed[i] = p.clone();
        } else {
          summed[i] += p;
        }
      }
      if (progress) progress(static_cast<int>(end - start));
    }
    return summed;
  }

  int flips() const { return plan.options.flip_tta ? 4 : 1; }

  static void check_maps(const std::vector<cv::Mat>& probs, std::size_t expected, int tile) {
    if (probs.size() != expected) {
      throw Error("tile predictor returned " + std::to_string(probs.size()) + " maps for " + std::to_string(expected) +
                  " tiles");
    }
    for (const cv::Mat& p : probs) {
      if (p.type() != CV_32FC1 || p.rows != tile || p.cols != tile) {
        throw Error("tile predictor returned a map that is not " + std::to_string(tile) + "x" + std::to_string(tile) +
                    " CV_32FC1");
      }
    }
  }

  const cv::Mat& source;
  const ImageTiling& plan;
  const TilePredictor& predict_batch;
  const TileProgress& progress;
  std::vector<Position> positions;
};

/// The weighted sum of tile maps over the padded image. Tile weights are outer products
/// w_row x w_col over a product grid, so their sum is the outer product of the 1-D sums: no
/// H x W weight accumulator is needed.
class Blend {
 public:
  explicit Blend(const ImageTiling& plan)
      : accumulator_(plan.padded, CV_32FC1, cv::Scalar(0)),
        row_sum_(plan.padded.height, 0.0),
        col_sum_(plan.padded.width, 0.0) {
    const int tile = plan.options.tile_size;
    const std::vector<float> profile = blend_profile(tile, plan.options.blend);
    for (int origin : plan.rows) {
      row_weights_.push_back(axis_weights(profile, origin, plan.padded.height, plan.edge_margin));
      for (int i = 0; i < tile; ++i) row_sum_[origin + i] += row_weights_.back()[i];
    }
    for (int origin : plan.cols) {
      col_weights_.push_back(axis_weights(profile, origin, plan.padded.width, plan.edge_margin));
      for (int i = 0; i < tile; ++i) col_sum_[origin + i] += col_weights_.back()[i];
    }
  }

  /// Adds the flip-summed maps of run.positions[start, start + summed.size()).
  void add(const TiledRun& run, std::size_t start, const std::vector<cv::Mat>& summed) {
    const int tile = run.plan.options.tile_size;
    const float scale = 1.0f / static_cast<float>(run.flips());
    for (std::size_t i = 0; i < summed.size(); ++i) {
      const TiledRun::Position& ref = run.positions[start + i];
      const std::vector<float>& wr = row_weights_[ref.row_idx];
      const std::vector<float>& wc = col_weights_[ref.col_idx];
      const int y0 = run.plan.rows[ref.row_idx];
      const int x0 = run.plan.cols[ref.col_idx];
      for (int y = 0; y < tile; ++y) {
        if (wr[y] == 0.0f) continue;
        const float* p = summed[i].ptr<float>(y);
        float* acc = accumulator_.ptr<float>(y0 + y) + x0;
        const float row_scale = wr[y] * scale;
        for (int x = 0; x < tile; ++x) acc[x] += p[x] * (row_scale * wc[x]);
      }
    }
  }

  /// The accumulator divided by the weight sum at every pixel.
  cv::Mat normalized() {
    for (int y = 0; y < accumulator_.rows; ++y) {
      float* acc = accumulator_.ptr<float>(y);
      for (int x = 0; x < accumulator_.cols; ++x) {
        const double total = row_sum_[y] * col_sum_[x];
        SEGOID_CHECK(total > 0.0, "predict_tiled: a pixel received no tile weight");
        acc[x] = static_cast<float>(acc[x] / total);
      }
    }
    return accumulator_;
  }

 private:
  cv::Mat accumulator_;
  std::vector<double> row_sum_;
  std::vector<double> col_sum_;
  std::vector<std::vector<float>> row_weights_;
  std::vector<std::vector<float>> col_weights_;
};

}  // namespace

const core::EnumWords<BlendMode> kBlendWords{{BlendMode::kGaussian, "gaussian"}, {BlendMode::kMean, "mean"}};
std::string to_string(BlendMode mode) { return kBlendWords.word(mode); }
BlendMode parse_blend_mode(const std::string& text) { return kBlendWords.parse(text, "blend"); }

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

int ImageTiling::tiles() const {
  const auto skipped = std::count(skip.begin(), skip.end(), true);
  return static_cast<int>(rows.size() * cols.size() - skipped) * (options.flip_tta ? 4 : 1);
}

ImageTiling plan_image(cv::Size image, const TilingOptions& options) {
  ImageTiling plan;
  plan.options = fit_tiling(image, options);
  const int tile = plan.options.tile_size;
  check_tiling(tile, plan.options.overlap);
  plan.padded = cv::Size(std::max(image.width, tile), std::max(image.height, tile));
  plan.rows = plan_axis(plan.padded.height, tile, plan.options.overlap);
  plan.cols = plan_axis(plan.padded.width, tile, plan.options.overlap);
  plan.edge_margin = resolve_edge_margin(plan.options);
  return plan;
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

cv::Mat predict_tiled(const cv::Mat& image, const TilePredictor& predict_batch, const TilingOptions& options,
                      const TileProgress& progress) {
  SEGOID_CHECK(!image.empty(), "predict_tiled: image must be non-empty CV_32FC1");
  return predict_tiled(image, predict_batch, plan_image(image.size(), options), progress);
}

cv::Mat predict_tiled(const cv::Mat& image, const TilePredictor& predict_batch, const ImageTiling& plan,
                      const TileProgress& progress) {
  SEGOID_CHECK(!image.empty() && image.type() == CV_32FC1, "predict_tiled: image must be non-empty CV_32FC1");
  SEGOID_CHECK(plan.options.batch_size >= 1, "predict_tiled: batch_size must be >= 1 (0 is resolved by predict_full)");
  SEGOID_CHECK(plan.padded == cv::Size(std::max(image.cols, plan.options.tile_size),
                                       std::max(image.rows, plan.options.tile_size)),
               "predict_tiled: the tiling was planned for another image size");
  SEGOID_CHECK(plan.skip.empty() || plan.skip.size() == plan.rows.size() * plan.cols.size(),
               "predict_tiled: the skipped tiles do not match the plan");
  const cv::Rect inner = padded_region(image.size(), plan.padded);
  const cv::Mat source = pad_to(image, plan.padded, inner);
  Blend blend(plan);
  TiledRun run{source, plan, predict_batch, progress};
  for (std::size_t start = 0; start < run.positions.size(); start += plan.options.batch_size) {
    const std::size_t end = std::min(run.positions.size(), start + static_cast<std::size_t>(plan.options.batch_size));
    blend.add(run, start, run.predict(start, end));
  }
  cv::Mat accumulator = blend.normalized();
  if (source.data == image.data) return accumulator;
  return accumulator(inner).clone();
}

}  // namespace segoid::infer
