// SPDX-License-Identifier: MIT
// `segoid quantify_objects` (alias `quantify`): per-object measurements and detection scores.
#include <iostream>

#include "command_registry.hpp"
#include "key_help.hpp"
#include "segoid/analysis/quantify.hpp"
#include "segoid/report/quantify_report.hpp"

namespace segoid::cli {
namespace {

struct QuantifyOptions {
  std::string config, pred_mask_dir, gt_manifest, data_root, output_dir;
  int min_object_area = 0;
  double iou_threshold = 0, pixel_size = 0;
  bool no_plots = false;
};

const bool kRegistered = register_command({
    "quantify_objects",
    {"quantify"},
    "Measure predicted objects (regionprops) and score detection against ground truth",
    60,
    [](CLI::App& sub) -> std::function<int()> {
      auto opts = std::make_shared<QuantifyOptions>();
      const analysis::QuantifyConfig defaults;
      sub.add_option("--config", opts->config, "YAML config (configs/quantify.yaml); flags override it")
          ->check(CLI::ExistingFile);
      auto* pred = sub.add_option("--pred-mask-dir", opts->pred_mask_dir, "Folder of <basename>_pred_mask.tif");
      auto* gt = sub.add_option("--gt-manifest", opts->gt_manifest, "Manifest CSV with basename,mask_path (optional)");
      const core::ConfigTable& table = analysis::quantify_config_table();
      auto* root = sub.add_option("--data-root", opts->data_root, key_help(table, "input.data_root", &defaults));
      auto* out = sub.add_option("--output-dir", opts->output_dir, key_help(table, "output.output_dir", &defaults));
      auto* area = sub.add_option("--min-object-area", opts->min_object_area,
                                  key_help(table, "analysis.min_object_area", &defaults));
      auto* iou = sub.add_option("--iou-threshold", opts->iou_threshold,
                                 key_help(table, "analysis.iou_match_threshold", &defaults));
      auto* px = sub.add_option("--pixel-size", opts->pixel_size, key_help(table, "calibration.pixel_size_um", &defaults));
      auto* plots = sub.add_flag("--no-plots", opts->no_plots, "Do not write plots/");
      return [=] {
        analysis::QuantifyConfig config;
        if (!opts->config.empty()) config = analysis::load_quantify_config(opts->config);
        if (pred->count()) config.pred_mask_dir = opts->pred_mask_dir;
        if (gt->count()) config.gt_manifest = opts->gt_manifest;
        if (root->count()) config.data_root = opts->data_root;
        if (out->count()) config.output_dir = opts->output_dir;
        if (area->count()) config.min_object_area = opts->min_object_area;
        if (iou->count()) config.iou_threshold = opts->iou_threshold;
        if (px->count()) config.pixel_size_um = opts->pixel_size;
        if (plots->count()) config.generate_plots = false;
        const analysis::QuantifySummary summary = report::run_quantify_report(config);
        std::cout << analysis::format_quantify_summary(summary);
        return summary.failures.empty() ? 0 : 1;
      };
    }});

}  // namespace
}  // namespace segoid::cli
