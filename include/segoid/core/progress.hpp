// SPDX-License-Identifier: MIT
// A progress bar on a terminal, plain periodic lines otherwise (logs, CI, pipes).
#pragma once

#include <chrono>
#include <cstdint>
#include <string>

namespace segoid::core {

/// Reports progress of `total` units on stderr. On a terminal it redraws one line with rate and
/// ETA; otherwise it prints a plain line at most every `plain_interval_s` seconds and at the end.
class Progress {
 public:
  Progress(std::string label, std::int64_t total, std::string unit, double plain_interval_s = 10.0);
  /// Advances by `n` units; `suffix` (e.g. "loss 0.231") is shown after the rate.
  void advance(std::int64_t n = 1, const std::string& suffix = "");
  /// Changes the total by `delta` units (e.g. an input whose work turned out to be none).
  void add_total(std::int64_t delta);
  /// Ends the bar (newline on a terminal). Called by the destructor if not called.
  void finish();
  ~Progress();
  /// Units per second so far.
  double rate() const;
  double elapsed_s() const;
  std::int64_t total() const { return total_; }

 private:
  void draw(bool final_line);
  std::string label_;
  std::int64_t total_;
  std::int64_t done_ = 0;
  std::string unit_;
  std::string suffix_;
  double plain_interval_s_;
  bool tty_;
  bool finished_ = false;
  std::chrono::steady_clock::time_point start_;
  std::chrono::steady_clock::time_point last_draw_;
};

/// True when stderr is a terminal.
bool stderr_is_terminal();
/// "1m23s" / "4.5s".
std::string format_duration(double seconds);

/// The progress text without bar: "<label> <done>/<total> <unit> <rate> <unit>/s ETA <eta>" (or
/// " in <elapsed>" on the final line), then two spaces and `suffix` when not empty. ETA is the
/// remaining units at the mean rate so far; "?" before the first unit.
std::string progress_text(const std::string& label, std::int64_t done, std::int64_t total, const std::string& unit,
                          double elapsed_s, bool final_line, const std::string& suffix);

}  // namespace segoid::core
