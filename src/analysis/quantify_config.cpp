// SPDX-License-Identifier: MIT
// quantify_objects configuration: strict YAML loading and validation.
#include <fmt/format.h>

#include <cmath>
#include <string>

#include "segoid/analysis/quantify.hpp"
#include "segoid/core/config_node.hpp"
#include "segoid/core/error.hpp"

namespace segoid::analysis {

QuantifyConfig load_quantify_config(const std::filesystem::path& path) {
  QuantifyConfig config;
  core::ConfigNode root = core::ConfigNode::load(path);
  std::string text;
  core::ConfigNode input = root.section("input");
  if (input.get("pred_mask_dir", text)) config.pred_mask_dir = text;
  if (input.get("gt_manifest", text)) config.gt_manifest = text;
  if (input.get("data_root", text)) config.data_root = text;
  core::ConfigNode analysis = root.section("analysis");
  analysis.get("min_object_area", config.min_object_area);
  analysis.get("iou_match_threshold", config.iou_threshold);
  analysis.require_range("min_object_area", config.min_object_area, 0, 1e12);
  if (!(config.iou_threshold > 0 && config.iou_threshold <= 1)) {
    throw ConfigError(path.string() + ": " + analysis.full_key("iou_match_threshold") + " must be in (0, 1], got " +
                      fmt::format("{}", config.iou_threshold));
  }
  core::ConfigNode calibration = root.section("calibration");
  // `pixel_size_um: null` (the shipped default) means uncalibrated.
  if (calibration.has("pixel_size_um") && calibration.node()["pixel_size_um"].IsNull()) {
    calibration.accept({"pixel_size_um"});
  } else {
    calibration.get("pixel_size_um", config.pixel_size_um);
  }
  calibration.require_range("pixel_size_um", config.pixel_size_um, 0, 1e6);
  core::ConfigNode output = root.section("output");
  if (output.get("output_dir", text)) config.output_dir = text;
  output.get("generate_plots", config.generate_plots);
  root.finish();
  return config;
}

void validate_quantify_config(const QuantifyConfig& config) {
  if (config.pred_mask_dir.empty()) {
    throw ConfigError("no predicted-mask folder: give --pred-mask-dir or input.pred_mask_dir");
  }
  if (config.output_dir.empty()) throw ConfigError("no output folder: give --output-dir or output.output_dir");
  if (config.min_object_area < 0) {
    throw ConfigError("min_object_area must be >= 0 px, got " + std::to_string(config.min_object_area));
  }
  if (!(config.iou_threshold > 0 && config.iou_threshold <= 1)) {
    throw ConfigError("IoU match threshold must be in (0, 1], got " + fmt::format("{}", config.iou_threshold));
  }
  if (!(std::isfinite(config.pixel_size_um) && config.pixel_size_um >= 0)) {
    throw ConfigError("pixel size must be >= 0 µm (0 = uncalibrated), got " + fmt::format("{}", config.pixel_size_um));
  }
}

}  // namespace segoid::analysis
