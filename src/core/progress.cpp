// SPDX-License-Identifier: MIT
// Terminal progress bar with a plain-line fallback.
#include "segoid/core/progress.hpp"

#include <unistd.h>

#include <algorithm>
#include <cstdio>

#include <fmt/format.h>

namespace segoid::core {

bool stderr_is_terminal() { return ::isatty(STDERR_FILENO) == 1; }

std::string format_duration(double seconds) {
  if (seconds < 60.0) return fmt::format("{:.1f}s", seconds);
  const auto total = static_cast<long>(seconds + 0.5);
  if (total < 3600) return fmt::format("{}m{:02d}s", total / 60, static_cast<int>(total % 60));
  return fmt::format("{}h{:02d}m", total / 3600, static_cast<int>((total % 3600) / 60));
}

Progress::Progress(std::string label, std::int64_t total, std::string unit, double plain_interval_s)
    : label_(std::move(label)),
      total_(std::max<std::int64_t>(total, 0)),
      unit_(std::move(unit)),
      plain_interval_s_(plain_interval_s),
      tty_(stderr_is_terminal()),
      start_(std::chrono::steady_clock::now()),
      last_draw_(start_) {}

Progress::~Progress() { finish(); }

double Progress::elapsed_s() const {
  return std::chrono::duration<double>(std::chrono::steady_clock::now() - start_).count();
}

double Progress::rate() const {
  const double t = elapsed_s();
  return t > 0.0 ? static_cast<double>(done_) / t : 0.0;
}

void Progress::advance(std::int64_t n, const std::string& suffix) {
  done_ += n;
  if (!suffix.empty()) suffix_ = suffix;
  const auto now = std::chrono::steady_clock::now();
  const double since = std::chrono::duration<double>(now - last_draw_).count();
  if (tty_ ? since >= 0.1 : since >= plain_interval_s_) {
    last_draw_ = now;
    draw(false);
  }
}

void Progress::add_total(std::int64_t delta) { total_ = std::max<std::int64_t>(0, total_ + delta); }

std::string progress_text(const std::string& label, std::int64_t done, std::int64_t total, const std::string& unit,
                          double elapsed_s, bool final_line, const std::string& suffix) {
  const double rate = elapsed_s > 0.0 ? static_cast<double>(done) / elapsed_s : 0.0;
  std::string text = fmt::format("{} {}/{} {} {:.1f} {}/s", label, done, total, unit, rate, unit);
  if (final_line) {
    text += fmt::format(" in {}", format_duration(elapsed_s));
  } else if (done >= total) {
    text += " ETA 0.0s";
  } else if (rate > 0.0) {
    text += fmt::format(" ETA {}", format_duration(static_cast<double>(total - done) / rate));
  } else {
    text += " ETA ?";
  }
  if (!suffix.empty()) text += "  " + suffix;
  return text;
}

void Progress::finish() {
  if (finished_) return;
  finished_ = true;
  draw(true);
}

void Progress::draw(bool final_line) {
  constexpr int kBarWidth = 28;
  const double fraction = total_ > 0 ? std::min(1.0, static_cast<double>(done_) / total_) : 1.0;
  const std::string text = progress_text(label_, done_, total_, unit_, elapsed_s(), final_line, suffix_);
  if (tty_) {
    const int filled = static_cast<int>(fraction * kBarWidth);
    const std::string bar = std::string(filled, '#') + std::string(kBarWidth - filled, '.');
    std::fprintf(stderr, "\r\033[K[%s] %s%s", bar.c_str(), text.c_str(), final_line ? "\n" : "");
  } else {
    std::fprintf(stderr, "%s\n", text.c_str());
  }
  std::fflush(stderr);
}

}  // namespace segoid::core
