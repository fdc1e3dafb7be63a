// SPDX-License-Identifier: MIT
// The PLplot stream of one PNG figure and the drawing helpers every plot shares (private to report).
#pragma once

#include <plplot.h>

#include <filesystem>
#include <mutex>
#include <string>

#include "segoid/core/atomic_file.hpp"
#include "segoid/report/plots.hpp"

namespace segoid::report::plot_detail {

// Colour map 0 slots: a white page, black ink, a muted palette (seaborn "deep").
enum Colour : PLINT { kWhite = 0, kBlack = 1, kBlue = 2, kOrange = 3, kGreen = 4, kGrey = 5, kRed = 6, kLightGrey = 7 };
constexpr int kPaletteSize = 8;
constexpr int kPalette[kPaletteSize][3] = {{255, 255, 255}, {30, 30, 30},   {76, 114, 176}, {221, 132, 82},
                                           {85, 168, 104},  {140, 140, 140}, {196, 78, 82},  {225, 225, 225}};
constexpr PLINT kSolid = 1;
constexpr PLINT kDashed = 2;
constexpr PLFLT kTextScale = 1.15;

/// Owns one PLplot stream writing a PNG to a temporary file; commit() renames it into place.
/// PLplot keeps global state and is not thread-safe: a process-wide mutex is held meanwhile.
/// Throws IoError when pngcairo is missing or the file cannot be written.
class PlotStream {
 public:
  PlotStream(const std::filesystem::path& png, const PlotSpec& spec);
  ~PlotStream();
  PlotStream(const PlotStream&) = delete;
  PlotStream& operator=(const PlotStream&) = delete;
  void commit();

 private:
  std::lock_guard<std::mutex> lock_;
  core::AtomicFile file_;
  PLINT stream_ = 0;
  bool open_ = true;
};

/// Axes frame with grid in light grey, then ticks and labels in black (PLplot plbox options).
void draw_frame(double x_min, double x_max, double y_min, double y_max, const PlotSpec& spec,
                const char* x_options = "bcnst", const char* y_options = "bcnstv");

/// An empty frame saying "no data", committed: what a plot of nothing shows.
void commit_no_data(PlotStream& plot, const PlotSpec& spec);

/// A filled rectangle in colour-map-0 slot `colour`.
void fill_rect(double x0, double x1, double y0, double y1, PLINT colour);

/// A little above `value` (headroom for notes); 1 for values <= 0.
double nice_upper(double value);

/// A short number for notes: 1234, 12.3, 0.123.
std::string fmt_number(double v);

}  // namespace segoid::report::plot_detail
