// SPDX-License-Identifier: MIT
// Plate-assay plots: growth curves with error bars, dose-response points with their fit, plate maps.
#include "segoid/report/plate_plots.hpp"

#include <fmt/format.h>

#include <algorithm>
#include <cmath>

#include "plot_stream.hpp"
#include "segoid/analysis/plate_names.hpp"
#include "segoid/core/error.hpp"

namespace segoid::report {
namespace fs = std::filesystem;
using namespace plot_detail;  // NOLINT: the shared drawing helpers of this stage
namespace {

constexpr PLINT kColours[] = {kBlue, kOrange, kGreen, kRed, kGrey};
constexpr std::size_t kMaxLegend = 12;
constexpr PLINT kFilledCircle = 17;
constexpr int kColourSteps = 64;

// Viridis at four stops (R, G, B in 0..1), for colour map 1.
void set_viridis() {
  PLFLT pos[] = {0.0, 0.33, 0.66, 1.0};
  PLFLT r[] = {0.267, 0.208, 0.369, 0.993}, g[] = {0.005, 0.366, 0.789, 0.906}, b[] = {0.329, 0.553, 0.383, 0.144};
  plscmap1n(256);
  plscmap1l(/*itype (1 = rgb)=*/1, 4, pos, r, g, b, nullptr);
}

void legend(const std::vector<std::string>& names, const std::vector<PLINT>& colours) {
  const auto n = static_cast<PLINT>(names.size());
  std::vector<PLINT> opts(names.size(), PL_LEGEND_LINE | PL_LEGEND_SYMBOL), text_colours(names.size(), kBlack),
      styles(names.size(), kSolid), symbol_numbers(names.size(), 1);
  std::vector<PLFLT> widths(names.size(), 2.0), symbol_scales(names.size(), 1.0);
  std::vector<const char*> texts, symbols(names.size(), "•");
  for (const std::string& name : names) texts.push_back(name.c_str());
  PLFLT w = 0, h = 0;
  plwidth(1.0);
  pllegend(&w, &h, PL_LEGEND_BACKGROUND | PL_LEGEND_BOUNDING_BOX, PL_POSITION_TOP | PL_POSITION_LEFT | PL_POSITION_INSIDE,
           0.02, 0.02, 0.06, kWhite, kBlack, kSolid, /*nrow=*/n, /*ncolumn=*/1, n, opts.data(), 1.0, 0.9, 2.0, 0.0, text_colours.data(),
           texts.data(), nullptr, nullptr, nullptr, nullptr, colours.data(), styles.data(), widths.data(),
           colours.data(), symbol_scales.data(), symbol_numbers.data(), symbols.data());
}

}  // namespace

void plot_curves(const std::vector<CurveSeries>& series, const fs::path& png, const PlotSpec& spec) {
  double x_lo = 0, x_hi = 1, y_lo = 0, y_hi = 1;
  bool any = false;
  for (const CurveSeries& s : series) {
    SEGOID_CHECK(s.x.size() == s.y.size() && (s.err.empty() || s.err.size() == s.y.size()), "plot_curves: sizes");
    for (std::size_t i = 0; i < s.x.size(); ++i) {
      if (!std::isfinite(s.x[i]) || !std::isfinite(s.y[i])) continue;
      const double e = s.err.empty() || !std::isfinite(s.err[i]) ? 0.0 : s.err[i];
      if (!any) x_lo = x_hi = s.x[i], y_lo = y_hi = s.y[i], any = true;
      x_lo = std::min(x_lo, s.x[i]), x_hi = std::max(x_hi, s.x[i]);
      y_lo = std::min(y_lo, s.y[i] - e), y_hi = std::max(y_hi, s.y[i] + e);
    }
  }
  PlotStream plot(png, spec);
  if (!any) {
    commit_no_data(plot, spec);
    return;
  }
  if (x_hi <= x_lo) x_lo -= 0.5, x_hi += 0.5;
  y_lo = std::min(0.0, y_lo);
  const double y_top = std::max(nice_upper(y_hi), y_hi + 0.35 * (y_hi - y_lo));  // room for the legend
  const double pad = 0.03 * (x_hi - x_lo);
  draw_frame(x_lo - pad, x_hi + pad, y_lo, y_top, spec, "bcnst", "bcfnstv");
  std::vector<std::string> names;
  std::vector<PLINT> colours;
  for (std::size_t k = 0; k < series.size(); ++k) {
    const CurveSeries& s = series[k];
    const PLINT colour = kColours[k % 5];
    std::vector<PLFLT> xs, ys, lo, hi;
    for (std::size_t i = 0; i < s.x.size(); ++i) {
      if (!std::isfinite(s.x[i]) || !std::isfinite(s.y[i])) continue;
      const double e = s.err.empty() || !std::isfinite(s.err[i]) ? 0.0 : s.err[i];
      xs.push_back(s.x[i]), ys.push_back(s.y[i]), lo.push_back(s.y[i] - e), hi.push_back(s.y[i] + e);
    }
    if (xs.empty()) continue;
    plcol0(colour);
    plwidth(2.0);
    pllsty(k / 5 % 2 ? kDashed : kSolid);  // more series than colours: dashes tell them apart
    if (xs.size() > 1) plline(static_cast<PLINT>(xs.size()), xs.data(), ys.data());
    pllsty(kSolid);
    plpoin(static_cast<PLINT>(xs.size()), xs.data(), ys.data(), kFilledCircle);
    if (!s.err.empty()) plerry(static_cast<PLINT>(xs.size()), xs.data(), lo.data(), hi.data());
    if (names.size() < kMaxLegend) names.push_back(s.name), colours.push_back(colour);
  }
  if (!names.empty()) legend(names, colours);
  plot.commit();
}

void plot_points_and_curve(const std::vector<double>& x, const std::vector<double>& y, const std::vector<double>& curve_x,
                           const std::vector<double>& curve_y, const std::string& note, const fs::path& png,
                           const PlotSpec& spec) {
  SEGOID_CHECK(x.size() == y.size() && curve_x.size() == curve_y.size(), "plot_points_and_curve: sizes");
  std::vector<PLFLT> lx, ly, cx, cy;
  for (std::size_t i = 0; i < x.size(); ++i) {
    if (x[i] > 0 && std::isfinite(y[i])) lx.push_back(std::log10(x[i])), ly.push_back(y[i]);
  }
  for (std::size_t i = 0; i < curve_x.size(); ++i) {
    if (curve_x[i] > 0 && std::isfinite(curve_y[i])) cx.push_back(std::log10(curve_x[i])), cy.push_back(curve_y[i]);
  }
  PlotStream plot(png, spec);
  if (lx.empty()) {
    commit_no_data(plot, spec);
    return;
  }
  double x_lo = *std::min_element(lx.begin(), lx.end()), x_hi = *std::max_element(lx.begin(), lx.end());
  double y_lo = std::min(0.0, *std::min_element(ly.begin(), ly.end()));
  double y_hi = *std::max_element(ly.begin(), ly.end());
  for (double v : cy) y_lo = std::min(y_lo, v), y_hi = std::max(y_hi, v);
  if (x_hi <= x_lo) x_lo -= 0.5, x_hi += 0.5;
  const double pad = 0.05 * (x_hi - x_lo);
  // "l": PLplot labels a log axis from log10 values.
  draw_frame(x_lo - pad, x_hi + pad, y_lo, y_hi + 0.25 * (y_hi - y_lo) + 1e-12, spec, "bcnstl", "bcfnstv");
  if (cx.size() > 1) {
    plcol0(kRed);
    plwidth(2.5);
    plline(static_cast<PLINT>(cx.size()), cx.data(), cy.data());
  }
  plcol0(kBlue);
  plpoin(static_cast<PLINT>(lx.size()), lx.data(), ly.data(), kFilledCircle);
  plcol0(kBlack);
  plmtex("t", -1.8, 0.03, 0.0, note.c_str());
  plot.commit();
}

void plot_plate_map(int rows, int columns, const std::vector<double>& values, const fs::path& png, const PlotSpec& spec) {
  SEGOID_CHECK(rows > 0 && columns > 0 && values.size() == static_cast<std::size_t>(rows) * columns, "plot_plate_map: sizes");
  double lo = 0, hi = 0;
  bool any = false;
  for (double v : values) {
    if (!std::isfinite(v)) continue;
    if (!any) lo = hi = v, any = true;
    lo = std::min(lo, v), hi = std::max(hi, v);
  }
  if (hi <= lo) hi = lo + 1;
  PlotStream plot(png, spec);
  set_viridis();
  // The plate: column c spans [c, c + 1], row r spans [rows - r - 1, rows - r] (A at the top).
  plvpor(70.0 / spec.width, 1.0 - 170.0 / spec.width, 60.0 / spec.height, 1.0 - 90.0 / spec.height);
  plwind(0, columns, 0, rows);
  for (int r = 0; r < rows; ++r) {
    for (int c = 0; c < columns; ++c) {
      const double v = values[static_cast<std::size_t>(r) * columns + c];
      const double top = rows - r, bottom = top - 1;
      if (std::isfinite(v)) {
        plcol1((v - lo) / (hi - lo));
        PLFLT xs[4] = {c + 0.04, c + 0.96, c + 0.96, c + 0.04}, ys[4] = {bottom + 0.04, bottom + 0.04, top - 0.04, top - 0.04};
        plfill(4, xs, ys);
      } else {
        fill_rect(c + 0.04, c + 0.96, bottom + 0.04, top - 0.04, kLightGrey);
      }
    }
  }
  plcol0(kBlack);
  plwidth(1.0);
  plbox("bc", 0, 0, "bc", 0, 0);
  const double name_scale = columns > 24 ? 0.55 : columns > 12 ? 0.75 : 1.0;
  plschr(0, kTextScale * name_scale);
  for (int c = 0; c < columns; ++c) {
    plmtex("t", 0.8, (c + 0.5) / columns, 0.5, std::to_string(c + 1).c_str());
  }
  for (int r = 0; r < rows; ++r) {
    plmtex("lv", 0.8, 1.0 - (r + 0.5) / rows, 1.0, analysis::row_label(r + 1).c_str());
  }
  plschr(0, kTextScale);
  plmtex("t", 2.6, 0.5, 0.5, spec.title.c_str());
  // The colour bar on the right.
  plvpor(1.0 - 120.0 / spec.width, 1.0 - 95.0 / spec.width, 60.0 / spec.height, 1.0 - 90.0 / spec.height);
  plwind(0, 1, lo, hi);
  for (int k = 0; k < kColourSteps; ++k) {
    const double a = lo + (hi - lo) * k / kColourSteps, b = lo + (hi - lo) * (k + 1) / kColourSteps;
    plcol1((k + 0.5) / kColourSteps);
    PLFLT xs[4] = {0, 1, 1, 0}, ys[4] = {a, a, b, b};
    plfill(4, xs, ys);
  }
  plcol0(kBlack);
  plbox("bc", 0, 0, "bcfmstv", 0, 0);
  plmtex("r", 5.5, 0.5, 0.5, spec.y_label.c_str());
  if (!any) plmtex("b", 2.0, 0.5, 0.5, "no values");
  plot.commit();
}

}  // namespace segoid::report
