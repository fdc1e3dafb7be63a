// SPDX-License-Identifier: MIT
// The validate_dataset report: counts, statistics and the console summary.
#include <fmt/format.h>

#include <algorithm>
#include <cmath>
#include <numeric>

#include "segoid/data/validate_dataset.hpp"

namespace segoid::data {
namespace {

/// numpy's default ("linear") percentile of sorted values.
double percentile_sorted(const std::vector<double>& sorted, double percent) {
  if (sorted.empty()) return 0.0;
  const double position = percent / 100.0 * static_cast<double>(sorted.size() - 1);
  const auto lower = static_cast<std::size_t>(std::floor(position));
  const std::size_t upper = std::min(lower + 1, sorted.size() - 1);
  return sorted[lower] + (position - static_cast<double>(lower)) * (sorted[upper] - sorted[lower]);
}

std::string percent(double fraction) { return fmt::format("{:.2f}%", 100.0 * fraction); }

}  // namespace

std::string to_string(QcStatus status) {
  switch (status) {
    case QcStatus::kPass: return "pass";
    case QcStatus::kFail: return "fail";
    case QcStatus::kFlagged: return "flagged";
  }
  return "?";
}

int ValidationReport::count(QcStatus status) const {
  return static_cast<int>(std::count_if(entries.begin(), entries.end(), [&](const QcEntry& e) { return e.status == status; }));
}

int ValidationReport::confirmed_empty() const {
  return static_cast<int>(std::count_if(entries.begin(), entries.end(), [](const QcEntry& e) {
    return e.status == QcStatus::kPass && e.row.empty_confirmed.value_or(false);
  }));
}

int ValidationReport::orphan_masks() const {
  return static_cast<int>(std::count_if(entries.begin(), entries.end(), [](const QcEntry& e) { return e.orphan_mask; }));
}

int ValidationReport::exit_code() const { return count(QcStatus::kFail) == 0 ? 0 : 1; }

double ValidationReport::median_diameter_px() const {
  std::vector<double> sorted = object_diameters_px;
  std::sort(sorted.begin(), sorted.end());
  return percentile_sorted(sorted, 50.0);
}

int ValidationReport::recommended_patch_px() const {
  const double diameter = median_diameter_px();
  if (!(diameter > 0.0)) return 0;
  const int multiple = std::max(1, config.patch_multiple);
  return static_cast<int>(std::ceil(config.patch_diameter_factor * diameter / multiple)) * multiple;
}

std::string format_validation_summary(const ValidationReport& report) {
  const int images = static_cast<int>(report.entries.size()) - report.orphan_masks();
  const int passed = report.count(QcStatus::kPass);
  const int failed_images = report.count(QcStatus::kFail) - report.orphan_masks();
  const int flagged = report.count(QcStatus::kFlagged);
  std::string out = fmt::format("Dataset check of {}: {} images\n", report.config.input_dir.string(), images);
  out += fmt::format("  {:<14}{:>6}", "passed", passed);
  if (report.confirmed_empty() > 0) out += fmt::format("   (incl. {} confirmed empty)", report.confirmed_empty());
  out += fmt::format("\n  {:<14}{:>6}\n", "failed", failed_images);
  out += fmt::format("  {:<14}{:>6}{}\n", "flagged", flagged,
                     flagged > 0 ? "   (empty mask, not confirmed; kept in all.csv)" : "");
  if (report.orphan_masks() > 0) out += fmt::format("  {:<14}{:>6}   (masks without an image)\n", "orphan masks", report.orphan_masks());

  std::vector<double> coverage, objects;
  for (const auto& entry : report.entries) {
    if (entry.status != QcStatus::kPass) continue;
    coverage.push_back(entry.row.mask_coverage.value_or(0.0));
    objects.push_back(entry.row.object_count.value_or(0));
  }
  std::sort(coverage.begin(), coverage.end());
  std::sort(objects.begin(), objects.end());
  out += "\n";
  if (coverage.empty()) {
    out += "  No image passed: no statistics.\n";
  } else {
    out += fmt::format("  {:<22}min {}  Q1 {}  median {}  Q3 {}  max {}\n", "mask coverage", percent(coverage.front()),
                       percent(percentile_sorted(coverage, 25)), percent(percentile_sorted(coverage, 50)),
                       percent(percentile_sorted(coverage, 75)), percent(coverage.back()));
    const auto without = std::count(objects.begin(), objects.end(), 0.0);
    out += fmt::format("  {:<22}min {:g}  Q1 {:g}  median {:g}  Q3 {:g}  max {:g}   ({} objects; {} image{} without)\n",
                       "objects per image", objects.front(), percentile_sorted(objects, 25),
                       percentile_sorted(objects, 50), percentile_sorted(objects, 75), objects.back(),
                       std::accumulate(objects.begin(), objects.end(), 0.0), without, without == 1 ? "" : "s");
    if (report.object_diameters_px.empty()) {
      out += fmt::format("  {:<22}n/a (no objects)\n", "median diameter");
    } else {
      out += fmt::format("  {:<22}{:.1f} px over {} objects (equivalent diameter)\n", "median diameter",
                         report.median_diameter_px(), report.object_diameters_px.size());
      out += fmt::format("  {:<22}{} px  (= {} x diameter, rounded up to a multiple of {})\n", "recommended patch",
                         report.recommended_patch_px(), report.config.patch_diameter_factor, report.config.patch_multiple);
    }
  }

  // Names are padded to a common width (capped, so one long name does not push all reasons
  // off the screen) so that the reasons line up.
  constexpr std::size_t kMaxNameWidth = 28;
  std::size_t name_width = 0;
  for (const auto& entry : report.entries) {
    if (entry.status != QcStatus::kPass || !entry.warnings.empty()) {
      name_width = std::max(name_width, std::min(entry.row.basename.size(), kMaxNameWidth));
    }
  }
  bool header = false;
  for (const auto& entry : report.entries) {
    const bool problem = entry.status != QcStatus::kPass;
    if (!problem && entry.warnings.empty()) continue;
    if (!header) {
      out += "\n  Problems and warnings:\n";
      header = true;
    }
    const char* tag = entry.status == QcStatus::kFail ? "FAIL" : entry.status == QcStatus::kFlagged ? "FLAG" : "WARN";
    if (problem) out += fmt::format("  {:<5} {:<{}}  {}\n", tag, entry.row.basename, name_width, entry.reason);
    for (const auto& warning : entry.warnings) {
      out += fmt::format("  {:<5} {:<{}}  {}\n", "WARN", entry.row.basename, name_width, warning);
    }
  }
  out += fmt::format("\n  Wrote {} ({} images), {} and curate_meta.yaml\n", report.all_csv.string(), passed + flagged,
                     report.qc_csv.string());
  out += fmt::format("  Paths in the manifest are relative to the data root \"{}\" (data.data_root / --data-root)\n",
                     data_root_of(report.config).generic_string());
  return out;
}

}  // namespace segoid::data
