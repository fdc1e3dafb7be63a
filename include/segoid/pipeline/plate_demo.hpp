// SPDX-License-Identifier: MIT
// `segoid demo_plate`: a synthetic assay with known answers through predict_full, quantify_objects
// and plate_summary, and the recovered IC50s and growth rates against the truth.
#pragma once

#include <filesystem>
#include <string>
#include <vector>

#include "segoid/synth/synth_assay.hpp"

namespace segoid::pipeline {

struct PlateDemoOptions {
  std::filesystem::path model;    ///< a SegOid (or Python SegOid) checkpoint
  std::filesystem::path out_dir;  ///< assay/, inference/, metrics/, plate_summary/, recovery.csv
  bool force = false;             ///< replace the outputs of an earlier run in out_dir
  synth::SynthAssayConfig assay;  ///< the assay drawn (defaults: 2 compounds x 8 concentrations, 5 times)
  int threads = 0;                ///< LibTorch threads; 0 = all cores
  std::filesystem::path cache_dir;  ///< per-machine speed-choice cache (empty: measure, do not cache)
};

/// A smaller assay for quick runs and the end-to-end test: 2 compounds x 8 concentrations, 2
/// control wells, 3 time points over 72 h, 320 px images (54 images).
synth::SynthAssayConfig small_assay();

/// One recovered number against its truth.
struct Recovery {
  std::string what;   ///< "cmpd-A IC50", "B3 growth rate"
  double truth = 0, recovered = 0;
  double relative_error() const;  ///< |recovered - truth| / |truth|; inf when nothing was recovered
};

struct PlateDemoResult {
  std::vector<Recovery> ic50;          ///< per compound (growth_rate readout)
  std::vector<Recovery> growth_rates;  ///< per well
  double detection_f1 = 0;             ///< predicted objects against the true masks (IoU >= 0.5)
  std::filesystem::path report_html;   ///< plate_summary/plate_report.html
  double seconds = 0;
};

/// Writes the assay (options.assay) to out_dir/assay, predicts it with options.model into
/// out_dir/inference, quantifies it against the true masks into out_dir/metrics, runs
/// plate_summary (Incucyte names, the assay's layout) into out_dir/plate_summary and writes
/// out_dir/recovery.csv (what, truth, recovered, relative_error). Throws like the stages.
PlateDemoResult run_plate_demo(const PlateDemoOptions& options);

/// The table the command prints: every IC50 and growth rate against the truth, worst errors.
std::string format_plate_demo(const PlateDemoResult& result);

}  // namespace segoid::pipeline
