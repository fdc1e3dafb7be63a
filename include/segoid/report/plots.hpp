// SPDX-License-Identifier: MIT
// PNG plots drawn with PLplot (pngcairo): histogram, scatter against y = x, grouped bars.
#pragma once

#include <filesystem>
#include <string>
#include <utility>
#include <vector>

namespace segoid::report {

/// Size and text of one plot. Labels are UTF-8 (µ, ² render through cairo).
struct PlotSpec {
  std::string title;
  std::string x_label;
  std::string y_label;
  std::string value_unit;  ///< unit of the plotted values for notes ("px²", "µm"); may be empty
  int width = 1000;   ///< px
  int height = 700;   ///< px
};

/// Histogram of `values` (non-finite values skipped) with a dashed median line and an
/// "n = ..., median = ..." note. `bins` = 0 picks the Freedman-Diaconis count, clamped to [5, 50].
/// An empty input draws an empty frame saying "no data". Written atomically. Throws IoError.
void plot_histogram(const std::vector<double>& values, const std::filesystem::path& png,
                    const PlotSpec& spec, int bins = 0);

/// Scatter of (x[i], y[i]) with the line y = x, both axes from 0 to the largest value.
/// `x` and `y` have equal sizes. Written atomically. Throws IoError.
void plot_scatter_identity(const std::vector<double>& x, const std::vector<double>& y,
                           const std::filesystem::path& png, const PlotSpec& spec);

/// Lines over a shared x axis (e.g. loss per epoch): one line with markers per series (name,
/// y values; NaN = gap), with a legend. Every series has x.size() values. The y axis starts at 0
/// when all values are non-negative. Written atomically. Throws IoError.
void plot_lines(const std::vector<double>& x,
                const std::vector<std::pair<std::string, std::vector<double>>>& series,
                const std::filesystem::path& png, const PlotSpec& spec);

/// One group of bars per category, one bar per series (name, values in [0, 1]; NaN = no bar),
/// with a legend. Category names are written under the axis when there are at most 30, else
/// categories are numbered from 0; long names keep their end ("…plate7_B03"). Written atomically.
/// Throws IoError.
void plot_grouped_bars(const std::vector<std::string>& categories,
                       const std::vector<std::pair<std::string, std::vector<double>>>& series,
                       const std::filesystem::path& png, const PlotSpec& spec);

/// One figure of several PNG plots (e.g. the Python SegOid's summary_plots.png): the images in
/// a grid two wide, row by row, each scaled to the width of the widest, on white. Written
/// atomically. Throws IoError when a plot cannot be read or the figure cannot be written.
void combine_plots(const std::vector<std::filesystem::path>& pngs, const std::filesystem::path& png);

}  // namespace segoid::report
