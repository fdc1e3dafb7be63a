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
#include <limits>
#include <map>
#include <numeric>
#include <set>

#include "csv_lite.hpp"
#include "segoid/core/atomic_file.hpp"
#include "segoid/core/version.hpp"

namespace segoid::analysis {
namespace fs = std::filesystem;
namespace {

constexpr double kNaN = std::numeric_limits<double>::quiet_NaN();

// A per-object measure: column name, value in pixels, and its power of length (1 px, 2 px²,
// 0 unitless) which decides the calibrated column (_um / _um2 / none).
struct Measure {
  const char* name;
  int length_power;
  std::function<double(const RegionProps&)> get;
};

const std::vector<Measure>& measures() {
  static const std::vector<Measure> kMeasures = {
      {"area", 2, [](const RegionProps& p) { return p.area; }},
      {"perimeter", 1, [](const RegionProps& p) { return p.perimeter; }},
      {"equivalent_diameter", 1, [](const RegionProps& p) { return p.equivalent_diameter; }},
      {"major_axis_length", 1, [](const RegionProps& p) { return p.major_axis_length; }},
      {"minor_axis_length", 1, [](const RegionProps& p) { return p.minor_axis_length; }},
      {"eccentricity", 0, [](const RegionProps& p) { return p.eccentricity; }},
      {"circularity", 0, [](const RegionProps& p) { return p.circularity; }},
      {"centroid_x", 1, [](const RegionProps& p) { return p.centroid_x; }},
      {"centroid_y", 1, [](const RegionProps& p) { return p.centroid_y; }},
  };
  return kMeasures;
}

bool is_position(const Measure& m) { return std::string(m.name).rfind("centroid", 0) == 0; }

std::vector<std::string> object_header(double pixel_size) {
  std::vector<std::string> header = {"label"};
  for (const Measure& m : measures()) header.emplace_back(m.name);
  for (const char* b : {"bbox_min_row", "bbox_min_col", "bbox_max_row", "bbox_max_col"}) header.emplace_back(b);
  if (pixel_size > 0) {
    for (const Measure& m : measures()) {
      if (m.length_power > 0) header.push_back(std::string(m.name) + (m.length_power == 2 ? "_um2" : "_um"));
    }
  }
  header.emplace_back("matched_true_label");
  header.emplace_back("match_iou");
  return header;
}

std::vector<std::string> object_row(const RegionProps& p, double pixel_size, const MatchedPair* match) {
  std::vector<std::string> row = {std::to_string(p.label)};
  for (const Measure& m : measures()) row.push_back(csv::number(m.get(p)));
  for (int v : {p.bbox_min_row, p.bbox_min_col, p.bbox_max_row, p.bbox_max_col}) row.push_back(std::to_string(v));
  if (pixel_size > 0) {
    for (const Measure& m : measures()) {
      if (m.length_power > 0) row.push_back(csv::number(m.get(p) * std::pow(pixel_size, m.length_power)));
    }
  }
  row.push_back(match ? std::to_string(match->true_label) : "");
  row.push_back(match ? csv::number(match->iou) : "");
  return row;
}

double mean_of(const std::vector<double>& v) {
  return v.empty() ? kNaN : std::accumulate(v.begin(), v.end(), 0.0) / static_cast<double>(v.size());
}

double median_of(std::vector<double> v) {
  if (v.empty()) return kNaN;
  std::sort(v.begin(), v.end());
  const std::size_t mid = v.size() / 2;
  return v.size() % 2 ? v[mid] : (v[mid - 1] + v[mid]) / 2;
}

// Sample standard deviation (n - 1), as pandas reports it; NaN below two values.
double std_of(const std::vector<double>& v) {
  if (v.size() < 2) return kNaN;
  const double m = mean_of(v);
  double ss = 0;
  for (double x : v) ss += (x - m) * (x - m);
  return std::sqrt(ss / static_cast<double>(v.size() - 1));
}

std::vector<double> finite_only(const std::vector<double>& v) {
  std::vector<double> out;
  for (double x : v) {
    if (std::isfinite(x)) out.push_back(x);
  }
  return out;
}

std::string utc_now() {
  const std::time_t now = std::chrono::system_clock::to_time_t(std::chrono::system_clock::now());
  std::tm tm{};
  gmtime_r(&now, &tm);
  char buffer[32];
  std::strftime(buffer, sizeof buffer, "%Y-%m-%dT%H:%M:%SZ", &tm);
  return buffer;
}

void write_summary_csv(const QuantifySummary& s, const fs::path& path) {
  const double px = s.config.pixel_size_um;
  std::string out = csv::join_row({"metric", "value"});
  const auto add = [&](const std::string& name, double value) { out += csv::join_row({name, csv::number(value)}); };
  add("n_images", static_cast<double>(s.images.size()));
  add("n_images_with_truth", s.images_with_truth);
  add("n_failed_files", static_cast<double>(s.failures.size()));
  add("n_objects", static_cast<double>(s.n_objects));
  add("objects_per_image_mean", s.images.empty() ? kNaN : static_cast<double>(s.n_objects) / s.images.size());
  for (const Measure& m : measures()) {
    if (is_position(m)) continue;  // the mean position of objects in a well says nothing
    std::vector<double> values;
    for (const auto& image : s.images) {
      for (const auto& p : image.objects) values.push_back(m.get(p));
    }
    values = finite_only(values);
    for (const bool calibrated : {false, true}) {
      if (calibrated && !(px > 0 && m.length_power > 0)) continue;
      const double scale = calibrated ? std::pow(px, m.length_power) : 1.0;
      const std::string name = std::string(m.name) + (calibrated ? (m.length_power == 2 ? "_um2" : "_um") : "");
      std::vector<double> scaled(values);
      for (double& v : scaled) v *= scale;
      add(name + "_mean", mean_of(scaled));
      add(name + "_median", median_of(scaled));
      add(name + "_std", std_of(scaled));
    }
  }
  if (s.images_with_truth > 0) {
    add("tp", static_cast<double>(s.tp));
    add("fp", static_cast<double>(s.fp));
    add("fn", static_cast<double>(s.fn));
    add("micro_precision", s.micro.precision);
    add("micro_recall", s.micro.recall);
    add("micro_f1", s.micro.f1);
    add("macro_precision", s.macro.precision);
    add("macro_recall", s.macro.recall);
    add("macro_f1", s.macro.f1);
    add("mean_matched_iou", s.mean_matched_iou);
    add("mean_centroid_shift_px", s.mean_centroid_shift);
    add("iou_match_threshold", s.config.iou_threshold);
  }
  core::write_file_atomic(path, out);
}

void write_meta(const QuantifySummary& s, const fs::path& path) {
  const QuantifyConfig& c = s.config;
  YAML::Emitter y;
  y.SetDoublePrecision(12);  // 0.65, not 0.65000000000000002
  y << YAML::BeginMap;
  y << YAML::Key << "segoid_version" << YAML::Value << core::version();
  y << YAML::Key << "git_hash" << YAML::Value << core::git_hash();
  y << YAML::Key << "created_utc" << YAML::Value << utc_now();
  y << YAML::Key << "input" << YAML::Value << YAML::BeginMap;
  y << YAML::Key << "pred_mask_dir" << YAML::Value << fs::absolute(c.pred_mask_dir).string();
  y << YAML::Key << "gt_manifest" << YAML::Value
    << (c.gt_manifest.empty() ? std::string() : fs::absolute(c.gt_manifest).string());
  y << YAML::Key << "data_root" << YAML::Value << (c.data_root.empty() ? std::string() : fs::absolute(c.data_root).string());
  y << YAML::EndMap;
  y << YAML::Key << "analysis" << YAML::Value << YAML::BeginMap;
  y << YAML::Key << "min_object_area" << YAML::Value << c.min_object_area;
  y << YAML::Key << "iou_match_threshold" << YAML::Value << c.iou_threshold;
  y << YAML::Key << "connectivity" << YAML::Value << 8;
  y << YAML::EndMap;
  y << YAML::Key << "calibration" << YAML::Value << YAML::BeginMap;
  y << YAML::Key << "pixel_size_um" << YAML::Value << c.pixel_size_um;
  y << YAML::EndMap;
  y << YAML::Key << "output" << YAML::Value << YAML::BeginMap;
  y << YAML::Key << "output_dir" << YAML::Value << fs::absolute(c.output_dir).string();
  y << YAML::Key << "generate_plots" << YAML::Value << c.generate_plots;
  y << YAML::EndMap;
  y << YAML::Key << "results" << YAML::Value << YAML::BeginMap;
  y << YAML::Key << "images" << YAML::Value << s.images.size();
  y << YAML::Key << "images_with_truth" << YAML::Value << s.images_with_truth;
  y << YAML::Key << "objects" << YAML::Value << s.n_objects;
  y << YAML::Key << "failed_files" << YAML::Value << s.failures.size();
  y << YAML::EndMap;
  y << YAML::EndMap;
  core::write_file_atomic(path, std::string(y.c_str()) + "\n");
}

}  // namespace

void finalize_summary(QuantifySummary& s) {
  std::vector<double> diameters, precisions, recalls, f1s;
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
    for (const auto& m : image.eval.matches) {
      iou_sum += m.iou;
      shift_sum += m.centroid_shift;
    }
  }
  s.micro = detection_scores(s.tp, s.fp, s.fn);
  s.macro = {mean_of(finite_only(precisions)), mean_of(finite_only(recalls)), mean_of(finite_only(f1s))};
  s.mean_matched_iou = s.tp > 0 ? iou_sum / static_cast<double>(s.tp) : kNaN;
  s.mean_centroid_shift = s.tp > 0 ? shift_sum / static_cast<double>(s.tp) : kNaN;
  s.median_equivalent_diameter = median_of(diameters);
}

