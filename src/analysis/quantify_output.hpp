// SPDX-License-Identifier: MIT
// quantify_objects outputs: summary statistics and the CSV / YAML files (private to analysis).
#pragma once

#include "segoid/analysis/quantify.hpp"

namespace segoid::analysis {

/// Fills the totals of `summary` (object count, TP/FP/FN, micro/macro scores, means, median).
void finalize_summary(QuantifySummary& summary);

/// Writes every output file of run_quantify under summary.config.output_dir, atomically.
void write_quantify_outputs(const QuantifySummary& summary);

}  // namespace segoid::analysis
