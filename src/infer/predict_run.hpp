// SPDX-License-Identifier: MIT
// Internal to infer/: one predict_full run in three parts, plan (predict_plan.cpp), per image
// (predict_image.cpp) and finish (predict_outputs.cpp); run_predict_full chains them.
#pragma once

#include <opencv2/core.hpp>

#include <cstdint>
#include <filesystem>
#include <optional>
#include <string>
#include <utility>
#include <vector>

#include "predict_inputs.hpp"
#include "segoid/data/mask_metrics.hpp"
#include "segoid/infer/predict_full.hpp"
#include "segoid/io/normalization.hpp"

namespace segoid::infer::detail {

/// What a run decided before its first image.
struct PredictPlan {
  PredictConfig config;           ///< as given
  std::vector<InputItem> items;   ///< this shard's inputs, in order
  std::size_t all_inputs = 0;     ///< inputs of every shard
  std::vector<bool> kept;         ///< --resume: the image's outputs are all there already
  int kept_count = 0;
  std::optional<Predictor> predictor;  ///< empty when the shard has no images
  /// The run's tiling: the config's, with the tile size resolved by the predictor and small
  /// images tiled at the largest multiple of 32 that fits.
  TilingOptions tiling;
  io::Normalization normalization = io::Normalization::kPercentile;  ///< the model's
  double model_scale = 1.0;       ///< inference.scale x model.image_scale: images at the model
  std::vector<std::int64_t> planned_tiles;  ///< per image, from its header (0 when unreadable)

  /// A run-level file of this run (with the shard infix).
  std::filesystem::path run_file(const std::string& name) const;
  std::filesystem::path mask_path(const InputItem& item) const;
  std::filesystem::path prob_path(const InputItem& item) const;
};

/// Checks the config, gathers this shard's inputs, prepares the output folder (replacing this run's
/// earlier outputs, refusing other images' unless --force clears them, with --resume keeping them),
/// loads the predictor and plans the tiles. Throws ConfigError, ModelError or IoError for what stops the whole run.
PredictPlan plan_run(const PredictConfig& config);

/// One pixel-metrics row.
struct MetricsRow {
  std::string image;     ///< file name with extension (Python's `image`)
  std::string basename;
  data::PixelMetrics metrics;
};

/// What the images of a run gave: metrics of those with truth, errors of those that failed.
struct RunRecord {
  std::vector<MetricsRow> metrics;
  std::vector<std::pair<std::string, std::string>> errors;  ///< (image file, reason)
  int done = 0;
  long long tiles = 0;
  long long tiles_skipped = 0;  ///< background tiles the full pass left out
};

/// Predicts, post-processes and writes every image of `plan` (reading the next image and writing
/// the last one while the model runs), recording what each gave. A full disk stops the run with
/// that error (IoError); any other failure of an image is recorded and the run goes on.
RunRecord predict_images(const PredictPlan& plan);

/// `config` as the run resolved it (the tile size, the edge margin in effect, the device,
/// threads and inference form in use, the checkpoint's absolute path): what predict_meta.yaml records.
PredictConfig resolved_config(const PredictPlan& plan);

/// pixel_metrics.csv, errors.csv (each only when it has rows) and predict_meta.yaml of the run.
void write_run_files(const PredictPlan& plan, const RunRecord& record, const PredictSummary& summary);

}  // namespace segoid::infer::detail
