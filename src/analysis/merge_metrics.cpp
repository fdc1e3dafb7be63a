// SPDX-License-Identifier: MIT
// merge_metrics: joins per-shard / per-folder metric tables, copies per-image CSVs, rescores detection.
#include "segoid/analysis/merge_metrics.hpp"

#include <fmt/format.h>
#include <fmt/ranges.h>

#include <algorithm>
#include <cmath>
#include <map>
#include <numeric>

#include "csv_lite.hpp"
#include "quantify_output.hpp"
#include "segoid/analysis/contract.hpp"
#include "segoid/core/atomic_file.hpp"
#include "segoid/core/metrics.hpp"
#include "segoid/core/numbers.hpp"
#include "segoid/infer/contract.hpp"
#include "segoid/core/error.hpp"
#include "segoid/io/csv.hpp"

namespace segoid::analysis {
namespace fs = std::filesystem;

namespace {

using core::kNaN;

/// A table kind: files `<stem>.csv` or `<stem>.<anything>.csv`, keyed by one column.
struct TableKind {
  std::string stem;
  const char* key;     ///< image column the rows are sorted by
  bool unique_owner;   ///< an image may come from one file only (it is a measurement)
};

std::string stem_of(const char* csv_name) { return fs::path(csv_name).stem().string(); }

// errors*.csv lists failures, not measurements: the same file failing in two runs is no conflict.
const std::vector<TableKind>& kinds() {
  static const std::vector<TableKind> kKinds = {
      {stem_of(infer::contract::kPixelMetricsCsv), infer::contract::kBasename, true},
      {stem_of(infer::contract::kErrorsCsv), infer::contract::kFile, false},
      {stem_of(contract::kAllObjectsCsv), contract::kImage, true},
      {stem_of(contract::kInstanceEvalCsv), contract::kImage, true}};
  return kKinds;
}

bool matches_kind(const std::string& name, const std::string& stem) {
  if (name == stem + ".csv") return true;
  return name.size() > stem.size() + 5 && name.compare(0, stem.size() + 1, stem + ".") == 0 &&
         name.compare(name.size() - 4, 4, ".csv") == 0;
}

bool same_file(const fs::path& a, const fs::path& b) {
  std::error_code ec;
  return fs::weakly_canonical(a, ec) == fs::weakly_canonical(b, ec);
}

/// Matching files of one folder, sorted by name. When the folder is the output folder and also
/// holds shard files (`<stem>.<infix>.csv`), its plain `<stem>.csv` is an earlier merge of them and
/// is skipped; a plain file alone there is real input (merged over in place).
std::vector<fs::path> kind_files(const fs::path& folder, const TableKind& kind, const fs::path& output) {
  std::vector<fs::path> files;
  bool has_output = false;
  for (const auto& entry : fs::directory_iterator(folder)) {
    if (!entry.is_regular_file() || !matches_kind(entry.path().filename().string(), kind.stem)) continue;
    if (same_file(entry.path(), output)) {
      has_output = true;
    } else {
      files.push_back(entry.path());
    }
  }
  if (has_output && files.empty()) files.push_back(output);
  std::sort(files.begin(), files.end());
  return files;
}

/// A merged table with the file each row came from.
struct Joined {
  io::CsvTable table;
  std::vector<std::size_t> row_source;  ///< index into sources
};

Joined join(const TableKind& kind, const std::vector<fs::path>& sources) {
  Joined joined;
  std::vector<std::string> keys;
  std::map<std::string, std::size_t> owner;  // image -> source index
  for (std::size_t s = 0; s < sources.size(); ++s) {
    io::CsvTable part = io::read_csv(sources[s]);
    if (s == 0) {
      joined.table.header = part.header;
    } else if (part.header != joined.table.header) {
      throw DataError(fmt::format("cannot merge \"{}\" with \"{}\": headers differ ({} vs {})", sources[s].string(),
                                  sources[0].string(), fmt::join(part.header, ","),
                                  fmt::join(joined.table.header, ",")));
    }
    const int key = part.column_index(kind.key);
    if (key < 0) throw DataError(fmt::format("\"{}\" has no column '{}'", sources[s].string(), kind.key));
    for (auto& row : part.rows) {
      const std::string& image = row[key];
      const auto [it, inserted] = owner.emplace(image, s);
      if (!inserted && it->second != s && kind.unique_owner) {
        throw DataError(fmt::format("image \"{}\" appears in both \"{}\" and \"{}\" (measured twice, e.g. by "
                                    "overlapping shards); merge only one of them",
                                    image, sources[it->second].string(), sources[s].string()));
      }
      keys.push_back(image);
      joined.table.rows.push_back(std::move(row));
      joined.row_source.push_back(s);
    }
  }
  // Sort by image, keeping the reading order among rows of one image (objects by label).
  std::vector<std::size_t> order(keys.size());
  std::iota(order.begin(), order.end(), 0);
  std::stable_sort(order.begin(), order.end(), [&](std::size_t a, std::size_t b) { return keys[a] < keys[b]; });
  Joined sorted;
  sorted.table.header = joined.table.header;
  for (std::size_t i : order) {
    sorted.table.rows.push_back(std::move(joined.table.rows[i]));
    sorted.row_source.push_back(joined.row_source[i]);
  }
  return sorted;
}

double cell_number(const std::string& text, const fs::path& source, const std::string& column) {
  if (text.empty() || text == "nan" || text == "NaN") return kNaN;
  try {
    std::size_t used = 0;
    const double value = std::stod(text, &used);
    if (used == text.size()) return value;
  } catch (const std::exception&) {
  }
  throw DataError(fmt::format("\"{}\": column '{}' holds '{}', not a number", source.string(), column, text));
}

double mean_finite(const std::vector<double>& values) { return core::column_stats(values).mean; }

/// Detection scores of the merged instance_eval rows, written as summary.csv (write_summary_row).
void write_summary(const Joined& eval, const std::vector<fs::path>& sources, const fs::path& path, MergeResult& r) {
  const io::CsvTable& t = eval.table;
  const auto column = [&](const char* name) {
    const int index = t.column_index(name);
    if (index < 0) throw DataError(fmt::format("\"{}\" has no column '{}'", sources.front().string(), name));
    return index;
  };
  const int tp = column(contract::kTp), fp = column(contract::kFp), fn = column(contract::kFn);
  const int precision = column(contract::kPrecision), recall = column(contract::kRecall), f1 = column(contract::kF1);
  const int iou = column(contract::kMeanMatchedIou), shift = column(contract::kMeanCentroidShiftPx);
  const int n_pred = column(contract::kNPred), n_gt = column(contract::kNGt);
  std::vector<double> precisions, recalls, f1s, ious;
  double shift_sum = 0;
  SummaryRow out;
  for (std::size_t i = 0; i < t.rows.size(); ++i) {
    const auto& row = t.rows[i];
    const fs::path& source = sources[eval.row_source[i]];
    const auto value = [&](int c) { return cell_number(row[c], source, t.header[c]); };
    const long row_tp = std::lround(value(tp));
    r.tp += row_tp;
    r.fp += std::lround(value(fp));
    r.fn += std::lround(value(fn));
    precisions.push_back(value(precision));
    recalls.push_back(value(recall));
    f1s.push_back(value(f1));
    ious.push_back(value(iou));
    out.total_pred_objects += std::lround(value(n_pred));
    out.total_gt_objects += std::lround(value(n_gt));
    // Per-image means are over that image's matches: weighting by tp gives the mean over all matches.
    if (row_tp > 0) shift_sum += value(shift) * row_tp;
  }
  r.micro = detection_scores(r.tp, r.fp, r.fn);
  r.macro = {mean_finite(precisions), mean_finite(recalls), mean_finite(f1s)};
  out.total_images = out.images_with_truth = static_cast<long>(t.rows.size());
  set_detection_totals(out, r.tp, r.fp, r.fn, r.macro);
  out.mean_matched_iou = mean_finite(ious);
  out.mean_centroid_shift = r.tp > 0 ? shift_sum / static_cast<double>(r.tp) : kNaN;
  out.iou_threshold = kNaN;  // not recorded in instance_eval.csv
  write_summary_row(path, out);
  r.summary_written = true;
}

/// Copies every input's per_image/*.csv into output_dir/per_image; one name from two folders is an error.
int copy_per_image(const MergeConfig& config) {
  std::map<std::string, fs::path> copied;
  const fs::path target = config.output_dir / contract::kPerImageDir;
  for (const fs::path& folder : config.inputs) {
    const fs::path source_dir = folder / contract::kPerImageDir;
    if (!fs::is_directory(source_dir)) continue;
    std::vector<fs::path> files;
    for (const auto& entry : fs::directory_iterator(source_dir)) {
      if (entry.is_regular_file() && entry.path().extension() == ".csv") files.push_back(entry.path());
    }
    std::sort(files.begin(), files.end());
    for (const fs::path& file : files) {
      const std::string name = file.filename().string();
      const auto [it, inserted] = copied.emplace(name, file);
      if (!inserted) {
        throw DataError(fmt::format("per-image table \"{}\" exists in both \"{}\" and \"{}\"", name,
                                    it->second.string(), file.string()));
      }
      if (same_file(file, target / name)) continue;  // merging in place
      fs::create_directories(target);
      core::write_file_atomic(target / name, core::read_file(file));
    }
  }
  return static_cast<int>(copied.size());
}

}  // namespace

MergeResult merge_metrics(const MergeConfig& config) {
  if (config.inputs.empty()) throw ConfigError("merge_metrics: give at least one folder to merge");
  if (config.output_dir.empty()) throw ConfigError("merge_metrics: give --output-dir");
  for (const fs::path& folder : config.inputs) {
    if (!fs::is_directory(folder)) {
      throw ConfigError(fmt::format("input folder \"{}\" does not exist", folder.string()));
    }
  }
  MergeResult result;
  std::vector<std::pair<Joined, std::vector<fs::path>>> joined;
  for (const TableKind& kind : kinds()) {
    const std::string name = kind.stem + ".csv";
    std::vector<fs::path> sources;
    for (const fs::path& folder : config.inputs) {
      for (fs::path& file : kind_files(folder, kind, config.output_dir / name)) sources.push_back(std::move(file));
    }
    if (sources.empty()) continue;
    Joined table = join(kind, sources);  // all tables are checked before anything is written
    result.tables.push_back({name, sources, table.table.rows.size()});
    joined.emplace_back(std::move(table), std::move(sources));
  }
  if (result.tables.empty()) {
    throw ConfigError(fmt::format("no pixel_metrics*.csv, errors*.csv, all_objects*.csv or instance_eval*.csv in "
                                  "the {} input folder(s)",
                                  config.inputs.size()));
  }
  fs::create_directories(config.output_dir);
  for (std::size_t i = 0; i < joined.size(); ++i) {
    io::write_csv(config.output_dir / result.tables[i].name, joined[i].first.table);
    if (result.tables[i].name == contract::kInstanceEvalCsv && !joined[i].first.table.rows.empty()) {
      write_summary(joined[i].first, joined[i].second, config.output_dir / contract::kSummaryCsv, result);
    }
  }
  result.per_image_files = copy_per_image(config);
  return result;
}

std::string format_merge_result(const MergeResult& result, const MergeConfig& config) {
  std::string out;
  for (const MergedTable& table : result.tables) {
    std::vector<std::string> names;
    for (const fs::path& source : table.sources) names.push_back("\"" + source.string() + "\"");
    out += fmt::format("{}: {} row(s) from {} file(s): {}\n", (config.output_dir / table.name).string(), table.rows,
                       table.sources.size(), fmt::join(names, ", "));
  }
  if (result.per_image_files > 0) {
    out += fmt::format("{}: {} per-image table(s)\n", (config.output_dir / contract::kPerImageDir).string(),
                       result.per_image_files);
  }
  if (result.summary_written) {
    const auto num = [](double v) { return std::isfinite(v) ? fmt::format("{:.4f}", v) : std::string("n/a"); };
    out += fmt::format("{}: tp {} fp {} fn {}; micro P {} R {} F1 {}; macro P {} R {} F1 {}\n",
                       (config.output_dir / contract::kSummaryCsv).string(), result.tp, result.fp, result.fn,
                       num(result.micro.precision), num(result.micro.recall), num(result.micro.f1),
                       num(result.macro.precision), num(result.macro.recall), num(result.macro.f1));
  }
  return out;
}

}  // namespace segoid::analysis
