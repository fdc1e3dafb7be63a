// SPDX-License-Identifier: MIT
// The images of a predict_full run, from a manifest and/or --input, with unique output names.
#include "predict_inputs.hpp"

#include <spdlog/spdlog.h>

#include <map>
#include <set>

#include "segoid/core/error.hpp"
#include "segoid/data/manifest.hpp"
#include "segoid/infer/contract.hpp"

namespace segoid::infer::detail {
namespace fs = std::filesystem;

namespace {

const char* const kRunFiles[] = {contract::kPixelMetricsCsv, contract::kErrorsCsv, contract::kPredictMetaYaml};
const char* const kImageSuffixes[] = {contract::kPredMaskSuffix, contract::kPredProbSuffix};

bool ends_with(const std::string& text, const std::string& suffix) {
  return text.size() >= suffix.size() && text.compare(text.size() - suffix.size(), suffix.size(), suffix) == 0;
}

}  // namespace

bool is_prediction_output(const fs::path& file) {
  const std::string name = file.filename().string();
  for (const char* run_file : kRunFiles) {
    if (name == run_file) return true;
    // Shards' run files, e.g. pixel_metrics.shard-2-of-4.csv.
    const std::string plain = run_file;
    const std::size_t dot = plain.rfind('.');
    const std::string prefix = plain.substr(0, dot) + ".shard-";
    if (name.compare(0, prefix.size(), prefix) == 0 && ends_with(name, plain.substr(dot))) return true;
  }
  for (const char* suffix : kImageSuffixes) {
    if (ends_with(name, suffix)) return true;
  }
  return false;
}

std::set<std::string> own_output_names(const std::vector<InputItem>& items, const PredictConfig& config) {
  std::set<std::string> names;
  for (const char* run_file : kRunFiles) {
    names.insert(shard_file_name(run_file, config.shard_index, config.shard_count));
  }
  for (const InputItem& item : items) {
    for (const char* suffix : kImageSuffixes) names.insert(item.basename + suffix);
  }
  return names;
}

std::vector<InputItem> select_shard(const std::vector<InputItem>& items, const PredictConfig& config) {
  std::vector<InputItem> selected;
  for (std::size_t position = 0; position < items.size(); ++position) {
    if (in_shard(position, config.shard_index, config.shard_count)) selected.push_back(items[position]);
  }
  return selected;
}

std::vector<InputItem> manifest_inputs(const fs::path& manifest, const fs::path& data_root) {
  const data::Manifest rows = data::read_manifest(manifest);
  std::vector<InputItem> items;
  items.reserve(rows.rows.size());
  for (const data::ManifestRow& row : rows.rows) {
    InputItem item;
    item.image = data::resolve_data_path(row.image_path, data_root);
    if (!row.mask_path.empty()) item.mask = data::resolve_data_path(row.mask_path, data_root);
    item.basename = row.basename;
    // As the Python SegOid: an image whose ground truth is missing is predicted, without metrics.
    std::error_code ec;
    if (!item.mask.empty() && !fs::exists(item.mask, ec)) {
      spdlog::warn("ground truth \"{}\" of \"{}\" not found: predicting it without pixel metrics",
                   item.mask.string(), row.basename);
      item.mask.clear();
    }
    items.push_back(std::move(item));
  }
  return items;
}

std::vector<InputItem> gather_inputs(const PredictConfig& config) {
  std::vector<InputItem> items;
  if (!config.manifest.empty()) items = manifest_inputs(config.manifest, config.data_root);
  for (const fs::path& path : collect_inputs(config.inputs)) items.push_back({path, {}, path.stem().string()});
  // Two images with one stem would overwrite each other's outputs.
  std::map<std::string, fs::path> owners;
  for (const InputItem& item : items) {
    const auto [it, inserted] = owners.emplace(item.basename, item.image);
    if (!inserted) {
      throw ConfigError("inputs \"" + it->second.string() + "\" and \"" + item.image.string() +
                        "\" would both write \"" + item.basename + contract::kPredMaskSuffix + "\"; rename one or predict them "
                        "into separate output folders");
    }
  }
  return items;
}

}  // namespace segoid::infer::detail
