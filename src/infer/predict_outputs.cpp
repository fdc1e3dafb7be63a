// SPDX-License-Identifier: MIT
// predict_full's finish: pixel_metrics.csv, errors.csv and predict_meta.yaml (from the config rows).
#include <fmt/format.h>
#include <yaml-cpp/yaml.h>

#include <map>

#include "predict_run.hpp"
#include "segoid/core/atomic_file.hpp"
#include "segoid/core/error.hpp"
#include "segoid/core/provenance.hpp"
#include "segoid/infer/contract.hpp"

namespace segoid::infer::detail {
namespace fs = std::filesystem;

namespace {

std::string csv_field(const std::string& text) {
  if (text.find_first_of(",\"\n") == std::string::npos) return text;
  std::string quoted = "\"";
  for (char c : text) {
    if (c == '"') quoted += '"';
    quoted += c == '\n' ? ' ' : c;
  }
  return quoted + "\"";
}

std::string header_of(std::initializer_list<const char*> columns) {
  std::string text;
  for (const char* column : columns) text += (text.empty() ? "" : ",") + std::string(column);
  return text + "\n";
}

void write_metrics_csv(const fs::path& path, const std::vector<MetricsRow>& rows) {
  namespace k = contract;
  static_assert(k::kPixelMetricsColumns.size() == 3 && k::kPixelMetricsExtraColumns.size() == 5);
  std::string text = header_of({k::kImage, k::kDice, k::kIou, k::kBasename, k::kPrecision, k::kRecall,
                                k::kPredPixels, k::kTruePixels});
  for (const auto& row : rows) {
    const auto& m = row.metrics;
    text += fmt::format("{},{:.6f},{:.6f},{},{:.6f},{:.6f},{},{}\n", csv_field(row.image), m.dice, m.iou,
                        csv_field(row.basename), m.precision, m.recall, m.pred_pixels, m.true_pixels);
  }
  core::write_file_atomic(path, text);
}

void write_errors_csv(const fs::path& path, const std::vector<std::pair<std::string, std::string>>& errors) {
  std::string text = header_of({contract::kFile, contract::kErrorReason});
  for (const auto& [file, reason] : errors) text += csv_field(file) + "," + csv_field(reason) + "\n";
  core::write_file_atomic(path, text);
}

/// Shortest text that reads back as the same number.
std::string number(double value) { return fmt::format("{}", value); }

/// The resolved config's rows, with what the run adds in their sections: the model it used, the
/// shard, and how the inference form was chosen.
YAML::Node meta_sections(const PredictPlan& plan) {
  YAML::Node meta = core::snapshot_node(predict_config_table(), resolved_config(plan));
  const PredictConfig& c = plan.config;
  meta["input"]["shard"] = c.shard_index == 0 ? std::string("none") : fmt::format("{}/{}", c.shard_index, c.shard_count);
  if (!plan.predictor) return meta;
  const model::CheckpointInfo& checkpoint = plan.predictor->checkpoint();
  YAML::Node model = meta["model"];
  model["encoder"] = checkpoint.model.encoder;
  model["in_channels"] = checkpoint.model.in_channels;
  model["normalization"] = io::to_string(checkpoint.model.normalization);
  model["patch_size"] = checkpoint.model.patch_size;
  model["image_scale"] = number(checkpoint.model.image_scale);
  model["epoch"] = checkpoint.epoch;
  const PredictorRuntime& runtime = plan.predictor->runtime();
  YAML::Node out = meta["runtime"];
  // A measured choice's rates (tiles/s per candidate), under `key`; nothing when it was not measured.
  const auto write_rates = [&out](const char* key, const std::map<std::string, double>& rates) {
    if (rates.empty()) return;
    YAML::Node node = out[key];
    for (const auto& [candidate, rate] : rates) node[candidate] = number(rate);
  };
  out["inference_form_source"] = runtime.form_source;
  out["threads_source"] = runtime.threads_source;
  write_rates("threads_tiles_per_s", runtime.threads_rates);
  if (!runtime.int8_check.empty()) out["int8_check"] = runtime.int8_check;
  if (!runtime.int8_ranges.empty()) out["int8_ranges"] = runtime.int8_ranges;
  write_rates("inference_form_tiles_per_s", runtime.form_rates);
  out["batch_size_source"] = runtime.batch_source;
  write_rates("batch_size_tiles_per_s", runtime.batch_rates);
  return meta;
}

void write_meta(const fs::path& path, const PredictPlan& plan, const PredictSummary& summary) {
  YAML::Emitter out;
  out << YAML::BeginMap;
  core::emit_provenance(out);
  for (const auto& section : meta_sections(plan)) out << YAML::Key << section.first << YAML::Value << section.second;
  out << YAML::Key << "summary" << YAML::Value << YAML::BeginMap;
  out << YAML::Key << "images" << YAML::Value << summary.images_total;
  out << YAML::Key << "predicted" << YAML::Value << summary.images_done;
  out << YAML::Key << "failed" << YAML::Value << summary.images_failed;
  out << YAML::Key << "tiles" << YAML::Value << summary.tiles;
  out << YAML::Key << "tiles_skipped" << YAML::Value << summary.tiles_skipped;
  out << YAML::Key << "wall_seconds" << YAML::Value << number(summary.wall_seconds);
  out << YAML::Key << "model_seconds" << YAML::Value << number(summary.model_seconds) << YAML::EndMap;
  out << YAML::EndMap;
  SEGOID_CHECK(out.good(), std::string(contract::kPredictMetaYaml) + ": " + out.GetLastError());
  core::write_file_atomic(path, std::string(out.c_str()) + "\n");
}

}  // namespace

void write_run_files(const PredictPlan& plan, const RunRecord& record, const PredictSummary& summary) {
  if (!record.metrics.empty()) write_metrics_csv(plan.run_file(contract::kPixelMetricsCsv), record.metrics);
  if (!record.errors.empty()) write_errors_csv(plan.run_file(contract::kErrorsCsv), record.errors);
  write_meta(plan.run_file(contract::kPredictMetaYaml), plan, summary);
}

}  // namespace segoid::infer::detail
