// SPDX-License-Identifier: MIT
// quantify_objects plots: distributions of object measures and per-image detection quality.
#include "segoid/report/quantify_report.hpp"

#include <fmt/format.h>

#include <cmath>

#include "segoid/analysis/contract.hpp"
#include "segoid/report/plots.hpp"

namespace segoid::report {
namespace fs = std::filesystem;

std::vector<fs::path> write_quantify_plots(const analysis::QuantifySummary& summary, const fs::path& plots_dir) {
  // µm when every image has a pixel size (as the tables' area column), pixels otherwise.
  bool calibrated = !summary.images.empty();
  for (const auto& image : summary.images) calibrated = calibrated && image.pixel_size_um > 0;
  std::vector<double> area, diameter, circularity;
  for (const auto& image : summary.images) {
    const double px = calibrated ? image.pixel_size_um : 1.0;
    for (const auto& p : image.objects) {
      area.push_back(p.area * px * px);
      diameter.push_back(p.equivalent_diameter * px);
      circularity.push_back(p.circularity);
    }
  }
  std::vector<fs::path> written;
  const std::string objects = "objects";
  const auto histogram = [&](const std::vector<double>& values, const std::string& file, const std::string& title,
                             const std::string& x_label, const std::string& unit) {
    plot_histogram(values, plots_dir / file, PlotSpec{title, x_label, objects, unit});
    written.push_back(plots_dir / file);
  };
  histogram(area, "area_histogram.png", "Object area", calibrated ? "area (µm²)" : "area (px²)",
            calibrated ? "µm²" : "px²");
  histogram(diameter, "equivalent_diameter_histogram.png", "Equivalent diameter",
            calibrated ? "equivalent diameter (µm)" : "equivalent diameter (px)", calibrated ? "µm" : "px");
  histogram(circularity, "circularity_histogram.png", "Circularity",
            "circularity 4πA/P² (1 = ideal disc; a digital disc reads ~0.91)", "");

  std::vector<std::string> names;
  std::vector<double> n_true, n_pred, precision, recall, f1;
  for (const auto& image : summary.images) {
    if (!image.has_truth) continue;
    names.push_back(image.basename);
    n_true.push_back(image.eval.n_true);
    n_pred.push_back(image.eval.n_pred);
    precision.push_back(image.eval.scores.precision);
    recall.push_back(image.eval.scores.recall);
    f1.push_back(image.eval.scores.f1);
  }
  if (!names.empty()) {
    plot_scatter_identity(n_true, n_pred, plots_dir / "object_counts.png",
                          PlotSpec{"Objects per image", "true objects", "predicted objects", "", 800, 800});
    written.push_back(plots_dir / "object_counts.png");
    const std::string title = fmt::format("Detection per image (IoU ≥ {})", summary.config.iou_threshold);
    plot_grouped_bars(names, {{"precision", precision}, {"recall", recall}, {"F1", f1}},
                      plots_dir / "detection_per_image.png", PlotSpec{title, names.size() <= 30 ? "image" : "image (row of instance_eval.csv, from 0)", "score", ""});
    written.push_back(plots_dir / "detection_per_image.png");
  }
  // The Python SegOid's one combined figure, beside the separate plots.
  combine_plots(written, plots_dir / analysis::contract::kSummaryPlotsPng);
  written.push_back(plots_dir / analysis::contract::kSummaryPlotsPng);
  return written;
}

analysis::QuantifySummary run_quantify_report(const analysis::QuantifyConfig& config) {
  analysis::QuantifySummary summary = analysis::run_quantify(config);
  if (config.generate_plots) write_quantify_plots(summary, config.output_dir / analysis::contract::kPlotsDir);
  return summary;
}

}  // namespace segoid::report
