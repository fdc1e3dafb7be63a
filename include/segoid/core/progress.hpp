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
  /// Ends the bar (newline on a terminal). Called by the destructor if not called.
  void finish();
  ~Progress();
  /// Units per second so far.
  double rate() const;
  double elapsed_s() const;

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

}  // namespace segoid::core
