// SPDX-License-Identifier: MIT
// quantify_objects outputs: per-object CSVs, per-image evaluation, summary, errors, metadata.
#include "quantify_output.hpp"

#include <fmt/format.h>
#include <spdlog/spdlog.h>
#include <yaml-cpp/yaml.h>

#include <algorithm>
#include <chrono>
#include <cmath>
#include <ctime>
#include <functional>
#include <map>
#include <numeric>
#include <set>

#include "csv_lite.hpp"
#include "segoid/analysis/contract.hpp"
#include "segoid/analysis/object_table.hpp"
#include "segoid/core/atomic_file.hpp"
#include "segoid/core/metrics.hpp"
#include "segoid/core/numbers.hpp"
#include "segoid/core/provenance.hpp"
#include "segoid/infer/contract.hpp"

namespace segoid::analysis {
namespace fs = std::filesystem;

void set_detection_totals(SummaryRow& row, long tp, long fp, long fn, const DetectionScores& macro) {
  row.total_tp = tp;
  row.total_fp = fp;
  row.total_fn = fn;
  row.mean_precision = macro.precision;
  row.mean_recall = macro.recall;
  row.mean_f1 = macro.f1;
  row.micro = detection_scores(tp, fp, fn);
}

namespace {

using core::kNaN;

// A per-object measure for summary_metrics.csv: column name, value in pixels, and its power of
// length (1 px, 2 px², 0 unitless) which decides the calibrated row (_um / _um2 / none).
struct Measure {
  const char* name;
  int length_power;
  std::function<double(const RegionProps&)> get;
};

const std::vector<Measure>& measures() {
  static const std::vector<Measure> kMeasures = {
      {contract::kArea, 2, [](const RegionProps& p) { return p.area; }},
      {contract::kPerimeter, 1, [](const RegionProps& p) { return p.perimeter; }},
      {contract::kEquivalentDiameter, 1, [](const RegionProps& p) { return p.equivalent_diameter; }},
      {contract::kMajorAxisLength, 1, [](const RegionProps& p) { return p.major_axis_length; }},
      {contract::kMinorAxisLength, 1, [](const RegionProps& p) { return p.minor_axis_length; }},
      {contract::kEccentricity, 0, [](const RegionProps& p) { return p.eccentricity; }},
      {contract::kCircularity, 0, [](const RegionProps& p) { return p.circularity; }},
  };
  return kMeasures;
}

double mean_of(const std::vector<double>& v) { return core::column_stats(v).mean; }

// SegOid's long table: counts, per-measure mean/median/std (sample, n - 1), detection totals.
// Plain names hold pixels; _um / _um2 rows cover the objects of calibrated images.
void write_summary_metrics(const QuantifySummary& s, const fs::path& path) {
  std::string out = csv::join_row({"metric", "value"});
  const auto add = [&](const std::string& name, double value) { out += csv::join_row({name, csv::number(value)}); };
  add("n_images", static_cast<double>(s.images.size()));
  add("n_images_with_truth", s.images_with_truth);
  add("n_failed_files", static_cast<double>(s.failures.size()));
  add("n_objects", static_cast<double>(s.n_objects));
  add("objects_per_image_mean", s.images.empty() ? kNaN : static_cast<double>(s.n_objects) / s.images.size());
  for (const Measure& m : measures()) {
    for (const bool calibrated : {false, true}) {
      if (calibrated && m.length_power == 0) continue;
      std::vector<double> values;
      for (const auto& image : s.images) {
        if (calibrated && !(image.pixel_size_um > 0)) continue;
        const double scale = calibrated ? std::pow(image.pixel_size_um, m.length_power) : 1.0;
        for (const auto& p : image.objects) values.push_back(m.get(p) * scale);
      }
      if (calibrated && values.empty()) continue;
      const std::string name = std::string(m.name) + (calibrated ? (m.length_power == 2 ? "_um2" : "_um") : "");
      const core::Stats stats = core::column_stats(values);
      add(name + "_mean", stats.mean);
      add(name + "_median", stats.median);
      add(name + "_std", stats.std);
    }
  }
  if (s.images_with_truth > 0) {
    add("tp", static_cast<double>(s.tp));
    add("fp", static_cast<double>(s.fp));
    add("fn", static_cast<double>(s.fn));
    add(contract::kMicroPrecision, s.micro.precision);
    add(contract::kMicroRecall, s.micro.recall);
    add(contract::kMicroF1, s.micro.f1);
    add("macro_precision", s.macro.precision);
    add("macro_recall", s.macro.recall);
    add("macro_f1", s.macro.f1);
    add(contract::kMeanMatchedIou, s.mean_matched_iou);
    add("pooled_matched_iou", s.pooled_matched_iou);
    add(contract::kMeanCentroidShiftPx, s.mean_centroid_shift);
    add(contract::kIouMatchThreshold, s.config.iou_threshold);
  }
  core::write_file_atomic(path, out);
}

SummaryRow summary_row(const QuantifySummary& s) {
  SummaryRow row;
  const bool with_truth = !s.config.gt_manifest.empty() || s.images_with_truth > 0;
  for (const auto& image : s.images) {
    if (with_truth && !image.has_truth) continue;
    ++row.total_images;
    row.total_pred_objects += static_cast<long>(image.objects.size());
    if (image.has_truth) row.total_gt_objects += image.eval.n_true;
  }
  set_detection_totals(row, s.tp, s.fp, s.fn, s.macro);
  row.mean_matched_iou = s.mean_matched_iou;
  row.images_with_truth = s.images_with_truth;
  row.mean_centroid_shift = s.mean_centroid_shift;
  row.iou_threshold = s.config.iou_threshold;
  return row;
}

/// An absolute path, or empty for an empty one (an optional path left unset).
fs::path absolute_or_empty(const fs::path& path) { return path.empty() ? path : fs::absolute(path); }

/// quantify_meta.yaml: provenance, the resolved config's rows with what the run adds in their
/// sections, and the results.
void write_meta(const QuantifySummary& s, const fs::path& path) {
  QuantifyConfig resolved = s.config;
  resolved.pred_mask_dir = fs::absolute(resolved.pred_mask_dir);
  resolved.gt_manifest = absolute_or_empty(resolved.gt_manifest);
  resolved.data_root = absolute_or_empty(resolved.data_root);
  resolved.output_dir = fs::absolute(resolved.output_dir);
  YAML::Node sections = core::snapshot_node(quantify_config_table(), resolved);
  sections["analysis"]["connectivity"] = 8;
  sections["calibration"][contract::kPixelSizeSource] =
      resolved.pixel_size_um > 0     ? contract::kSourceOption
      : resolved.pixel_size_from_tiff ? "per image: TIFF resolution tags of the predicted mask, else none"
                                      : contract::kSourceNone;
  YAML::Emitter y;
  y << YAML::BeginMap;
  core::emit_provenance(y);
  for (const auto& section : sections) y << YAML::Key << section.first << YAML::Value << section.second;
  y << YAML::Key << "results" << YAML::Value << YAML::BeginMap;
  y << YAML::Key << "images" << YAML::Value << s.images.size();
  y << YAML::Key << contract::kImagesWithTruth << YAML::Value << s.images_with_truth;
  y << YAML::Key << "objects" << YAML::Value << s.n_objects;
  y << YAML::Key << "failed_files" << YAML::Value << s.failures.size();
  y << YAML::EndMap;
  y << YAML::EndMap;
  core::write_file_atomic(path, std::string(y.c_str()) + "\n");
}

}  // namespace

void finalize_summary(QuantifySummary& s) {
  std::vector<double> diameters, precisions, recalls, f1s, ious;
  double iou_sum = 0, shift_sum = 0;
  s.n_objects = 0;
  s.tp = s.fp = s.fn = 0;
  s.images_with_truth = 0;
  for (const auto& image : s.images) {
    s.n_objects += static_cast<long>(image.objects.size());
    for (const auto& p : image.objects) diameters.push_back(p.equivalent_diameter);
    if (!image.has_truth) continue;
    ++s.images_with_truth;
    s.tp += image.eval.tp;
    s.fp += image.eval.fp;
    s.fn += image.eval.fn;
    precisions.push_back(image.eval.scores.precision);
    recalls.push_back(image.eval.scores.recall);
    f1s.push_back(image.eval.scores.f1);
    ious.push_back(image.eval.mean_matched_iou);
    for (const auto& m : image.eval.matches) {
      iou_sum += m.iou;
      shift_sum += m.centroid_shift;
    }
  }
  s.micro = detection_scores(s.tp, s.fp, s.fn);
  s.macro = {mean_of(precisions), mean_of(recalls), mean_of(f1s)};
  s.mean_matched_iou = mean_of(ious);
  s.pooled_matched_iou = s.tp > 0 ? iou_sum / static_cast<double>(s.tp) : 0.0;
  s.mean_centroid_shift = s.tp > 0 ? shift_sum / static_cast<double>(s.tp) : kNaN;
  s.median_equivalent_diameter = core::column_stats(diameters).median;
}

void write_summary_row(const fs::path& path, const SummaryRow& r) {
  std::vector<std::string> header(contract::kSummaryColumns.begin(), contract::kSummaryColumns.end());
  header.insert(header.end(), contract::kSummaryExtraColumns.begin(), contract::kSummaryExtraColumns.end());
  const auto count = [](long v) { return std::to_string(v); };
  const std::vector<std::string> row = {
      count(r.total_images),          count(r.total_pred_objects),      count(r.total_gt_objects),
      count(r.total_tp),              count(r.total_fp),                count(r.total_fn),
      csv::number(r.mean_precision),  csv::number(r.mean_recall),       csv::number(r.mean_f1),
      csv::number(r.mean_matched_iou), count(r.images_with_truth),      csv::number(r.micro.precision),
      csv::number(r.micro.recall),    csv::number(r.micro.f1),          csv::number(r.mean_centroid_shift),
      csv::number(r.iou_threshold)};
  core::write_file_atomic(path, csv::join_row(header) + csv::join_row(row));
}

namespace {

// Removes the files "<basename><suffix>" of `dir` not named in `keep`.
void remove_stale_per_image(const fs::path& dir, const std::string& suffix, const std::set<std::string>& keep) {
  int stale = 0;
  std::error_code ec;
  for (const auto& entry : fs::directory_iterator(dir, ec)) {
    const std::string name = entry.path().filename().string();
    if (name.size() > suffix.size() && name.compare(name.size() - suffix.size(), suffix.size(), suffix) == 0 &&
        !keep.count(name)) {
      fs::remove(entry.path());
      ++stale;
    }
  }
  if (stale > 0) spdlog::info("removed {} file(s) of an earlier run from \"{}\"", stale, dir.string());
}

}  // namespace

void write_quantify_outputs(const QuantifySummary& s) {
  const fs::path out = s.config.output_dir;
  std::vector<ObjectRecord> all;
  std::vector<std::string> eval_header(contract::kInstanceEvalColumns.begin(), contract::kInstanceEvalColumns.end());
  eval_header.emplace_back(contract::kMeanCentroidShiftPx);
  std::string eval = csv::join_row(eval_header);
  std::set<std::string> written;
  for (const auto& image : s.images) {
    std::map<int, const MatchedPair*> match_of;
    for (const auto& m : image.eval.matches) match_of[m.pred_label] = &m;
    std::vector<ObjectRecord> records;
    for (const auto& p : image.objects) {
      ObjectRecord r;
      r.image = image.basename;
      r.props = p;
      r.pixel_size_um = image.pixel_size_um;
      r.pixel_size_source = image.pixel_size_source.empty() ? contract::kSourceNone : image.pixel_size_source;
      const auto found = match_of.find(p.label);
      if (found != match_of.end()) {
        r.matched_true_label = found->second->true_label;
        r.match_iou = found->second->iou;
      }
      records.push_back(std::move(r));
    }
    const std::string name = image.basename + contract::kObjectsSuffix;
    write_object_table(out / contract::kPerImageDir / name, records);
    all.insert(all.end(), records.begin(), records.end());
    written.insert(name);
    if (image.has_truth) {
      const InstanceEval& e = image.eval;
      eval += csv::join_row({std::to_string(e.tp), std::to_string(e.fp), std::to_string(e.fn),
                             csv::number(e.scores.precision), csv::number(e.scores.recall), csv::number(e.scores.f1),
                             csv::number(e.mean_matched_iou), std::to_string(e.n_pred), std::to_string(e.n_true),
                             image.basename, csv::number(e.mean_centroid_shift)});
    }
  }
  // Per-image files of an earlier run for images not measured now would mix silently: remove them.
  remove_stale_per_image(out / contract::kPerImageDir, contract::kObjectsSuffix, written);
  std::set<std::string> roisets;
  for (const auto& image : s.images) roisets.insert(image.basename + contract::kRoiSetSuffix);
  if (!s.config.write_roiset) roisets.clear();
  remove_stale_per_image(out / contract::kRoiDir, contract::kRoiSetSuffix, roisets);
  write_object_table(out / contract::kAllObjectsCsv, all);
  if (s.images_with_truth > 0 || !s.config.gt_manifest.empty()) {
    core::write_file_atomic(out / contract::kInstanceEvalCsv, eval);
  }
  write_summary_row(out / contract::kSummaryCsv, summary_row(s));
  write_summary_metrics(s, out / contract::kSummaryMetricsCsv);
  std::string errors = csv::join_row({infer::contract::kFile, infer::contract::kErrorReason});
  for (const auto& f : s.failures) errors += csv::join_row({f.file, f.reason});
  core::write_file_atomic(out / infer::contract::kErrorsCsv, errors);
  write_meta(s, out / contract::kQuantifyMetaYaml);
}

std::string format_quantify_summary(const QuantifySummary& s) {
  const double px = s.config.pixel_size_um;
  const auto num = [](double v, const char* f = "{:.3f}") { return std::isfinite(v) ? fmt::format(f, v) : std::string("n/a"); };
  std::string out = fmt::format("quantify_objects: {} image(s) ({} with ground truth), {} object(s) measured "
                                "(objects < {} px dropped)\n",
                                s.images.size(), s.images_with_truth, s.n_objects, s.config.min_object_area);
  out += "  median equivalent diameter   " + num(s.median_equivalent_diameter, "{:.1f}") + " px";
  if (px > 0) out += "  (" + num(s.median_equivalent_diameter * px, "{:.1f}") + " µm)";
  out += "\n";
  if (s.images_with_truth > 0) {
    out += fmt::format("  detection at IoU >= {:<7}  precision  recall     F1\n", s.config.iou_threshold);
    out += fmt::format("    micro (all objects)            {:>5}   {:>5}  {:>5}\n", num(s.micro.precision),
                       num(s.micro.recall), num(s.micro.f1));
    out += fmt::format("    macro (mean over images)       {:>5}   {:>5}  {:>5}\n", num(s.macro.precision),
                       num(s.macro.recall), num(s.macro.f1));
    out += fmt::format("  TP {}, FP {}, FN {}; mean matched IoU {}; mean centroid shift {} px\n", s.tp, s.fp, s.fn,
                       num(s.mean_matched_iou), num(s.mean_centroid_shift, "{:.2f}"));
  }
  out += "  outputs: " + (s.config.output_dir / "").string() + " (all_objects.csv, summary.csv";
  out += s.images_with_truth > 0 ? ", instance_eval.csv" : "";
  out += s.config.generate_plots ? ", plots/)\n" : ")\n";
  if (s.skipped_without_prediction > 0) {
    out += fmt::format("  {} manifest image(s) without a predicted mask skipped\n", s.skipped_without_prediction);
  }
  if (!s.failures.empty()) {
    out += fmt::format("  {} file(s) failed: see {}\n", s.failures.size(), (s.config.output_dir / infer::contract::kErrorsCsv).string());
  }
  return out;
}

}  // namespace segoid::analysis
