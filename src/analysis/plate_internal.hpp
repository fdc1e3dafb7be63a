// SPDX-License-Identifier: MIT
// The steps of plate_summary after the wells are known (private to analysis).
#pragma once

#include "segoid/analysis/plate_summary.hpp"
#include "segoid/io/csv.hpp"

namespace segoid::analysis::plate_detail {

/// Relative area and volume per time point, and one WellGrowth per well, from summary.per_well.
void compute_growth(PlateSummary& summary);

/// Replicate statistics per condition and time point (needs a layout).
void compute_conditions(PlateSummary& summary);

/// One 4PL fit per compound and readout (needs layout columns compound and concentration).
void compute_dose_response(PlateSummary& summary);

/// Writes every table of run_plate_summary and its YAML; `objects` is the metrics' all_objects.csv.
void write_plate_outputs(const PlateSummary& summary, const io::CsvTable& objects);

}  // namespace segoid::analysis::plate_detail
