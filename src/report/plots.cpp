// SPDX-License-Identifier: MIT
// PLplot drawing: one fresh stream per plot (PLplot keeps global state and is not thread-safe,
// so a mutex serializes plots), rendered by pngcairo into a temporary file that is then renamed.
#include "segoid/report/plots.hpp"

#include <plplot.h>

#include <algorithm>
#include <cmath>
#include <cerrno>
#include <cstring>
#include <fstream>
#include <mutex>

#include <fmt/format.h>

#include <opencv2/imgcodecs.hpp>
#include <opencv2/imgproc.hpp>

#include "plot_stream.hpp"
#include "segoid/core/atomic_file.hpp"
#include "segoid/core/error.hpp"

namespace segoid::report {
namespace fs = std::filesystem;
using namespace plot_detail;  // NOLINT: the shared drawing helpers of this stage
namespace {

// Characters (not bytes) of UTF-8 text, and its last `n` characters.
std::size_t utf8_length(const std::string& text) {
  std::size_t n = 0;
  for (unsigned char ch : text) n += (ch & 0xC0) != 0x80;
  return n;
}

std::string utf8_tail(const std::string& text, std::size_t n) {
  std::size_t start = text.size(), seen = 0;
  while (start > 0 && seen < n) {
    --start;
    if ((static_cast<unsigned char>(text[start]) & 0xC0) != 0x80) ++seen;
  }
  return text.substr(start);
}

}  // namespace

void plot_histogram(const std::vector<double>& values, const fs::path& png, const PlotSpec& spec, int bins) {
  std::vector<double> v;
  for (double x : values) {
    if (std::isfinite(x)) v.push_back(x);
  }
  std::sort(v.begin(), v.end());
  PlotStream plot(png, spec);
  if (v.empty()) {
    commit_no_data(plot, spec);
    return;
  }
  const double lo = v.front(), hi = v.back();
  const auto quantile = [&](double q) {
    const double pos = q * static_cast<double>(v.size() - 1);
    const auto i = static_cast<std::size_t>(pos);
    return i + 1 < v.size() ? v[i] + (pos - static_cast<double>(i)) * (v[i + 1] - v[i]) : v[i];
  };
  if (bins <= 0) {  // Freedman-Diaconis: width 2 IQR / n^(1/3)
    const double width = 2 * (quantile(0.75) - quantile(0.25)) / std::cbrt(static_cast<double>(v.size()));
    bins = width > 0 ? static_cast<int>(std::ceil((hi - lo) / width)) : 10;
    bins = std::clamp(bins, 5, 50);
  }
  // A constant sample still gets a visible bar one unit wide.
  const double span = hi > lo ? hi - lo : std::max(1.0, std::abs(lo) * 0.1);
  const double x0 = hi > lo ? lo : lo - span / 2;
  const double bin_width = span / bins;
  std::vector<int> counts(static_cast<std::size_t>(bins), 0);
  for (double x : v) {
    const int b = std::min(bins - 1, static_cast<int>((x - x0) / bin_width));
    ++counts[static_cast<std::size_t>(std::max(0, b))];
  }
  // Headroom above the tallest bar for the note.
  const double y_max = 1.2 * *std::max_element(counts.begin(), counts.end());
  const double pad = 0.02 * span;
  draw_frame(x0 - pad, x0 + span + pad, 0, y_max, spec);
  for (int b = 0; b < bins; ++b) {
    if (counts[b] == 0) continue;
    const double left = x0 + b * bin_width, right = left + bin_width;
    fill_rect(left, right, 0, counts[b], kBlue);
    PLFLT xs[5] = {left, left, right, right, left};
    PLFLT ys[5] = {0, static_cast<PLFLT>(counts[b]), static_cast<PLFLT>(counts[b]), 0, 0};
    plcol0(kWhite);
    plwidth(1.0);
    plline(5, xs, ys);
  }
  const double median = quantile(0.5);
  PLFLT mx[2] = {median, median}, my[2] = {0, y_max / 1.2 * 1.04};  // stop below the note
  plcol0(kRed);
  plwidth(3.0);
  pllsty(kDashed);
  plline(2, mx, my);
  plwidth(1.5);
  pllsty(kSolid);
  // The note goes on the side away from the median line.
  plcol0(kBlack);
  const bool right = median < x0 + span / 2;
  const double pos = right ? 0.97 : 0.03, just = right ? 1.0 : 0.0;
  const std::string unit = spec.value_unit.empty() ? "" : " " + spec.value_unit;
  const std::string note = fmt::format("n = {}   median = {}{}", v.size(), fmt_number(median), unit);
  plmtex("t", -1.8, pos, just, note.c_str());
  plcol0(kRed);
  plmtex("t", -3.3, pos, just, "dashed: median");
  plot.commit();
}

void plot_scatter_identity(const std::vector<double>& x, const std::vector<double>& y, const fs::path& png,
                           const PlotSpec& spec) {
  SEGOID_CHECK(x.size() == y.size(), "plot_scatter_identity: x and y differ in length");
  PlotStream plot(png, spec);
  double top = 1;
  for (std::size_t i = 0; i < x.size(); ++i) top = std::max({top, x[i], y[i]});
  top = nice_upper(top);
  draw_frame(0, top, 0, top, spec);
  PLFLT lx[2] = {0, top}, ly[2] = {0, top};
  plcol0(kGrey);
  pllsty(kDashed);
  plline(2, lx, ly);
  pllsty(kSolid);
  // Filled, half-transparent discs: images with equal counts stack visibly darker.
  const double radius = 0.011 * top;
  plscol0a(kBlue, kPalette[kBlue][0], kPalette[kBlue][1], kPalette[kBlue][2], /*alpha=*/0.55);
  plcol0(kBlue);
  for (std::size_t i = 0; i < x.size(); ++i) {
    plarc(x[i], y[i], radius, radius, 0, 360, 0, /*fill=*/1);
  }
  plscol0a(kBlue, kPalette[kBlue][0], kPalette[kBlue][1], kPalette[kBlue][2], 1.0);
  plcol0(kBlack);
  plmtex("t", -1.8, 0.03, 0.0, fmt::format("{} images;  dashed: y = x", x.size()).c_str());
  plot.commit();
}

void plot_grouped_bars(const std::vector<std::string>& categories,
                       const std::vector<std::pair<std::string, std::vector<double>>>& series, const fs::path& png,
                       const PlotSpec& spec) {
  for (const auto& s : series) SEGOID_CHECK(s.second.size() == categories.size(), "plot_grouped_bars: series length");
  constexpr std::size_t kMaxNamed = 30;
  const bool named = categories.size() <= kMaxNamed;
  // Vertical names under the axis: about 11 px per character at scale 0.95, 9 px at 0.75. Names
  // longer than 35% of the height keep their end (where plate and well ids usually are).
  const double name_scale = categories.size() > 15 ? 0.75 : 0.95;
  const double char_px = name_scale > 0.8 ? 11.0 : 9.0;
  const auto max_chars = static_cast<std::size_t>(0.35 * spec.height / char_px);
  std::vector<std::string> shown;
  std::size_t longest = 0;
  for (const auto& c : categories) {
    shown.push_back(utf8_length(c) > max_chars ? "…" + utf8_tail(c, max_chars - 1) : c);
    longest = std::max(longest, utf8_length(shown.back()));
  }
  PlotStream plot(png, spec);
  const double n = std::max<double>(1, static_cast<double>(categories.size()));
  // Room at the bottom for vertical category names (about 12 px per character), at the top for
  // the legend, and headroom above 1 so that perfect scores do not merge with the frame.
  const double bottom_px = named ? 75.0 + char_px * static_cast<double>(longest) : 90.0;
  plvpor(105.0 / spec.width, 1.0 - 40.0 / spec.width, bottom_px / spec.height, 0.82);
  plwind(-0.5, n - 0.5, 0, 1.06);
  plcol0(kLightGrey);
  plwidth(1.0);
  plbox("", 0, 0, "g", 0.2, 0);
  plcol0(kBlack);
  plwidth(1.5);
  plbox(named ? "bc" : "bcnst", named ? 1 : 0, 0, "bcnstv", 0.2, 0);
  plmtex("t", 4.0, 0.5, 0.5, spec.title.c_str());
  plmtex("l", 4.5, 0.5, 0.5, spec.y_label.c_str());
  if (!named) plmtex("b", 3.0, 0.5, 0.5, spec.x_label.c_str());
  const PLINT colours[] = {kBlue, kOrange, kGreen, kRed, kGrey};
  const double group = 0.8, bar = group / static_cast<double>(std::max<std::size_t>(1, series.size()));
  for (std::size_t s = 0; s < series.size(); ++s) {
    for (std::size_t c = 0; c < categories.size(); ++c) {
      const double value = series[s].second[c];
      if (!std::isfinite(value)) continue;
      const double left = static_cast<double>(c) - group / 2 + static_cast<double>(s) * bar;
      fill_rect(left, left + bar * 0.92, 0, std::clamp(value, 0.0, 1.0), colours[s % 5]);
    }
  }
  plcol0(kBlack);
  if (named) {
    plschr(0, name_scale);
    for (std::size_t c = 0; c < categories.size(); ++c) {
      const double pos = (static_cast<double>(c) + 0.5) / n;
      plmtex("bv", 0.6, pos, 1.0, shown[c].c_str());
    }
    plschr(0, kTextScale);
    // The axis title sits at the bottom of the page, below names of any length.
    plvpor(0, 1, 0, 1);
    plwind(0, 1, 0, 1);
    plptex(0.5, 24.0 / spec.height, 1, 0, 0.5, spec.x_label.c_str());
    plvpor(105.0 / spec.width, 1.0 - 40.0 / spec.width, bottom_px / spec.height, 0.82);
    plwind(-0.5, n - 0.5, 0, 1.06);
  }
  std::vector<PLINT> opts(series.size(), PL_LEGEND_COLOR_BOX), text_colours(series.size(), kBlack),
      box_colours, patterns(series.size(), 0);
  std::vector<PLFLT> box_scales(series.size(), 1.0), box_widths(series.size(), 1.0);
  std::vector<const char*> texts;
  for (std::size_t s = 0; s < series.size(); ++s) {
    box_colours.push_back(colours[s % 5]);
    texts.push_back(series[s].first.c_str());
  }
  PLFLT legend_w = 0, legend_h = 0;
  pllegend(&legend_w, &legend_h, PL_LEGEND_BACKGROUND, PL_POSITION_TOP | PL_POSITION_OUTSIDE, 0.0, 0.02, 0.05,
           kWhite, kBlack, kSolid, 1, static_cast<PLINT>(series.size()), static_cast<PLINT>(series.size()),
           opts.data(), 1.0, 1.0, 2.0, 0.0, text_colours.data(), texts.data(), box_colours.data(), patterns.data(),
           box_scales.data(), box_widths.data(), nullptr, nullptr, nullptr, nullptr, nullptr, nullptr, nullptr);
  plot.commit();
}

void plot_lines(const std::vector<double>& x, const std::vector<std::pair<std::string, std::vector<double>>>& series,
                const fs::path& png, const PlotSpec& spec) {
  double x_lo = 0, x_hi = 1, y_lo = 0, y_hi = 0;
  bool any = false;
  for (const auto& [name, ys] : series) {
    if (ys.size() != x.size()) {
      throw Error("plot_lines: series '" + name + "' has " + std::to_string(ys.size()) + " values for " +
                  std::to_string(x.size()) + " x values");
    }
    for (std::size_t i = 0; i < ys.size(); ++i) {
      if (!std::isfinite(ys[i]) || !std::isfinite(x[i])) continue;
      if (!any) { x_lo = x_hi = x[i]; y_lo = y_hi = ys[i]; any = true; }
      x_lo = std::min(x_lo, x[i]); x_hi = std::max(x_hi, x[i]);
      y_lo = std::min(y_lo, ys[i]); y_hi = std::max(y_hi, ys[i]);
    }
  }
  PlotStream plot(png, spec);
  if (!any) {
    commit_no_data(plot, spec);
    return;
  }
  if (x_hi <= x_lo) { x_lo -= 0.5; x_hi += 0.5; }
  if (y_lo >= 0) y_lo = 0;
  // Headroom above the data for the legend, which sits inside the frame at the top.
  const double y_top = std::max(nice_upper(y_hi), y_hi + 0.2 * (y_hi - y_lo));
  const double x_pad = 0.03 * (x_hi - x_lo);
  draw_frame(x_lo - x_pad, x_hi + x_pad, y_lo, y_top, spec);
  const PLINT colours[] = {kBlue, kOrange, kGreen, kRed, kGrey};
  for (std::size_t s = 0; s < series.size(); ++s) {
    plcol0(colours[s % 5]);
    plwidth(2.0);
    std::vector<PLFLT> xs, ys;
    const auto flush = [&] {
      if (xs.size() > 1) plline(static_cast<PLINT>(xs.size()), xs.data(), ys.data());
      if (!xs.empty()) plpoin(static_cast<PLINT>(xs.size()), xs.data(), ys.data(), 17);
      xs.clear();
      ys.clear();
    };
    for (std::size_t i = 0; i < x.size(); ++i) {
      if (std::isfinite(series[s].second[i])) {
        xs.push_back(x[i]);
        ys.push_back(series[s].second[i]);
      } else {
        flush();
      }
    }
    flush();
  }
  std::vector<PLINT> opts(series.size(), PL_LEGEND_LINE), text_colours(series.size(), kBlack), line_colours,
      line_styles(series.size(), kSolid);
  std::vector<PLFLT> line_widths(series.size(), 2.0);
  std::vector<const char*> texts;
  for (std::size_t s = 0; s < series.size(); ++s) {
    line_colours.push_back(colours[s % 5]);
    texts.push_back(series[s].first.c_str());
  }
  PLFLT legend_w = 0, legend_h = 0;
  plwidth(1.0);
  pllegend(&legend_w, &legend_h, PL_LEGEND_BACKGROUND | PL_LEGEND_BOUNDING_BOX, PL_POSITION_TOP | PL_POSITION_RIGHT
           | PL_POSITION_INSIDE, 0.02, 0.02, 0.08, kWhite, kBlack, kSolid, 1, static_cast<PLINT>(series.size()),
           static_cast<PLINT>(series.size()), opts.data(), 1.0, 1.0, 2.0, 0.0, text_colours.data(), texts.data(),
           nullptr, nullptr, nullptr, nullptr, line_colours.data(), line_styles.data(), line_widths.data(), nullptr,
           nullptr, nullptr, nullptr);
  plot.commit();
}

}  // namespace segoid::report

