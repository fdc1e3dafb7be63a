// SPDX-License-Identifier: MIT
// The plate demo: synthetic assay -> predict_full -> quantify_objects -> plate_summary -> truth.
#include "segoid/pipeline/plate_demo.hpp"

#include <fmt/format.h>

#include <chrono>
#include <cmath>
#include <iostream>
#include <limits>
#include <map>

#include "segoid/analysis/contract.hpp"
#include "segoid/analysis/quantify.hpp"
#include "segoid/core/atomic_file.hpp"
#include "segoid/core/error.hpp"
#include "segoid/data/contract.hpp"
#include "segoid/infer/predict_full.hpp"
#include "segoid/io/csv.hpp"
#include "segoid/report/plate_report.hpp"

namespace segoid::pipeline {
namespace fs = std::filesystem;
namespace {


std::string number(double v) { return std::isfinite(v) ? fmt::format("{:.6g}", v) : ""; }

// The truth manifest quantify_objects matches the predictions against (basename, mask_path).
fs::path write_truth_manifest(const synth::SynthAssaySummary& assay, const fs::path& path) {
  std::string text = std::string(data::contract::kBasename) + "," + data::contract::kMaskPath + "\n";
  const io::CsvTable images = io::read_csv(assay.images_csv);
  for (const auto& row : images.rows) {
    const std::string& stem = row[images.column_index("image")];
    text += io::csv_escape(stem) + "," +
            io::csv_escape(fs::absolute(assay.masks_dir / (stem + data::contract::kMaskStemSuffix + ".tif")).string()) + "\n";
  }
  core::write_file_atomic(path, text);
  return path;
}

}  // namespace

double Recovery::relative_error() const {
  return std::isfinite(recovered) ? std::abs(recovered - truth) / std::abs(truth) : std::numeric_limits<double>::infinity();
}

synth::SynthAssayConfig small_assay() {
  synth::SynthAssayConfig c;
  // IC50s well inside the tested range and rates of at least 0.01/h (ln of the area grows by 0.7
  // or more over 72 h): what a 4-parameter fit and a 3-point growth fit can pin down. Spheroids of
  // 48-130 px stay under half their well's width, as in the ULA images the models learned from.
  c.compounds = {{"cmpd-A", 0.1, 1.2, 0.025, 0.010}, {"cmpd-B", 1.0, 1.5, 0.025, 0.010}};
  c.concentrations = {0.01, 0.03, 0.1, 0.3, 1, 3, 10, 30};
  c.control_rate = 0.025;
  c.times_h = {0, 36, 72};
  c.initial_diameter = 50;
  c.initial_jitter = 0.05;
  c.image_size = 320;  // one 160 px tile at the models' image scale 0.5
  return c;
}

PlateDemoResult run_plate_demo(const PlateDemoOptions& options) {
  if (options.model.empty() || !fs::is_regular_file(options.model)) {
    throw ConfigError("demo_plate: --model \"" + options.model.string() + "\" is not a checkpoint file");
  }
  const auto start = std::chrono::steady_clock::now();
  const fs::path out = options.out_dir;
  std::cout << "[1/4] drawing the synthetic assay\n";
  const synth::SynthAssaySummary assay = synth::write_synthetic_assay(out / "assay", options.assay, options.force);

  std::cout << "[2/4] predicting " << assay.images << " images with " << options.model.string() << "\n";
  infer::PredictConfig predict;
  predict.checkpoint = options.model;
  predict.inputs = {assay.images_dir.string()};
  predict.output_dir = out / "inference";
  predict.save_probabilities = false;
  predict.force = options.force;
  predict.runtime.threads = options.threads;
  predict.runtime.cache_dir = options.cache_dir;
  infer::run_predict_full(predict);

  std::cout << "[3/4] measuring the spheroids (and matching them to the true masks)\n";
  analysis::QuantifyConfig quantify;
  quantify.pred_mask_dir = predict.output_dir;
  quantify.gt_manifest = write_truth_manifest(assay, out / "assay" / "truth_manifest.csv");
  quantify.data_root = "";
  quantify.output_dir = out / "metrics";
  quantify.generate_plots = false;
  const analysis::QuantifySummary measured = analysis::run_quantify(quantify);

  std::cout << "[4/4] plate_summary: wells, growth, dose-response\n";
  analysis::PlateSummaryConfig plate;
  plate.metrics_dir = quantify.output_dir;
  plate.layout = assay.layout_csv;
  plate.names = "incucyte";
  plate.output_dir = out / "plate_summary";
  const analysis::PlateSummary summary = report::run_plate_summary_report(plate);

  PlateDemoResult result;
  result.detection_f1 = measured.micro.f1;
  result.report_html = plate.output_dir / analysis::contract::kPlateReportHtml;
  for (const synth::AssayCompound& compound : options.assay.compounds) {
    Recovery r{compound.name + " IC50", compound.ic50, std::nan("")};
    for (const analysis::DoseResponse& d : summary.dose) {
      if (d.compound == compound.name && d.readout == analysis::contract::kGrowthRate && d.note.empty()) r.recovered = d.fit.ic50;
    }
    result.ic50.push_back(r);
  }
  const io::CsvTable wells = io::read_csv(assay.wells_csv);
  std::map<std::string, double> fitted;
  for (const analysis::WellGrowth& g : summary.growth) fitted[g.well] = g.growth_rate;
  for (const auto& row : wells.rows) {
    // The truth names wells as Incucyte does (A1); plate_summary normalises them (A01).
    const std::string name = row[wells.column_index(analysis::contract::kWell)];
    const std::string normalised = name.substr(0, 1) + (name.size() == 2 ? "0" : "") + name.substr(1);
    const auto found = fitted.find(normalised);
    result.growth_rates.push_back({name + " growth rate", std::stod(row[wells.column_index(analysis::contract::kGrowthRate)]),
                                   found == fitted.end() ? std::nan("") : found->second});
  }
  std::string csv = "what,truth,recovered,relative_error\n";
  for (const auto* list : {&result.ic50, &result.growth_rates}) {
    for (const Recovery& r : *list) {
      csv += fmt::format("{},{},{},{}\n", io::csv_escape(r.what), number(r.truth), number(r.recovered), number(r.relative_error()));
    }
  }
  core::write_file_atomic(out / "recovery.csv", csv);
  result.seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
  return result;
}

std::string format_plate_demo(const PlateDemoResult& r) {
  std::string text = fmt::format("\nSegOid plate demo finished in {:.0f} s (detection F1 against the true masks {:.3f})\n",
                                 r.seconds, r.detection_f1);
  double worst_ic50 = 0, worst_rate = 0;
  text += "  IC50 (growth_rate readout)      truth   recovered   error\n";
  for (const Recovery& x : r.ic50) {
    text += fmt::format("    {:<26} {:>8.4g}   {:>9.4g}   {:>5.1f}%\n", x.what, x.truth, x.recovered, 100 * x.relative_error());
    worst_ic50 = std::max(worst_ic50, x.relative_error());
  }
  text += "  growth rate per well (1/h)      truth   recovered   error\n";
  for (const Recovery& x : r.growth_rates) {
    text += fmt::format("    {:<26} {:>8.4g}   {:>9.4g}   {:>5.1f}%\n", x.what, x.truth, x.recovered, 100 * x.relative_error());
    worst_rate = std::max(worst_rate, x.relative_error());
  }
  text += fmt::format("  worst IC50 error {:.1f}% (bar 10%: {}), worst growth-rate error {:.1f}% (bar 5%: {})\n",
                      100 * worst_ic50, worst_ic50 <= 0.10 ? "ok" : "MISSED", 100 * worst_rate,
                      worst_rate <= 0.05 ? "ok" : "MISSED");
  text += "  report: " + r.report_html.string() + "\n";
  return text;
}

}  // namespace segoid::pipeline
