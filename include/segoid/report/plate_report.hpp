// SPDX-License-Identifier: MIT
// plate_summary with its figures: growth curves, dose-response fits, plate maps and the report
// section that shows them (in plate_report.html, and in any report that adds it).
#pragma once

#include <filesystem>
#include <vector>

#include "segoid/analysis/plate_summary.hpp"
#include "segoid/report/report_document.hpp"

namespace segoid::report {

/// Writes into `plots_dir`: growth_<condition group>.png (relative spheroid area, mean +- SD over
/// replicate wells, one figure per compound and one for wells without a compound),
/// dose_<compound>_<readout>.png (wells and the 4PL fit on a log axis) and
/// plate_map_<plate>.png (config.map_measure per well). Returns the paths. Throws IoError.
std::vector<std::filesystem::path> write_plate_plots(const analysis::PlateSummary& summary,
                                                     const std::filesystem::path& plots_dir);

/// The "Plate assay" section: what was measured, dose_response.csv and growth.csv (first rows)
/// as tables, and the plots in `plots`.
ReportSection plate_report_section(const analysis::PlateSummary& summary,
                                   const std::vector<std::filesystem::path>& plots);

/// analysis::run_plate_summary(), then, when config.generate_plots, the plots in
/// <output_dir>/plots/ and <output_dir>/plate_report.html with plate_report_section. The one call
/// behind `segoid plate_summary`.
analysis::PlateSummary run_plate_summary_report(const analysis::PlateSummaryConfig& config);

}  // namespace segoid::report
