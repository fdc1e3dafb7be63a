// SPDX-License-Identifier: MIT
// CSV cell formatting for analysis outputs.
#include "csv_lite.hpp"

#include <fmt/format.h>

#include <cctype>
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

double parse_number(const std::string& text) {
  constexpr std::size_t kMaxLength = 64;
  if (text.empty() || text.size() > kMaxLength || std::isspace(static_cast<unsigned char>(text[0]))) return std::nan("");
  try {
    std::size_t used = 0;
    const double value = std::stod(text, &used);
    return used == text.size() && std::isfinite(value) ? value : std::nan("");
  } catch (const std::exception&) {
    return std::nan("");
  }
}

}  // namespace segoid::analysis::csv
