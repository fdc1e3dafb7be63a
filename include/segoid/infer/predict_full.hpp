// SPDX-License-Identifier: MIT
// `predict_full`: tiled prediction of whole images into masks, probability maps and pixel metrics.
#pragma once

#include <cstddef>
#include <filesystem>
#include <string>
#include <vector>

#include "segoid/core/config_table.hpp"
#include "segoid/infer/postprocess.hpp"
#include "segoid/infer/predictor.hpp"
#include "segoid/infer/tile_skip.hpp"
#include "segoid/infer/tiler.hpp"

namespace segoid::infer {

/// Everything predict_full needs. Config file keys in brackets; the rest are command-line only.
/// The inference, postprocess and runtime keys are members of the structs the library takes,
/// so each key has one default (in tiler.hpp, postprocess.hpp and predictor.hpp).
struct PredictConfig {
  std::filesystem::path checkpoint;            ///< [model.checkpoint] a SegOid or Python SegOid checkpoint
  std::filesystem::path manifest;              ///< [input.manifest] CSV: basename, image_path, mask_path (optional)
  std::filesystem::path data_root = "data";   ///< [input.data_root] base of relative manifest paths (the Python tool's default)
  std::vector<std::string> inputs;             ///< [input.images] files, folders or glob patterns
  /// [inference.tile_size] (0 = the checkpoint's patch size), [inference.overlap], [inference.batch_size],
  /// [inference.blend], [inference.edge_margin], [inference.tta].
  TilingOptions tiling;
  /// [inference.skip_background], [inference.skip_threshold], [inference.skip_coarse_scale]: a coarse
  /// pass at low resolution and the full pass only on tiles it finds something in (off by default).
  TileSkipOptions skip;
  /// [inference.scale] each image is resized by this factor before the model and its probability
  /// map back to full size: 0.25 when objects look 4x larger than in training (another objective or
  /// camera). Masks, probabilities and metrics stay at the image's own size. 1 = as is.
  double scale = 1.0;
  /// [inference.threshold] and [postprocess.*]: min_object_area, fill_holes, smooth_radius,
  /// split_touching, split_neck_ratio, min_mean_probability.
  PostprocessOptions postprocess;
  std::filesystem::path output_dir = "inference";  ///< [output.output_dir]
  bool save_probabilities = true;              ///< [output.save_probabilities] write <name>_pred_prob.tif
  /// [runtime.device], [runtime.threads], [runtime.inference_form]; runtime.cache_dir is the
  /// speed-choice cache (cli: ~/.cache/segoid; empty = no cache).
  PredictorOptions runtime;
  bool force = false;                          ///< also delete predictions of other images in output_dir
  /// --resume: continue an interrupted run in output_dir: images whose outputs are all there (each
  /// written atomically, so present means complete) are kept, and only the rest are predicted.
  bool resume = false;
  /// --shard i/n: this run predicts only the inputs at positions p (0-based, in the order
  /// gather/collect gives: manifest rows, then --input files with folders sorted by name) with
  /// p % n == i - 1, and writes its run-level files with a ".shard-<i>-of-<n>" infix. 0 = no sharding.
  int shard_index = 0;
  int shard_count = 1;  ///< n of --shard i/n; 1 when not sharded
};

/// Every key of predict.yaml (name, member, range or choices, help); see core/config_table.hpp.
const core::ConfigTable<PredictConfig>& predict_config_table();

/// Reads a predict config file into `config` (only keys present change it). Strict: unknown keys
/// and wrong types throw ConfigError naming the file and key.
void load_predict_config(const std::filesystem::path& path, PredictConfig& config);

/// Parses "--shard i/n" text ("2/4") into 1-based index and count. Throws ConfigError naming
/// --shard unless it is two integers with 1 <= i <= n.
void parse_shard(const std::string& text, int& shard_index, int& shard_count);

/// Whether input position `position` (0-based) belongs to shard `shard_index` of `shard_count`
/// (always true when shard_index is 0). Round-robin, so shards get equal shares of each plate.
bool in_shard(std::size_t position, int shard_index, int shard_count);

/// Run-level file name for a shard: "pixel_metrics.csv" -> "pixel_metrics.shard-2-of-4.csv";
/// unchanged when shard_index is 0.
std::string shard_file_name(const std::string& name, int shard_index, int shard_count);

/// Checks ranges and choices; throws ConfigError naming the option.
void validate_predict_config(const PredictConfig& config);

/// Outcome of a run.
struct PredictSummary {
  int images_total = 0;
  int images_done = 0;
  int images_failed = 0;     ///< listed in errors.csv
  int images_skipped = 0;    ///< --resume: complete outputs kept from an earlier run (counted in images_done)
  int images_with_truth = 0; ///< rows of pixel_metrics.csv
  double mean_dice = 0.0;    ///< over images with ground truth
  double std_dice = 0.0;
  double mean_iou = 0.0;
  double std_iou = 0.0;
  long long tiles = 0;       ///< forward-pass tiles (x4 with TTA), the coarse pass's included
  long long tiles_skipped = 0;  ///< full-pass tiles left out as background (inference.skip_background)
  double wall_seconds = 0.0;
  double model_seconds = 0.0;  ///< inside the network
  int exit_code() const { return images_failed > 0 ? 1 : 0; }
};

/// Predicts every input image and writes into config.output_dir, per image,
/// `<basename>_pred_mask.tif` (0/255) and `<basename>_pred_prob.tif` (float32, optional); then
/// `pixel_metrics.csv` for images with a manifest mask, `errors.csv` for images that failed, and
/// `predict_meta.yaml` (with a shard: `pixel_metrics.shard-<i>-of-<n>.csv` etc., see shard_file_name).
/// Earlier outputs of the same images (and the run files) are replaced, as the Python SegOid
/// re-runs into a folder; prediction files of other images are an error unless config.force,
/// which deletes them first (other files are left alone); a shard looks only at the files it
/// would write itself, so shards sharing one folder do not refuse each other. A manifest
/// mask_path whose file is missing gives no metrics for that image (a warning), as in Python. With config.resume, earlier outputs stay
/// and images that have them all are not predicted again (their pixel metrics are recomputed from
/// the kept mask); temporary files of a killed run are removed. A failing image is logged
/// and skipped. Throws ConfigError/ModelError/IoError for problems that stop the whole run.
PredictSummary run_predict_full(const PredictConfig& config);

/// Image files named by `inputs` (files as given, folders' image files sorted by name, glob
/// patterns expanded and sorted). Throws ConfigError for a pattern or path matching nothing.
std::vector<std::filesystem::path> collect_inputs(const std::vector<std::string>& inputs);

}  // namespace segoid::infer
