// SPDX-License-Identifier: MIT
// plate_summary's figures and report section.
#include "segoid/report/plate_report.hpp"

#include <fmt/format.h>

#include <cmath>
#include <map>
#include <set>

#include "segoid/analysis/contract.hpp"
#include "segoid/report/plate_plots.hpp"

namespace segoid::report {
namespace fs = std::filesystem;
namespace {

constexpr int kCurvePoints = 200;
constexpr std::size_t kTableRows = 24;

// A file-name-safe form of a compound or plate name.
std::string file_token(const std::string& name) {
  std::string out;
  for (char c : name) out += std::isalnum(static_cast<unsigned char>(c)) || c == '-' ? c : '_';
  return out.empty() ? "none" : out;
}

std::string compound_of(const analysis::PlateSummary& s, const std::vector<std::string>& key) {
  for (std::size_t i = 0; i < s.condition_columns.size(); ++i) {
    if (s.condition_columns[i] == analysis::contract::kCompound) return key[i];
  }
  return "";
}

}  // namespace

std::vector<fs::path> write_plate_plots(const analysis::PlateSummary& s, const fs::path& plots_dir) {
  std::vector<fs::path> written;
  // Growth curves: per compound, one line per condition (mean +- SD of the relative area).
  std::map<std::string, std::map<std::string, CurveSeries>> groups;
  for (const analysis::ConditionPoint& c : s.conditions) {
    if (!std::isfinite(c.time_h)) continue;
    CurveSeries& series = groups[compound_of(s, c.key)][c.label];
    series.name = c.label;
    series.x.push_back(c.time_h);
    series.y.push_back(c.relative_area_mean);
    series.err.push_back(c.relative_area_sd);
  }
  for (const auto& [compound, by_label] : groups) {
    std::vector<CurveSeries> series;
    for (const auto& [label, one] : by_label) series.push_back(one);
    const fs::path png = plots_dir / ("growth_" + file_token(compound.empty() ? "other" : compound) + ".png");
    plot_curves(series, png,
                PlotSpec{"Spheroid growth" + (compound.empty() ? std::string() : ": " + compound), "time (h)",
                         "area / area at the first time point (mean ± SD)", "", 1000, 700});
    written.push_back(png);
  }
  // Dose-response: the wells and their fit.
  for (const analysis::DoseResponse& d : s.dose) {
    std::vector<double> cx, cy;
    if (d.fit.converged && d.min_concentration > 0) {
      const double a = std::log10(d.min_concentration) - 0.3, b = std::log10(d.max_concentration) + 0.3;
      for (int i = 0; i <= kCurvePoints; ++i) {
        cx.push_back(std::pow(10.0, a + (b - a) * i / kCurvePoints));
        cy.push_back(analysis::logistic_value(d.fit, cx.back()));
      }
    }
    const std::string note = d.note.empty()
                                 ? fmt::format("IC50 {:.3g} {} (95% {:.3g}-{:.3g}), Hill {:.2f}", d.fit.ic50, d.unit,
                                               d.fit.ic50_low, d.fit.ic50_high, d.fit.hill)
                                 : "no IC50: " + d.note;
    const fs::path png = plots_dir / ("dose_" + file_token(d.compound) + "_" + d.readout + ".png");
    plot_points_and_curve(d.concentration, d.response, cx, cy, note, png,
                          PlotSpec{"Dose-response: " + d.compound, analysis::contract::kConcentration + std::string(d.unit.empty() ? "" : " (" + d.unit + ")"),
                                   d.readout == analysis::contract::kGrowthRate ? "growth rate (1/h)" : d.readout, "",
                                   1000, 700});
    written.push_back(png);
  }
  // Plate maps of the chosen measure, one per plate.
  std::map<std::string, std::vector<double>> maps;
  const analysis::PlateFormat format = s.layout.format.wells > 0 ? s.layout.format : analysis::plate_format(96);
  int rows = format.rows, columns = format.columns;
  for (const analysis::WellGrowth& g : s.growth) rows = std::max(rows, g.row), columns = std::max(columns, g.column);
  const analysis::PlateFormat fits = analysis::smallest_plate_format(rows, columns);
  if (fits.wells > 0) rows = fits.rows, columns = fits.columns;
  for (const analysis::WellGrowth& g : s.growth) {
    auto& values = maps[g.plate];
    values.resize(static_cast<std::size_t>(rows) * columns, std::nan(""));
    values[static_cast<std::size_t>(g.row - 1) * columns + (g.column - 1)] = analysis::plate_readout(g, s.config.map_measure);
  }
  for (const auto& [plate, values] : maps) {
    const fs::path png = plots_dir / ("plate_map_" + file_token(plate.empty() ? analysis::contract::kPlate : plate) + ".png");
    plot_plate_map(rows, columns, values, png,
                   PlotSpec{fmt::format("{}{}", plate.empty() ? "" : plate + ": ", s.config.map_measure), "", s.config.map_measure,
                            "", columns > 24 ? 1400 : 1100, columns > 24 ? 900 : 750});
    written.push_back(png);
  }
  return written;
}

ReportSection plate_report_section(const analysis::PlateSummary& s, const std::vector<fs::path>& plots) {
  std::set<std::pair<std::string, std::string>> wells;
  for (const auto& g : s.growth) wells.insert({g.plate, g.well});
  ReportSection section{
      "Plate assay",
      fmt::format("{} image(s) of {} well(s) from \"{}\" (names: {}), {} left out by name. The spheroid of a well is its "
                  "{} object; growth rate = slope of ln(spheroid area) over time (1/h), relative area = last over first "
                  "time point. Dose-response: 4-parameter logistic fits (GSL), 95% intervals from the fit's covariance; "
                  "no IC50 is given for a fit that did not converge or lies outside the tested range.",
                  s.images.size(), wells.size(), s.config.metrics_dir.string(), s.config.names, s.unmatched.size(),
                  s.config.spheroid == analysis::SpheroidChoice::kCentral ? "most central" : "largest"),
      {},
      {}};
  const fs::path out = s.config.output_dir;
  if (fs::exists(out / analysis::contract::kDoseResponseCsv) && !s.dose.empty()) {
    section.tables.push_back(table_from_csv(out / analysis::contract::kDoseResponseCsv, "Dose-response fits"));
  }
  if (fs::exists(out / analysis::contract::kGrowthCsv)) {
    section.tables.push_back(table_from_csv(out / analysis::contract::kGrowthCsv, "Growth per well", kTableRows));
  }
  for (const fs::path& png : plots) section.images.push_back({png.stem().string(), png});
  return section;
}

analysis::PlateSummary run_plate_summary_report(const analysis::PlateSummaryConfig& config) {
  analysis::PlateSummary summary = analysis::run_plate_summary(config);
  if (!config.generate_plots) return summary;
  const std::vector<fs::path> plots = write_plate_plots(summary, config.output_dir / analysis::contract::kPlotsDir);
  ReportDocument doc;
  doc.title = "SegOid plate assay";
  doc.sections.push_back(plate_report_section(summary, plots));
  write_report(doc, {{}, config.output_dir / analysis::contract::kPlateReportHtml});
  return summary;
}

}  // namespace segoid::report
