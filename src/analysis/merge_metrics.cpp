// SPDX-License-Identifier: MIT
// merge_metrics: joins per-shard / per-folder metric tables, copies per-image CSVs, rescores detection.
#include "segoid/analysis/merge_metrics.hpp"

#include <fmt/format.h>
#include <fmt/ranges.h>

#include <algorithm>
#include <cmath>
#include <limits>
#include <map>
#include <numeric>

#include "csv_lite.hpp"
#include "segoid/core/atomic_file.hpp"
#include "segoid/core/error.hpp"
#include "segoid/io/csv.hpp"

namespace segoid::analysis {
namespace fs = std::filesystem;

namespace {

constexpr double kNaN = std::numeric_limits<double>::quiet_NaN();

/// A table kind: files `<stem>.csv` or `<stem>.<anything>.csv`, keyed by one column.
struct TableKind {
  const char* stem;
  const char* key;     ///< image column the rows are sorted by
  bool unique_owner;   ///< an image may come from one file only (it is a measurement)
};

// errors*.csv lists failures, not measurements: the same file failing in two runs is no conflict.
const TableKind kKinds[] = {{"pixel_metrics", "basename", true},
                            {"errors", "file", false},
                            {"all_objects", "image_basename", true},
                            {"instance_eval", "basename", true}};

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

double mean_finite(const std::vector<double>& values) {
  double sum = 0;
  int n = 0;
  for (double v : values) {
    if (std::isfinite(v)) {
      sum += v;
      ++n;
    }
  }
  return n > 0 ? sum / n : kNaN;
}

/// Detection scores of the merged instance_eval rows, written as summary.csv.
void write_summary(const Joined& eval, const std::vector<fs::path>& sources, const fs::path& path, MergeResult& r) {
  const io::CsvTable& t = eval.table;
  const auto column = [&](const char* name) {
    const int index = t.column_index(name);
    if (index < 0) throw DataError(fmt::format("\"{}\" has no column '{}'", sources.front().string(), name));
    return index;
  };
  const int tp = column("tp"), fp = column("fp"), fn = column("fn");
  const int precision = column("precision"), recall = column("recall"), f1 = column("f1");
  const int iou = column("mean_matched_iou"), shift = column("mean_centroid_shift_px");
  std::vector<double> precisions, recalls, f1s;
  double iou_sum = 0, shift_sum = 0;
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
    // Per-image means are over that image's matches: weighting by tp gives the mean over all matches.
    if (row_tp > 0) {
      iou_sum += value(iou) * row_tp;
      shift_sum += value(shift) * row_tp;
    }
  }
  r.micro = detection_scores(r.tp, r.fp, r.fn);
  r.macro = {mean_finite(precisions), mean_finite(recalls), mean_finite(f1s)};
  std::string out = csv::join_row({"metric", "value"});
  const auto add = [&](const std::string& name, double v) { out += csv::join_row({name, csv::number(v)}); };
  add("n_images_with_truth", static_cast<double>(t.rows.size()));
  add("tp", static_cast<double>(r.tp));
  add("fp", static_cast<double>(r.fp));
  add("fn", static_cast<double>(r.fn));
  add("micro_precision", r.micro.precision);
  add("micro_recall", r.micro.recall);
  add("micro_f1", r.micro.f1);
  add("macro_precision", r.macro.precision);
  add("macro_recall", r.macro.recall);
  add("macro_f1", r.macro.f1);
  add("mean_matched_iou", r.tp > 0 ? iou_sum / static_cast<double>(r.tp) : kNaN);
  add("mean_centroid_shift_px", r.tp > 0 ? shift_sum / static_cast<double>(r.tp) : kNaN);
  core::write_file_atomic(path, out);
  r.summary_written = true;
}

/// Copies every input's per_image/*.csv into output_dir/per_image; one name from two folders is an error.
int copy_per_image(const MergeConfig& config) {
  std::map<std::string, fs::path> copied;
  const fs::path target = config.output_dir / "per_image";
  for (const fs::path& folder : config.inputs) {
    const fs::path source_dir = folder / "per_image";
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
  for (const TableKind& kind : kKinds) {
    const std::string name = std::string(kind.stem) + ".csv";
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
    if (result.tables[i].name == "instance_eval.csv" && !joined[i].first.table.rows.empty()) {
      write_summary(joined[i].first, joined[i].second, config.output_dir / "summary.csv", result);
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
    out += fmt::format("{}: {} per-image table(s)\n", (config.output_dir / "per_image").string(),
                       result.per_image_files);
  }
  if (result.summary_written) {
    const auto num = [](double v) { return std::isfinite(v) ? fmt::format("{:.4f}", v) : std::string("n/a"); };
    out += fmt::format("{}: tp {} fp {} fn {}; micro P {} R {} F1 {}; macro P {} R {} F1 {}\n",
                       (config.output_dir / "summary.csv").string(), result.tp, result.fp, result.fn,
                       num(result.micro.precision), num(result.micro.recall), num(result.micro.f1),
                       num(result.macro.precision), num(result.macro.recall), num(result.macro.f1));
  }
  return out;
}

}  // namespace segoid::analysis
