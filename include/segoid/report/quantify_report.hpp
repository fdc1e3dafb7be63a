// SPDX-License-Identifier: MIT
// quantify_objects with its plots: the analysis stage's numbers drawn as PNGs in <output>/plots/.
#pragma once

#include <filesystem>
#include <vector>

#include "segoid/analysis/quantify.hpp"

namespace segoid::report {

/// Writes the quantification plots into `plots_dir` and returns their paths:
/// area_histogram.png, equivalent_diameter_histogram.png, circularity_histogram.png (all images;
/// µm / µm² axes when calibrated) and, when any image has ground truth, object_counts.png
/// (predicted vs true objects per image, with y = x) and detection_per_image.png (precision,
/// recall, F1 bars). Throws IoError when a file cannot be written.
std::vector<std::filesystem::path> write_quantify_plots(const analysis::QuantifySummary& summary,
                                                        const std::filesystem::path& plots_dir);

/// analysis::run_quantify(), then write_quantify_plots() into <output_dir>/plots when
/// config.generate_plots. The one call behind `segoid quantify_objects`.
analysis::QuantifySummary run_quantify_report(const analysis::QuantifyConfig& config);

}  // namespace segoid::report
