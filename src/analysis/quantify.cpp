// SPDX-License-Identifier: MIT
// quantify_objects: find predicted masks and their ground truth, measure, match, write outputs.
#include "segoid/analysis/quantify.hpp"

#include <spdlog/spdlog.h>

#include <algorithm>
#include <map>
#include <set>
#include <vector>

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

// One manifest image: its basename and ground-truth mask path (empty when the row has none).
struct TruthEntry {
  std::string basename;
  fs::path mask;
};

// The manifest's images in its order.
std::vector<TruthEntry> read_truth(const fs::path& manifest, const fs::path& data_root) {
  const io::CsvTable table = io::read_csv(manifest);
  const int basename_col = table.column_index(data::contract::kBasename);
  const int mask_col = table.column_index(data::contract::kMaskPath);
  if (basename_col < 0 || mask_col < 0) {
    throw DataError("manifest \"" + manifest.string() + "\" needs the columns " + data::contract::kBasename + " and " +
                    data::contract::kMaskPath);
  }
  std::vector<TruthEntry> truth;
  std::set<std::string> seen;
  for (std::size_t i = 0; i < table.rows.size(); ++i) {
    const std::string& basename = table.rows[i][basename_col];
    const std::string& mask = table.rows[i][mask_col];
    const std::string where = "manifest \"" + manifest.string() + "\" line " + std::to_string(table.row_lines[i]);
    if (basename.empty()) throw DataError(where + ": empty basename");
    if (!seen.insert(basename).second) throw DataError(where + ": basename \"" + basename + "\" appears twice");
    fs::path path = mask;
    if (!mask.empty() && path.is_relative() && !data_root.empty()) path = data_root / path;
    truth.push_back({basename, mask.empty() ? fs::path() : path});
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
  } else if (config.pixel_size_from_tiff && meta.pixel_size_um > 0) {
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
  // What to measure: every prediction, or (with a manifest, as the Python SegOid) the manifest's
  // images that have one, in manifest order.
  std::vector<TruthEntry> work;
  if (config.gt_manifest.empty()) {
    for (const auto& [name, path] : predictions) work.push_back({name, fs::path()});
  } else {
    for (TruthEntry& entry : read_truth(config.gt_manifest, config.data_root)) {
      if (!predictions.count(entry.basename)) {
        spdlog::warn("no predicted mask \"{}\" for manifest image \"{}\": skipped",
                     (config.pred_mask_dir / (entry.basename + kPredSuffix)).string(), entry.basename);
        ++summary.skipped_without_prediction;
        continue;
      }
      if (!entry.mask.empty() && !fs::exists(entry.mask)) {
        spdlog::warn("ground truth \"{}\" of \"{}\" not found: measured without it", entry.mask.string(),
                     entry.basename);
        entry.mask.clear();
      }
      work.push_back(std::move(entry));
    }
  }
  if (predictions.empty()) {
    spdlog::warn("no *{} files in \"{}\"", kPredSuffix, config.pred_mask_dir.string());
  }

  core::Progress progress("quantify", static_cast<std::int64_t>(work.size()), "img");
  for (const TruthEntry& entry : work) {
    const fs::path& pred_path = predictions.at(entry.basename);
    try {
      summary.images.push_back(quantify_image(entry.basename, pred_path, entry.mask, config));
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
