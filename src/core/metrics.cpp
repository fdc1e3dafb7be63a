// SPDX-License-Identifier: MIT
// Counts to scores with SegOid's empty-mask convention; describe()-style column statistics.
#include "segoid/core/metrics.hpp"

#include <algorithm>
#include <cmath>
#include <string>

#include "segoid/core/error.hpp"
#include "segoid/core/numbers.hpp"

namespace segoid::core {
namespace {

/// numerator / denominator, or 0.0 when the ratio is undefined (the Python SegOid's 0/0).
double ratio(double numerator, double denominator) { return denominator > 0 ? numerator / denominator : 0.0; }

}  // namespace

Scores scores_from_counts(std::int64_t tp, std::int64_t fp, std::int64_t fn) {
  SEGOID_CHECK(tp >= 0 && fp >= 0 && fn >= 0, "confusion counts must be >= 0, got tp " + std::to_string(tp) +
                                                  " fp " + std::to_string(fp) + " fn " + std::to_string(fn));
  Scores s;
  if (tp == 0 && fp == 0 && fn == 0) {
    s.dice = s.iou = s.precision = s.recall = s.f1 = 1.0;  // nothing to find and nothing found
    return s;
  }
  const auto t = static_cast<double>(tp);
  const auto p = static_cast<double>(fp);
  const auto n = static_cast<double>(fn);
  s.dice = ratio(2 * t, 2 * t + p + n);
  s.iou = ratio(t, t + p + n);
  s.precision = ratio(t, t + p);
  s.recall = ratio(t, t + n);
  s.f1 = s.dice;
  return s;
}

Stats column_stats(const std::vector<double>& values) {
  std::vector<double> finite;
  finite.reserve(values.size());
  for (double v : values) {
    if (std::isfinite(v)) finite.push_back(v);
  }
  Stats s;
  s.n = static_cast<int>(finite.size());
  if (finite.empty()) {
    s.mean = s.std = s.min = s.max = s.median = kNaN;
    return s;
  }
  std::sort(finite.begin(), finite.end());
  double sum = 0.0;
  for (double v : finite) sum += v;
  s.mean = sum / static_cast<double>(s.n);
  double squares = 0.0;
  for (double v : finite) squares += (v - s.mean) * (v - s.mean);
  s.std = s.n > 1 ? std::sqrt(squares / static_cast<double>(s.n - 1)) : kNaN;
  s.min = finite.front();
  s.max = finite.back();
  const std::size_t mid = finite.size() / 2;
  s.median = finite.size() % 2 ? finite[mid] : (finite[mid - 1] + finite[mid]) / 2;
  return s;
}

}  // namespace segoid::core
