// SPDX-License-Identifier: MIT
// quantify_objects: find predicted masks and their ground truth, measure, match, write outputs.
#include "segoid/analysis/quantify.hpp"

#include <spdlog/spdlog.h>

#include <algorithm>
#include <map>
#include <set>

#include "quantify_output.hpp"
#include "segoid/analysis/contract.hpp"
#include "segoid/analysis/object_outline.hpp"
#include "segoid/core/error.hpp"
#include "segoid/core/progress.hpp"
#include "segoid/data/contract.hpp"
#include "segoid/infer/contract.hpp"
#include "segoid/io/csv.hpp"
#include "segoid/io/image_io.hpp"

namespace segoid::analysis {
namespace fs = std::filesystem;
namespace {

constexpr const char* kPredSuffix = infer::contract::kPredMaskSuffix;

// basename -> predicted mask path, for every "<basename>_pred_mask.tif" in the folder.
std::map<std::string, fs::path> find_predictions(const fs::path& dir) {
  std::error_code ec;
  if (!fs::is_directory(dir, ec)) {
    throw IoError("cannot read predicted masks: \"" + dir.string() + "\" is not a folder");
  }
  std::map<std::string, fs::path> found;
  const std::string suffix = kPredSuffix;
  for (const auto& entry : fs::directory_iterator(dir)) {
    const std::string name = entry.path().filename().string();
    if (entry.is_regular_file() && name.size() > suffix.size() &&
        name.compare(name.size() - suffix.size(), suffix.size(), suffix) == 0) {
      found[name.substr(0, name.size() - suffix.size())] = entry.path();
    }
  }
  return found;
}

// basename -> ground-truth mask path (empty when the row has no mask), from the manifest.
std::map<std::string, fs::path> read_truth(const fs::path& manifest, const fs::path& data_root) {
  const io::CsvTable table = io::read_csv(manifest);
  const int basename_col = table.column_index(data::contract::kBasename);
  const int mask_col = table.column_index(data::contract::kMaskPath);
  if (basename_col < 0 || mask_col < 0) {
    throw DataError("manifest \"" + manifest.string() + "\" needs the columns " + data::contract::kBasename + " and " +
                    data::contract::kMaskPath);
  }
  std::map<std::string, fs::path> truth;
  for (std::size_t i = 0; i < table.rows.size(); ++i) {
    const std::string& basename = table.rows[i][basename_col];
    const std::string& mask = table.rows[i][mask_col];
    const std::string where = "manifest \"" + manifest.string() + "\" line " + std::to_string(table.row_lines[i]);
    if (basename.empty()) throw DataError(where + ": empty basename");
    if (truth.count(basename)) throw DataError(where + ": basename \"" + basename + "\" appears twice");
    fs::path path = mask;
    if (!mask.empty() && path.is_relative() && !data_root.empty()) path = data_root / path;
    truth[basename] = mask.empty() ? fs::path() : path;
  }
  return truth;
}

// Reads a mask file as binary (any non-zero pixel is object), labels and filters it; `meta`
// receives the file's metadata (its pixel size).
LabeledMask read_objects(const fs::path& path, int min_object_area, io::ImageMeta* meta = nullptr) {
  const io::Image image = io::read_image(path);
  if (meta) *meta = image.meta;
  cv::Mat binary;
  cv::compare(image.pixels, 0, binary, cv::CMP_NE);
  return remove_small_objects(label_objects(binary), min_object_area);
}

ImageQuantification quantify_image(const std::string& basename, const fs::path& pred_path, const fs::path& true_path,
                                   const QuantifyConfig& config) {
  ImageQuantification result;
  result.basename = basename;
  result.pred_mask_path = pred_path;
  result.true_mask_path = true_path;
  io::ImageMeta meta;
  const LabeledMask pred = read_objects(pred_path, config.min_object_area, &meta);
  result.objects = region_props(pred);
  if (config.write_roiset) {
    write_object_roiset(config.output_dir / contract::kRoiDir / (basename + contract::kRoiSetSuffix), pred);
  }
  if (config.pixel_size_um > 0) {
    result.pixel_size_um = config.pixel_size_um;
    result.pixel_size_source = contract::kSourceOption;
  } else if (meta.pixel_size_um > 0) {
    result.pixel_size_um = meta.pixel_size_um;
    result.pixel_size_source = contract::kSourceTiff;
  } else {
    result.pixel_size_source = contract::kSourceNone;
  }
  if (!true_path.empty()) {
    const LabeledMask truth = read_objects(true_path, config.min_object_area);
    if (truth.labels.size() != pred.labels.size()) {
      throw DataError("predicted mask \"" + pred_path.string() + "\" is " + std::to_string(pred.labels.cols) + "x" +
                      std::to_string(pred.labels.rows) + " but ground truth \"" + true_path.string() + "\" is " +
                      std::to_string(truth.labels.cols) + "x" + std::to_string(truth.labels.rows));
    }
    result.has_truth = true;
    result.eval = evaluate_instances(pred, truth, config.iou_threshold);
  }
  return result;
}

}  // namespace

QuantifySummary run_quantify(const QuantifyConfig& config) {
  validate_quantify_config(config);
  QuantifySummary summary;
  summary.config = config;
  const std::map<std::string, fs::path> predictions = find_predictions(config.pred_mask_dir);
  std::map<std::string, fs::path> truth;
  if (!config.gt_manifest.empty()) truth = read_truth(config.gt_manifest, config.data_root);

  for (const auto& [name, path] : truth) {
    if (!predictions.count(name)) {
      summary.failures.push_back({(config.pred_mask_dir / (name + kPredSuffix)).string(),
                                  "no predicted mask for manifest image \"" + name + "\""});
    }
  }
  if (predictions.empty()) {
    spdlog::warn("no *{} files in \"{}\"", kPredSuffix, config.pred_mask_dir.string());
  }

  core::Progress progress("quantify", static_cast<std::int64_t>(predictions.size()), "img");
  for (const auto& [name, pred_path] : predictions) {
    const auto found = truth.find(name);
    const fs::path true_path = found == truth.end() ? fs::path() : found->second;
    try {
      summary.images.push_back(quantify_image(name, pred_path, true_path, config));
    } catch (const Error& e) {
      // One bad file must not cost the others: record it (errors.csv) and go on.
      summary.failures.push_back({pred_path.string(), e.what()});
      spdlog::error("{}", e.what());
    }
    progress.advance();
  }
  progress.finish();
  finalize_summary(summary);
  write_quantify_outputs(summary);
  return summary;
}

}  // namespace segoid::analysis
