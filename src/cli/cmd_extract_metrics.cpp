// SPDX-License-Identifier: MIT
// `segoid extract_metrics`: measurements of predicted masks without ground truth.
#include <iostream>

#include "command_registry.hpp"
#include "segoid/analysis/extract_metrics.hpp"

namespace segoid::cli::cmd_extract_metrics {
namespace {

struct ExtractOptions {
  analysis::ExtractMetricsConfig config;
  std::string pixel_size;
};

void declare(CLI::App& sub, ExtractOptions& o) {
  analysis::ExtractMetricsConfig& c = o.config;
  sub.add_option("--pred-mask-dir", c.pred_mask_dir, "Folder of <basename>_pred_mask.tif (predict_full)")
      ->required();
  sub.add_option("--output-dir", c.output_dir, "Output folder")->required();
  sub.add_option("--min-object-area", c.min_object_area, "Drop objects smaller than this (px)")
      ->capture_default_str()
      ->check(CLI::NonNegativeNumber);
  sub.add_option("--pixel-size", o.pixel_size,
                 "Pixel size in µm: area in µm², lengths in µm; auto = each mask's TIFF calibration "
                 "[pixels, as the Python SegOid]");
  sub.add_flag("--roiset", c.write_roiset, "Also write rois/<basename>_RoiSet.zip (Fiji ROIs named by object_id)");
  sub.footer("summary_statistics.csv has pandas describe()'s layout: rows count, mean, std (sample), min, 25%,\n"
             "50%, 75%, max; one column per column of the Python SegOid's all_objects.csv but image and\n"
             "object_id.");
}

int run(ExtractOptions& o) {
  analysis::set_pixel_size(o.config, o.pixel_size, "--pixel-size");  // as quantify_objects reads it
  const analysis::QuantifySummary summary = analysis::run_extract_metrics(o.config);
  std::cout << analysis::format_quantify_summary(summary)
            << "  summary statistics: " << (o.config.output_dir / "summary_statistics.csv").string() << "\n";
  return summary.failures.empty() ? 0 : 1;
}

const bool kRegistered = register_command(
    {"extract_metrics",
     {},
     "Measure predicted objects without ground truth: per-image CSVs, all_objects.csv, summary_statistics.csv",
     62,
     options_setup(declare, run)});

}  // namespace
}  // namespace segoid::cli::cmd_extract_metrics
