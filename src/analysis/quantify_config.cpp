// SPDX-License-Identifier: MIT
// quantify_objects configuration: strict YAML loading and validation.
#include <fmt/format.h>

#include <cstdlib>
#include <string>

#include "segoid/analysis/quantify.hpp"
#include "segoid/core/config_node.hpp"
#include "segoid/core/config_table.hpp"
#include "segoid/core/error.hpp"

namespace segoid::analysis {

const core::ConfigTable<QuantifyConfig>& quantify_config_table() {
  using core::key;
  using Q = QuantifyConfig;
  constexpr double kNoLimit = 1e9;
  // Every key of quantify.yaml, in file order. Add a key here (see core/config_table.hpp).
  static const core::ConfigTable<Q> table = {
      key<Q>("input.pred_mask_dir", &Q::pred_mask_dir).help("<basename>_pred_mask.tif files written by predict_full")
          .flag("--pred-mask-dir"),
      key<Q>("input.gt_manifest", &Q::gt_manifest).or_null()
          .help("optional CSV with basename,mask_path (null = measurements only)").flag("--gt-manifest"),
      key<Q>("input.data_root", &Q::data_root).help("base of relative manifest paths").flag("--data-root"),
      key<Q>("analysis.min_object_area", &Q::min_object_area).range(0, kNoLimit)
          .help("px; smaller objects are dropped from prediction AND truth").flag("--min-object-area"),
      key<Q>("analysis.iou_match_threshold", &Q::iou_threshold).range_above(0, 1)
          .help("a predicted and a true object match when IoU >= this").flag("--iou-threshold"),
      core::enum_key<Q>("calibration.pixel_size_um", {}, pixel_size_text,
                        [](Q& c, const std::string& text) { set_pixel_size(c, text, "calibration.pixel_size_um"); })
          .help("um per pixel: area in um2 and lengths in um; auto = each mask's TIFF calibration; "
                "null = pixels")
          .flag("--pixel-size"),
      key<Q>("output.output_dir", &Q::output_dir).help("tables and plots/ go here").flag("--output-dir"),
      key<Q>("output.generate_plots", &Q::generate_plots).help("histograms, counts and detection plots in plots/"),
      key<Q>("output.write_roiset", &Q::write_roiset)
          .help("one Fiji RoiSet.zip per image in rois/ (polygon ROIs named by object_id)").flag("--roiset"),
  };
  return table;
}

QuantifyConfig load_quantify_config(const std::filesystem::path& path) {
  QuantifyConfig config;
  core::ConfigNode root = core::ConfigNode::load(path);
  core::read_table(root, quantify_config_table(), config);
  root.finish();
  core::validate_table(quantify_config_table(), config, path.string());
  return config;
}

void validate_quantify_config(const QuantifyConfig& config) {
  if (config.pred_mask_dir.empty()) {
    throw ConfigError("no predicted-mask folder: give --pred-mask-dir or input.pred_mask_dir");
  }
  if (config.output_dir.empty()) throw ConfigError("no output folder: give --output-dir or output.output_dir");
  core::validate_table(quantify_config_table(), config, "quantify_objects options");
}

void set_pixel_size(QuantifyConfig& config, const std::string& text, const std::string& what) {
  constexpr double kMaxPixelSizeUm = 1e6;
  config.pixel_size_from_tiff = text == "auto";
  config.pixel_size_um = 0.0;
  if (config.pixel_size_from_tiff || text.empty() || text == "null" || text == "none" || text == "None") return;
  char* end = nullptr;
  const double value = std::strtod(text.c_str(), &end);
  if (end == text.c_str() || *end != '\0' || !(value > 0.0) || value > kMaxPixelSizeUm) {
    throw ConfigError(what + " must be a pixel size in um (> 0), auto (the TIFF calibration) or null (pixels), got '" +
                      text + "'");
  }
  config.pixel_size_um = value;
}

std::string pixel_size_text(const QuantifyConfig& config) {
  if (config.pixel_size_from_tiff) return "auto";
  if (!(config.pixel_size_um > 0.0)) return "null";
  return fmt::format("{}", config.pixel_size_um);
}

}  // namespace segoid::analysis
