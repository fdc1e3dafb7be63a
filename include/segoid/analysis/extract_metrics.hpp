// SPDX-License-Identifier: MIT
// `extract_metrics`: per-object measurements of predicted masks without ground truth, plus
// summary_statistics.csv in the layout of pandas' DataFrame.describe().
#pragma once

#include <filesystem>
#include <string>
#include <vector>

#include "segoid/analysis/quantify.hpp"
#include "segoid/io/csv.hpp"

namespace segoid::analysis {

/// extract_metrics takes quantify_objects' options (the Python command's flags are a subset of
/// them) and measures only: no ground truth, no plots.
using ExtractMetricsConfig = QuantifyConfig;

/// pandas' describe() of some numeric columns: rows count, mean, std (sample, n - 1), min, 25%,
/// 50%, 75%, max; percentiles by linear interpolation between order statistics (pandas' default).
/// Empty cells are missing values and are not counted. A statistic that is undefined (std of one
/// value, anything of none) is NaN.
struct DescribeTable {
  std::vector<std::string> columns;
  std::vector<std::string> statistics = {"count", "mean", "std", "min", "25%", "50%", "75%", "max"};
  std::vector<std::vector<double>> values;  ///< [statistic][column]
};

/// describe() of `columns` of `table`. Throws DataError naming `source` for a missing column or
/// a cell that is not a number.
DescribeTable describe_columns(const io::CsvTable& table, const std::vector<std::string>& columns,
                               const std::string& source);

/// The columns summary_statistics.csv describes: the Python SegOid's per-object columns without
/// image and object_id (its `drop(columns=['image', 'object_id']).describe()`), in its order;
/// SegOid's extra columns (*_px, pixel_size_um, ...) are not described.
std::vector<std::string> described_columns();

/// The table as pandas' `describe().to_csv()` writes it: a header with an empty first cell and
/// the column names, then one row per statistic; NaN as an empty cell.
std::string format_describe_csv(const DescribeTable& table);

/// Measures every predicted mask as quantify_objects does without ground truth (per_image/,
/// all_objects.csv, summary.csv, errors.csv, quantify_meta.yaml; no plots), then writes
/// summary_statistics.csv: describe() of described_columns() of all_objects.csv. Atomic writes.
/// Throws ConfigError/IoError as run_quantify.
QuantifySummary run_extract_metrics(const ExtractMetricsConfig& config);

}  // namespace segoid::analysis
