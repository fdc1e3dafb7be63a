// SPDX-License-Identifier: MIT
// extract_metrics: quantify_objects without ground truth, and a pandas describe() of its table.
#include "segoid/analysis/extract_metrics.hpp"
#include "segoid/analysis/contract.hpp"

#include <algorithm>
#include <cerrno>
#include <cmath>
#include <cstdlib>

#include "csv_lite.hpp"
#include "segoid/core/atomic_file.hpp"
#include "segoid/core/error.hpp"
#include "segoid/core/numbers.hpp"

namespace segoid::analysis {
namespace {

using core::kNaN;
constexpr const char* kAllObjects = contract::kAllObjectsCsv;
constexpr const char* kSummaryStatistics = "summary_statistics.csv";

/// pandas/numpy "linear" quantile of sorted values: position q (n - 1), interpolated.
double quantile(const std::vector<double>& sorted, double q) {
  if (sorted.empty()) return kNaN;
  const double position = q * static_cast<double>(sorted.size() - 1);
  const std::size_t below = static_cast<std::size_t>(std::floor(position));
  const std::size_t above = std::min(below + 1, sorted.size() - 1);
  const double fraction = position - static_cast<double>(below);
  return sorted[below] + (sorted[above] - sorted[below]) * fraction;
}

/// count, mean, std, min, 25%, 50%, 75%, max of the values.
std::vector<double> describe(std::vector<double> v) {
  std::sort(v.begin(), v.end());
  const double n = static_cast<double>(v.size());
  double mean = kNaN, std_dev = kNaN;
  if (!v.empty()) {
    double sum = 0;
    for (double x : v) sum += x;
    mean = sum / n;
  }
  if (v.size() >= 2) {
    double squares = 0;
    for (double x : v) squares += (x - mean) * (x - mean);
    std_dev = std::sqrt(squares / (n - 1));
  }
  return {n,
          mean,
          std_dev,
          v.empty() ? kNaN : v.front(),
          quantile(v, 0.25),
          quantile(v, 0.5),
          quantile(v, 0.75),
          v.empty() ? kNaN : v.back()};
}

}  // namespace

DescribeTable describe_columns(const io::CsvTable& table, const std::vector<std::string>& columns,
                               const std::string& source) {
  DescribeTable out;
  out.columns = columns;
  std::vector<std::vector<double>> stats;
  for (const std::string& column : columns) {
    const int index = table.column_index(column);
    if (index < 0) throw DataError("\"" + source + "\" has no column \"" + column + "\"");
    std::vector<double> values;
    for (std::size_t row = 0; row < table.rows.size(); ++row) {
      const std::string& cell = table.rows[row][index];
      if (cell.empty()) continue;  // missing (e.g. circularity of a 1-2 px object)
      char* end = nullptr;
      errno = 0;
      const double value = std::strtod(cell.c_str(), &end);
      if (end == cell.c_str() || *end != '\0' || errno == ERANGE) {
        throw DataError("\"" + source + "\" line " + std::to_string(table.row_lines[row]) + ": column \"" + column +
                        "\" holds \"" + cell + "\", expected a number");
      }
      if (!std::isnan(value)) values.push_back(value);
    }
    stats.push_back(describe(std::move(values)));
  }
  out.values.assign(out.statistics.size(), std::vector<double>(columns.size(), kNaN));
  for (std::size_t col = 0; col < columns.size(); ++col) {
    for (std::size_t stat = 0; stat < out.statistics.size(); ++stat) out.values[stat][col] = stats[col][stat];
  }
  return out;
}

std::vector<std::string> described_columns() {
  std::vector<std::string> out;
  for (const char* column : contract::kObjectColumns) {
    if (std::string(column) != contract::kImage && std::string(column) != contract::kObjectId) out.push_back(column);
  }
  return out;
}

std::string format_describe_csv(const DescribeTable& table) {
  std::vector<std::string> header = {""};
  header.insert(header.end(), table.columns.begin(), table.columns.end());
  std::string out = csv::join_row(header);
  for (std::size_t stat = 0; stat < table.statistics.size(); ++stat) {
    std::vector<std::string> row = {table.statistics[stat]};
    for (double v : table.values[stat]) row.push_back(csv::number(v));
    out += csv::join_row(row);
  }
  return out;
}

QuantifySummary run_extract_metrics(const ExtractMetricsConfig& config) {
  QuantifyConfig quantify = config;
  quantify.gt_manifest.clear();  // measurements only
  quantify.generate_plots = false;
  QuantifySummary summary = run_quantify(quantify);
  // Described from the written table, so the statistics always match the file a user opens.
  const std::filesystem::path all_objects = config.output_dir / kAllObjects;
  const io::CsvTable table = io::read_csv(all_objects);
  const DescribeTable described = describe_columns(table, described_columns(), all_objects.string());
  core::write_file_atomic(config.output_dir / kSummaryStatistics, format_describe_csv(described));
  return summary;
}

}  // namespace segoid::analysis
