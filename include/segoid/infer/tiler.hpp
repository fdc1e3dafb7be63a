// SPDX-License-Identifier: MIT
// Sliding-window prediction of a whole image from fixed-size tiles, blended without seams.
#pragma once

#include <opencv2/core.hpp>

#include <functional>
#include <string>
#include <vector>

namespace segoid::infer {

/// How overlapping tile predictions are combined.
enum class BlendMode {
  kGaussian,  ///< importance map, sigma = tile/8, centre weight 1 (nnU-Net, MONAI); no seams
  kMean,      ///< uniform weights: the plain average of the Python SegOid
};

/// "gaussian" / "mean".
std::string to_string(BlendMode mode);
/// Parses "gaussian" or "mean"; throws ConfigError otherwise.
BlendMode parse_blend_mode(const std::string& text);

/// Tile origins along one axis of `length` pixels: 0, stride, 2*stride, ... and a last tile flush
/// with the end (length - tile). A length <= tile gives {0} (the axis is padded to `tile`).
/// stride = round(tile * (1 - overlap)), at least 1. Throws ConfigError for tile < 1 or
/// overlap outside [0, 1).
std::vector<int> plan_axis(int length, int tile, double overlap);

/// Tiles of size tile x tile covering an image of `image` size, row-major. Rectangles are in the
/// coordinates of the image padded to at least tile x tile (padding only where the image is
/// smaller than a tile), so every rectangle lies inside max(image, tile).
std::vector<cv::Rect> plan_tiles(cv::Size image, int tile, double overlap);

/// Runs the model on a batch of tiles. Input: N tiles, tile x tile, CV_32FC1 (normalized image).
/// Output: N maps of the same size, CV_32FC1 foreground probabilities in [0, 1].
/// Probabilities (not logits) are blended, as the Python SegOid does.
using TilePredictor = std::function<std::vector<cv::Mat>(const std::vector<cv::Mat>& tiles)>;

/// Called after each batch with the number of tiles finished in it.
using TileProgress = std::function<void(int tiles_done)>;

/// Tiling parameters: predict.yaml's `inference:` keys (tile_size, overlap, batch_size, blend,
/// edge_margin, tta); each default here is the key's only default.
struct TilingOptions {
  /// Pixels, square tiles. 0 = the model's default tile size (its training patch): predict_full
  /// resolves it through the Predictor; predict_tiled needs a positive side.
  int tile_size = 0;
  double overlap = 0.25;          ///< fraction of the tile shared by neighbours, [0, 1)
  /// Tiles per predictor call. 0 = the predictor's (measured on this machine, see
  /// PredictorOptions::batch_size): predict_full resolves it; predict_tiled needs a positive one.
  int batch_size = 0;
  BlendMode blend = BlendMode::kGaussian;
  /// Pixels discarded at each tile side that lies inside the image (not on its border), where a
  /// network sees zero padding instead of context. -1 = automatic: a quarter of the overlap.
  /// 0 keeps whole tiles (the Python SegOid). Must satisfy 2 * margin <= tile - stride.
  int edge_margin = -1;
  bool flip_tta = false;          ///< average identity, h, v and hv flips (4x the model cost)
  /// An image with a side shorter than tile_size: 0 reflect-pads it to the tile; N > 0 shrinks
  /// the tile instead, to the largest multiple of N within the shorter side (at least N, padding
  /// only what is left), so that a model sees no mirrored image. A mirrored copy of a bright
  /// corner joins it into a closed blob that a segmentation model takes for an object.
  int small_image_multiple = 0;
};

/// The tiling predict_tiled() uses for an image of `image` size: `options` with tile_size shrunk
/// for small images (see small_image_multiple) and an edge margin that fits the tile (automatic
/// stays automatic; an explicit one is clamped to half the overlap).
TilingOptions fit_tiling(cv::Size image, const TilingOptions& options);

/// One image's tiling, fitted once: fit_tiling's options, the tile origins on the image padded
/// to at least a tile per axis, and the edge margin in effect.
struct ImageTiling {
  TilingOptions options;   ///< fit_tiling(image, requested)
  cv::Size padded;         ///< max(image, tile) per axis
  std::vector<int> rows;   ///< tile origins along y (plan_axis of padded.height)
  std::vector<int> cols;   ///< tile origins along x
  int edge_margin = 0;     ///< resolve_edge_margin(options)
  /// Tiles left out, row-major (rows x cols; empty = none): their probability counts as 0, with
  /// their blending weight, as if the model had said background (see tile_skip.hpp).
  std::vector<bool> skip;
  /// Forward-pass tiles: rows x cols less the skipped ones, x4 with flip TTA.
  int tiles() const;
};

/// The tiling of an image of `image` size. Throws ConfigError for a bad tile, overlap or margin.
ImageTiling plan_image(cv::Size image, const TilingOptions& options);

/// Number of tiles predict_tiled() runs for `image` (for progress bars), after fit_tiling().
int count_tiles(cv::Size image, const TilingOptions& options);

/// Edge margin in effect for `options` (resolves -1). Throws ConfigError when too large.
int resolve_edge_margin(const TilingOptions& options);

/// Predicts a whole CV_32FC1 image tile by tile (with fit_tiling(image.size(), options)) and
/// returns an H x W CV_32FC1 probability map.
/// Memory: the padded image (only when smaller than a tile), one H x W accumulator and one batch
/// of tiles; the weight sum is separable and kept as two 1-D profiles. Throws the predictor's
/// errors, or Error when it returns maps of the wrong count, size or type.
cv::Mat predict_tiled(const cv::Mat& image, const TilePredictor& predict_batch,
                      const TilingOptions& options, const TileProgress& progress = {});
/// The same with the image's tiling planned already (plan_image of image.size()).
cv::Mat predict_tiled(const cv::Mat& image, const TilePredictor& predict_batch, const ImageTiling& tiling,
                      const TileProgress& progress = {});

/// The 1-D blending profile of a tile (length tile): gaussian exp(-d^2 / (2 sigma^2)) with
/// sigma = tile/8, normalized to max 1, values below the smallest nonzero one clamped up; or ones.
std::vector<float> blend_profile(int tile, BlendMode mode);

}  // namespace segoid::infer
