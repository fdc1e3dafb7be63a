// SPDX-License-Identifier: MIT
// One PLplot stream per figure (pngcairo into a temporary file, renamed on commit) and the frame,
// rectangle and number helpers the plots share.
#include "plot_stream.hpp"

#include <fmt/format.h>

#include <cerrno>
#include <cmath>
#include <cstring>
#include <fstream>
#include <vector>

#include "segoid/core/error.hpp"

namespace segoid::report::plot_detail {
namespace fs = std::filesystem;
namespace {

std::mutex& plplot_mutex() {
  static std::mutex mutex;
  return mutex;
}

bool has_pngcairo() {
  static const bool available = [] {
    // plgDevs fills caller-sized arrays; `count` is their size on input, the devices on output.
    std::vector<const char*> menus(256), names(256);
    const char** menu_ptr = menus.data();
    const char** name_ptr = names.data();
    PLINT count = static_cast<PLINT>(menus.size());
    plgDevs(&menu_ptr, &name_ptr, &count);
    for (PLINT i = 0; i < count; ++i) {
      if (names[i] && std::strcmp(names[i], "pngcairo") == 0) return true;
    }
    return false;
  }();
  return available;
}

}  // namespace

PlotStream::PlotStream(const fs::path& png, const PlotSpec& spec) : lock_(plplot_mutex()), file_(png) {
  if (!has_pngcairo()) {
    throw IoError("cannot draw \"" + png.string() + "\": PLplot's pngcairo device is missing "
                  "(install plplot-driver-cairo)");
  }
  // PLplot exits the process when it cannot open its output: check the file opens first.
  if (!std::ofstream(file_.temp_path(), std::ios::binary)) {
    throw IoError("cannot write \"" + png.string() + "\": " + std::strerror(errno));
  }
  plsstrm(0);  // plmkstrm must be called from an existing stream
  plmkstrm(&stream_);
  plsdev("pngcairo");
  plsfnam(file_.temp_path().c_str());
  plspage(0, 0, spec.width, spec.height, 0, 0);
  plscmap0n(kPaletteSize);
  for (int i = 0; i < kPaletteSize; ++i) plscol0(i, kPalette[i][0], kPalette[i][1], kPalette[i][2]);
  plscolbg(255, 255, 255);
  plinit();
  pladv(0);
  plschr(0, kTextScale);
  plwidth(1.5);
}

PlotStream::~PlotStream() {
  if (open_) {
    plsstrm(stream_);
    plend1();
  }
}

void PlotStream::commit() {
  plsstrm(stream_);
  plend1();  // flushes and closes the PNG
  open_ = false;
  file_.commit();
}

// Axes frame with grid in light grey, then ticks and labels in black.
void draw_frame(double x_min, double x_max, double y_min, double y_max, const PlotSpec& spec,
                const char* x_options, const char* y_options) {
  // Margins in pixels, so that tick labels and axis titles fit at any plot size.
  plvpor(105.0 / spec.width, 1.0 - 40.0 / spec.width, 90.0 / spec.height, 1.0 - 60.0 / spec.height);
  plwind(x_min, x_max, y_min, y_max);
  plcol0(kLightGrey);
  pllsty(kSolid);
  plwidth(1.0);
  plbox("g", 0, 0, "g", 0, 0);
  plcol0(kBlack);
  plwidth(1.5);
  plbox(x_options, 0, 0, y_options, 0, 0);
  plmtex("t", 1.6, 0.5, 0.5, spec.title.c_str());
  plmtex("b", 3.0, 0.5, 0.5, spec.x_label.c_str());
  plmtex("l", 4.5, 0.5, 0.5, spec.y_label.c_str());
}

void commit_no_data(PlotStream& plot, const PlotSpec& spec) {
  draw_frame(0, 1, 0, 1, spec);
  plptex(0.5, 0.5, 1, 0, 0.5, "no data");
  plot.commit();
}

void fill_rect(double x0, double x1, double y0, double y1, PLINT colour) {
  PLFLT xs[4] = {x0, x1, x1, x0};
  PLFLT ys[4] = {y0, y0, y1, y1};
  plcol0(colour);
  plfill(4, xs, ys);
}

double nice_upper(double value) { return value > 0 ? value * 1.08 : 1.0; }

std::string fmt_number(double v) {
  if (std::abs(v) >= 1000) return fmt::format("{:.0f}", v);
  if (std::abs(v) >= 10) return fmt::format("{:.1f}", v);
  return fmt::format("{:.3g}", v);
}

}  // namespace segoid::report::plot_detail
