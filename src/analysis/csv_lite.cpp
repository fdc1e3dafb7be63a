// SPDX-License-Identifier: MIT
// CSV cell formatting for analysis outputs.
#include "csv_lite.hpp"

#include <fmt/format.h>

#include <cmath>

#include "segoid/io/csv.hpp"

namespace segoid::analysis::csv {

std::string join_row(const std::vector<std::string>& fields) {
  std::string out;
  for (std::size_t i = 0; i < fields.size(); ++i) {
    if (i) out += ',';
    out += io::csv_escape(fields[i]);
  }
  return out + "\n";
}

std::string number(double value) {
  if (!std::isfinite(value)) return std::isnan(value) ? "" : (value > 0 ? "inf" : "-inf");
  if (value == std::floor(value) && std::abs(value) < 1e15) return fmt::format("{:.0f}", value);
  return fmt::format("{:.10g}", value);
}

}  // namespace segoid::analysis::csv