void write_quantify_outputs(const QuantifySummary& s) {
  const fs::path out = s.config.output_dir;
  const double px = s.config.pixel_size_um;
  const std::vector<std::string> header = object_header(px);
  std::vector<std::string> all_header = header;
  all_header.insert(all_header.begin(), "image_basename");
  std::string all = csv::join_row(all_header);
  std::string eval = csv::join_row({"basename", "n_pred", "n_true", "tp", "fp", "fn", "precision", "recall", "f1",
                                    "mean_matched_iou", "mean_centroid_shift_px"});
  std::set<std::string> written;
  for (const auto& image : s.images) {
    std::map<int, const MatchedPair*> match_of;
    for (const auto& m : image.eval.matches) match_of[m.pred_label] = &m;
    std::string per_image = csv::join_row(header);
    for (const auto& p : image.objects) {
      const auto found = match_of.find(p.label);
      std::vector<std::string> row = object_row(p, px, found == match_of.end() ? nullptr : found->second);
      per_image += csv::join_row(row);
      row.insert(row.begin(), image.basename);
      all += csv::join_row(row);
    }
    const std::string name = image.basename + "_objects.csv";
    core::write_file_atomic(out / "per_image" / name, per_image);
    written.insert(name);
    if (image.has_truth) {
      const InstanceEval& e = image.eval;
      eval += csv::join_row({image.basename, std::to_string(e.n_pred), std::to_string(e.n_true), std::to_string(e.tp),
                             std::to_string(e.fp), std::to_string(e.fn), csv::number(e.scores.precision),
                             csv::number(e.scores.recall), csv::number(e.scores.f1), csv::number(e.mean_matched_iou),
                             csv::number(e.mean_centroid_shift)});
    }
  }
  // Per-image files of an earlier run for images not measured now would mix silently: remove them.
  int stale = 0;
  std::error_code ec;
  for (const auto& entry : fs::directory_iterator(out / "per_image", ec)) {
    const std::string name = entry.path().filename().string();
    if (name.size() > 12 && name.compare(name.size() - 12, 12, "_objects.csv") == 0 && !written.count(name)) {
      fs::remove(entry.path());
      ++stale;
    }
  }
  if (stale > 0) spdlog::info("removed {} per-image CSV(s) of an earlier run from \"{}\"", stale, (out / "per_image").string());
  core::write_file_atomic(out / "all_objects.csv", all);
  if (s.images_with_truth > 0 || !s.config.gt_manifest.empty()) {
    core::write_file_atomic(out / "instance_eval.csv", eval);
  }
  write_summary_csv(s, out / "summary.csv");
  std::string errors = csv::join_row({"file", "reason"});
  for (const auto& f : s.failures) errors += csv::join_row({f.file, f.reason});
  core::write_file_atomic(out / "errors.csv", errors);
  write_meta(s, out / "quantify_meta.yaml");
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
  if (!s.failures.empty()) {
    out += fmt::format("  {} file(s) failed: see {}\n", s.failures.size(), (s.config.output_dir / "errors.csv").string());
  }
  return out;
}

}  // namespace segoid::analysis
