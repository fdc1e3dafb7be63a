// SPDX-License-Identifier: MIT
// The demo's REPORT.md and self-contained report.html: scores, training curve, overlays, plots.
#pragma once

#include <filesystem>

#include "segoid/analysis/quantify.hpp"
#include "segoid/data/manifest.hpp"
#include "segoid/data/validate_dataset.hpp"
#include "segoid/infer/predict_full.hpp"
#include "segoid/pipeline/demo.hpp"
#include "segoid/report/report_document.hpp"
#include "segoid/train/trainer.hpp"

namespace segoid::pipeline {

/// What the demo's stages produced, by reference (outlives the call only as long as its owners).
struct DemoReportInputs {
  const std::filesystem::path& out_dir;
  const std::filesystem::path& data_root;
  const data::Manifest& test;
  const train::TrainResult& run;
  const infer::PredictSummary& predicted;
  const analysis::QuantifySummary& measured;
  const data::ValidationReport& validation;
};

/// Draws the loss curve and overlays into out_dir/report_assets/ and writes out_dir/REPORT.md and
/// out_dir/report.html. Throws IoError.
report::ReportFiles write_demo_report(const DemoReportInputs& inputs, const DemoResult& result);

}  // namespace segoid::pipeline
