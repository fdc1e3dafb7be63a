// SPDX-License-Identifier: MIT
// PNG plots of plate assays drawn with PLplot: curves with error bars, points with a fitted curve
// over a log axis, and a heat map in a plate's own layout.
#pragma once

#include <filesystem>
#include <string>
#include <vector>

#include "segoid/report/plots.hpp"

namespace segoid::report {

/// One line of a plot_curves figure: y (with +- err bars when err is not empty) over x.
struct CurveSeries {
  std::string name;
  std::vector<double> x, y, err;  ///< equal sizes (err may be empty); NaN values are skipped
};

/// Lines with markers and error bars, a legend (at most 12 entries named; the rest unnamed).
/// Written atomically. Throws IoError.
void plot_curves(const std::vector<CurveSeries>& series, const std::filesystem::path& png, const PlotSpec& spec);

/// Measured points (x > 0) and a fitted curve over a log10 x axis (curve_x > 0, sorted), with
/// `note` in the top left (e.g. "IC50 0.31 µM"). Written atomically. Throws IoError.
void plot_points_and_curve(const std::vector<double>& x, const std::vector<double>& y,
                           const std::vector<double>& curve_x, const std::vector<double>& curve_y,
                           const std::string& note, const std::filesystem::path& png, const PlotSpec& spec);

/// A plate map: `values` row-major over rows x columns wells (NaN = no value, drawn grey), in a
/// viridis-like colour scale with its bar; rows lettered A.., columns numbered 1... Written
/// atomically. Throws IoError.
void plot_plate_map(int rows, int columns, const std::vector<double>& values, const std::filesystem::path& png,
                    const PlotSpec& spec);

}  // namespace segoid::report
