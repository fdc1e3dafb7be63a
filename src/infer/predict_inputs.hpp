// SPDX-License-Identifier: MIT
// Internal to infer/: the list of images (and optional masks) one predict_full run works through.
#pragma once

#include <filesystem>
#include <set>
#include <string>
#include <vector>

#include "segoid/infer/predict_full.hpp"

namespace segoid::infer::detail {

/// One image to predict.
struct InputItem {
  std::filesystem::path image;
  std::filesystem::path mask;  ///< ground truth, empty when unknown
  std::string basename;        ///< output name stem
};

/// Manifest rows (image and mask paths resolved against data_root) followed by --input files.
/// Throws ConfigError for an unreadable manifest or two inputs sharing an output basename.
std::vector<InputItem> gather_inputs(const PredictConfig& config);

/// Rows of a manifest CSV (basename, image_path, optional mask_path; relative paths resolved
/// against `data_root`, or the working directory when empty). A mask_path whose file does not
/// exist is dropped with a warning (the image is predicted without metrics, as the Python
/// SegOid does). Throws IoError/DataError naming the file.
std::vector<InputItem> manifest_inputs(const std::filesystem::path& manifest, const std::filesystem::path& data_root);

/// The items of config's shard (all of them without a shard), in their original order.
std::vector<InputItem> select_shard(const std::vector<InputItem>& items, const PredictConfig& config);

/// File names (no folder) a run over `items` writes: per-image files and its (shard's) run files.
std::set<std::string> own_output_names(const std::vector<InputItem>& items, const PredictConfig& config);

/// True for file names predict_full writes into an output folder (per-image and run-level files,
/// shards' ones included).
bool is_prediction_output(const std::filesystem::path& file);

}  // namespace segoid::infer::detail