namespace segoid::report {

void combine_plots(const std::vector<std::filesystem::path>& pngs, const std::filesystem::path& png) {
  constexpr int kColumns = 2;
  std::vector<cv::Mat> plots;
  int cell_width = 0;
  for (const auto& path : pngs) {
    cv::Mat image = cv::imread(path.string(), cv::IMREAD_COLOR);
    if (image.empty()) throw IoError("cannot read plot \"" + path.string() + "\" to combine it");
    cell_width = std::max(cell_width, image.cols);
    plots.push_back(std::move(image));
  }
  SEGOID_CHECK(!plots.empty(), "combine_plots needs at least one plot");
  std::vector<cv::Mat> rows;
  for (std::size_t first = 0; first < plots.size(); first += kColumns) {
    std::vector<cv::Mat> cells;
    int row_height = 0;
    for (std::size_t i = first; i < std::min(plots.size(), first + kColumns); ++i) {
      cv::Mat scaled;
      const double scale = static_cast<double>(cell_width) / plots[i].cols;
      cv::resize(plots[i], scaled, cv::Size(cell_width, static_cast<int>(std::lround(plots[i].rows * scale))), 0, 0,
                 cv::INTER_AREA);
      row_height = std::max(row_height, scaled.rows);
      cells.push_back(std::move(scaled));
    }
    cv::Mat row(row_height, cell_width * kColumns, CV_8UC3, cv::Scalar::all(255));
    for (std::size_t c = 0; c < cells.size(); ++c) {
      cells[c].copyTo(row(cv::Rect(static_cast<int>(c) * cell_width, 0, cells[c].cols, cells[c].rows)));
    }
    rows.push_back(std::move(row));
  }
  cv::Mat figure;
  cv::vconcat(rows, figure);
  std::vector<unsigned char> bytes;
  if (!cv::imencode(".png", figure, bytes)) throw IoError("cannot encode \"" + png.string() + "\"");
  core::write_file_atomic(png, std::string(bytes.begin(), bytes.end()));
}

}  // namespace segoid::report
