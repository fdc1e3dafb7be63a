// SPDX-License-Identifier: MIT
// `segoid plate_summary`: wells, time points, conditions, growth and dose-response from a metrics folder.
#include <iostream>
#include <sstream>

#include "command_registry.hpp"
#include "segoid/analysis/plate_names.hpp"
#include "segoid/analysis/plate_summary.hpp"
#include "segoid/report/plate_report.hpp"

namespace segoid::cli::cmd_plate_summary {
namespace {

struct PlateOptions {
  analysis::PlateSummaryConfig config;
  std::string spheroid = "largest";
  std::string readouts;
  bool no_plots = false;
};

std::vector<std::string> split_commas(const std::string& text) {
  std::vector<std::string> out;
  std::istringstream in(text);
  for (std::string item; std::getline(in, item, ',');) {
    if (!item.empty()) out.push_back(item);
  }
  return out;
}

void declare(CLI::App& sub, PlateOptions& o) {
  analysis::PlateSummaryConfig& c = o.config;
  sub.add_option("--metrics", c.metrics_dir, "Folder written by quantify_objects, extract_metrics or merge_metrics")
      ->required()
      ->check(CLI::ExistingDirectory);
  sub.add_option("--layout", c.layout, "Plate layout CSV: well (A1/A01), optional plate, and conditions such as "
                                       "compound, concentration, unit, replicate")
      ->check(CLI::ExistingFile);
  std::string presets;
  for (const std::string& p : analysis::name_presets()) presets += (presets.empty() ? "" : "|") + p;
  sub.add_option("--names", c.names, "File-name preset (" + presets + ") or a regex with named groups plate, well, "
                                     "row, col, field, time, day, hour, minute")
      ->required();
  sub.add_option("--output-dir", c.output_dir, "Where per_well.csv, growth.csv, dose_response.csv, plots/ go")
      ->required();
  sub.add_option("--plate-format", c.plate_format, "96, 384 or 1536 wells (default: from the layout)")
      ->check(CLI::IsMember({96, 384, 1536}));
  sub.add_option("--time-step-h", c.time_step_h, "Hours per numbered time point (Operetta sk, Cytation, a `time` group)")
      ->capture_default_str()
      ->check(CLI::PositiveNumber);
  sub.add_option("--spheroid", o.spheroid, "The well's spheroid: its largest object, or the one nearest the "
                                           "image centre")
      ->capture_default_str()
      ->check(CLI::IsMember({"largest", "central"}));
  sub.add_option("--readouts", o.readouts, "Comma-separated growth.csv columns fitted per compound "
                                           "(default growth_rate,relative_area)");
  sub.add_option("--map-measure", c.map_measure, "growth.csv column drawn as the plate map")->capture_default_str();
  sub.add_flag("--no-plots", o.no_plots, "Do not write plots/ and plate_report.html");
  sub.footer("Names that do not match --names are listed in unmatched_names.csv and left out, never guessed\n"
             "(exit 1; everything else is still written).\n"
             "dose_response.csv: compound, readout, ic50, hill, top, bottom, ic50_low, ic50_high, converged, ...;\n"
             "ic50 is empty when the fit did not converge or lies outside the tested range (see its note).");
}

int run(PlateOptions& o) {
  analysis::PlateSummaryConfig config = o.config;
  config.spheroid = o.spheroid == "central" ? analysis::SpheroidChoice::kCentral : analysis::SpheroidChoice::kLargest;
  if (!o.readouts.empty()) config.readouts = split_commas(o.readouts);
  config.generate_plots = !o.no_plots;
  const analysis::PlateSummary summary = report::run_plate_summary_report(config);
  std::cout << analysis::format_plate_summary(summary);
  return summary.unmatched.empty() ? 0 : 1;  // some names were left out (unmatched_names.csv)
}

const bool kRegistered = register_command(
    {"plate_summary", {},
     "Per well and time point, growth, conditions and dose-response (IC50) from quantify_objects' tables", 65,
     options_setup(declare, run)});

}  // namespace
}  // namespace segoid::cli::cmd_plate_summary
