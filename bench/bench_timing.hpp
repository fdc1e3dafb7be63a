// SPDX-License-Identifier: MIT
// Timing for the benchmarks: the median of repeated runs after warm-up ones.
#pragma once

#include <algorithm>
#include <chrono>
#include <vector>

namespace segoid::bench {

/// Median seconds of `iterations` calls of `run`, after `warmup` untimed calls (oneDNN picks its
/// kernels on the first call).
template <typename F>
double median_seconds(int iterations, int warmup, F&& run) {
  for (int i = 0; i < warmup; ++i) run();
  std::vector<double> times;
  for (int i = 0; i < iterations; ++i) {
    const auto start = std::chrono::steady_clock::now();
    run();
    times.push_back(std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count());
  }
  std::sort(times.begin(), times.end());
  return times[times.size() / 2];
}

}  // namespace segoid::bench
