// SPDX-License-Identifier: MIT
// Cross-validation outputs: fold_result.yaml, results/{fold_metrics.csv,summary.yaml,REPORT.md}, console table.
#include <fmt/format.h>
#include <yaml-cpp/yaml.h>

#include <algorithm>
#include <cmath>

#include "cross_validation_internal.hpp"
#include "segoid/core/atomic_file.hpp"
#include "segoid/core/error.hpp"
#include "segoid/core/metrics.hpp"
#include "segoid/core/numbers.hpp"
#include "segoid/core/provenance.hpp"
#include "segoid/core/version.hpp"
#include "segoid/io/csv.hpp"
#include "segoid/pipeline/contract.hpp"
#include "segoid/report/report_document.hpp"

namespace segoid::pipeline {
namespace fs = std::filesystem;
namespace {

using core::kNaN;

bool completed(const FoldResult& r) {
  return r.outcome == FoldOutcome::kTrained || r.outcome == FoldOutcome::kResumed ||
         r.outcome == FoldOutcome::kReused;
}

std::string outcome_name(FoldOutcome o) {
  switch (o) {
    case FoldOutcome::kTrained: return "trained";
    case FoldOutcome::kResumed: return "resumed";
    case FoldOutcome::kReused: return "done earlier";
    case FoldOutcome::kInterrupted: return "interrupted";
    case FoldOutcome::kNotRun: break;
  }
  return "not run";
}

/// REPORT.md of a cross-validation: the folds' table and the Dice over them.
report::ReportDocument cv_report(const CvSummary& summary, const CvConfig& config) {
  report::ReportDocument doc;
  doc.title = "Cross-validation report";
  doc.headline = {{"strategy", fmt::format("{} ({} folds, seed {})", to_string(config.cv.strategy),
                                           summary.folds.size(), config.cv.seed)},
                  {"images", config.cv.source_manifest.string()},
                  {"completed folds", fmt::format("{} of {}", summary.n_completed, summary.folds.size())},
                  {"SegOid", core::version_banner()}};
  if (summary.n_completed > 0) {
    doc.headline.emplace_back(
        fmt::format("best validation Dice over {} fold(s)", summary.n_completed),
        fmt::format("mean {:.4f} ± {:.4f} (std), min {:.4f}, max {:.4f}", summary.mean_dice, summary.std_dice,
                    summary.min_dice, summary.max_dice));
  }
  report::ReportSection folds;
  folds.title = "Folds";
  folds.text = "Each fold is a full training run in `folds/fold_N/` (train.csv, val.csv, config.yaml, "
               "val_metrics.csv, checkpoints/, tensorboard/); `cv_meta.yaml` lists the images of every fold.";
  report::ReportTable table{"", {"Fold", "Validation images", "Best val Dice", "Best epoch", "Epochs", "Minutes"}, {}};
  for (const FoldResult& r : summary.folds) {
    if (completed(r)) {
      table.rows.push_back({std::to_string(r.fold), join(r.validation, "; "), fmt::format("{:.4f}", r.best_val_dice),
                            std::to_string(r.best_epoch), std::to_string(r.epochs_completed),
                            fmt::format("{:.1f}", r.minutes)});
    } else {
      table.rows.push_back({std::to_string(r.fold), join(r.validation, "; "), outcome_name(r.outcome), "", "", ""});
    }
  }
  folds.tables.push_back(std::move(table));
  doc.sections.push_back(std::move(folds));
  return doc;
}

}  // namespace

void write_fold_result(const fs::path& path, const FoldResult& result, const Fold& fold, const fs::path& best_checkpoint) {
  YAML::Emitter e;
  e.SetDoublePrecision(10);
  e << YAML::BeginMap;
  e << YAML::Key << "fold" << YAML::Value << result.fold;
  e << YAML::Key << "validation" << YAML::Value << YAML::Flow << fold.validation;
  e << YAML::Key << "training" << YAML::Value << YAML::Flow << fold.training;
  e << YAML::Key << "best_val_dice" << YAML::Value << result.best_val_dice;
  e << YAML::Key << "best_epoch" << YAML::Value << result.best_epoch;
  e << YAML::Key << "epochs_completed" << YAML::Value << result.epochs_completed;
  e << YAML::Key << "final_train_dice" << YAML::Value << result.final_train_dice;
  e << YAML::Key << "minutes" << YAML::Value << result.minutes;
  e << YAML::Key << "best_checkpoint" << YAML::Value << best_checkpoint.string();
  core::emit_provenance(e);
  e << YAML::EndMap;
  core::write_file_atomic(path, std::string(e.c_str()) + "\n");
}

void read_fold_result(const fs::path& path, FoldResult& result) {
  try {
    const YAML::Node n = YAML::LoadFile(path.string());
    result.best_val_dice = n["best_val_dice"].as<double>();
    result.best_epoch = n["best_epoch"].as<int>();
    result.epochs_completed = n["epochs_completed"].as<int>();
    result.minutes = n["minutes"].as<double>();
    if (n["final_train_dice"]) result.final_train_dice = n["final_train_dice"].as<double>();
  } catch (const YAML::Exception& e) {
    throw DataError(fmt::format("cannot read fold result \"{}\": {}; delete it to train the fold again",
                                path.string(), e.what()));
  }
}

void finish_summary(CvSummary& summary) {
  std::vector<double> dice;
  summary.best_fold = summary.worst_fold = -1;
  summary.total_minutes = 0.0;
  for (const FoldResult& r : summary.folds) {
    if (!completed(r)) continue;
    dice.push_back(r.best_val_dice);
    summary.total_minutes += r.minutes;
    if (summary.best_fold < 0 || r.best_val_dice > summary.folds[summary.best_fold].best_val_dice) summary.best_fold = r.fold;
    if (summary.worst_fold < 0 || r.best_val_dice < summary.folds[summary.worst_fold].best_val_dice) summary.worst_fold = r.fold;
  }
  summary.n_completed = static_cast<int>(dice.size());
  summary.mean_dice = summary.std_dice = summary.min_dice = summary.max_dice = 0.0;
  if (dice.empty()) return;
  const core::Stats stats = core::column_stats(dice);  // sample std, as pandas
  summary.mean_dice = stats.mean;
  summary.std_dice = stats.std;
  summary.min_dice = stats.min;
  summary.max_dice = stats.max;
}

void write_results(const CvSummary& summary, const CvConfig& config) {
  const fs::path dir = summary.results_dir;
  io::CsvTable csv;
  csv.header.assign(contract::kFoldMetricsColumns.begin(), contract::kFoldMetricsColumns.end());
  csv.header.emplace_back(contract::kEpochsCompleted);
  csv.header.emplace_back(contract::kValImages);
  for (const FoldResult& r : summary.folds) {
    if (!completed(r)) continue;
    // The Python SegOid's val_image: the name of a single validation image, else "N images".
    const std::string val_image =
        r.validation.size() == 1 ? r.validation.front() : fmt::format("{} images", r.validation.size());
    csv.rows.push_back({std::to_string(r.fold), val_image, fmt::format("{:.6f}", r.best_val_dice),
                        std::to_string(r.best_epoch), fmt::format("{:.6f}", r.final_train_dice),
                        fmt::format("{:.2f}", r.minutes), std::to_string(r.epochs_completed),
                        join(r.validation, ";")});
  }
  io::write_csv(dir / contract::kFoldMetricsCsv, csv);

  // The Python SegOid's keys (in yaml.dump's sorted order), then SegOid's.
  const bool any = summary.n_completed > 0;
  YAML::Emitter e;
  e.SetDoublePrecision(6);
  e << YAML::BeginMap;
  e << YAML::Key << "best_fold" << YAML::Value << summary.best_fold;
  e << YAML::Key << "best_fold_dice" << YAML::Value << (any ? summary.max_dice : kNaN);
  e << YAML::Key << "cv_strategy" << YAML::Value << to_string(config.cv.strategy);
  e << YAML::Key << "experiment_dir" << YAML::Value << config.cv_dir.string();
  e << YAML::Key << "n_folds" << YAML::Value << summary.n_completed;  // Python: the folds with results
  e << YAML::Key << "n_folds_completed" << YAML::Value << summary.n_completed;
  e << YAML::Key << "total_training_time_min" << YAML::Value << summary.total_minutes;
  e << YAML::Key << "val_dice" << YAML::Value << YAML::BeginMap;  // over the folds' best val Dice
  e << YAML::Key << "max" << YAML::Value << (any ? summary.max_dice : kNaN);
  e << YAML::Key << "mean" << YAML::Value << (any ? summary.mean_dice : kNaN);
  e << YAML::Key << "min" << YAML::Value << (any ? summary.min_dice : kNaN);
  e << YAML::Key << "std" << YAML::Value << (any ? summary.std_dice : kNaN) << YAML::EndMap;
  e << YAML::Key << "worst_fold" << YAML::Value << summary.worst_fold;
  e << YAML::Key << "worst_fold_dice" << YAML::Value << (any ? summary.min_dice : kNaN);
  e << YAML::Key << "folds_planned" << YAML::Value << static_cast<int>(summary.folds.size());
  e << YAML::Key << "seed" << YAML::Value << config.cv.seed;
  e << YAML::Key << "source_manifest" << YAML::Value << config.cv.source_manifest.string();
  core::emit_provenance(e);
  e << YAML::EndMap;
  core::write_file_atomic(dir / contract::kCvSummaryYaml, std::string(e.c_str()) + "\n");

  report::write_report(cv_report(summary, config), {dir / report::kReportMarkdown, {}});
}

std::string format_cv_summary(const CvSummary& summary, const CvConfig& config) {
  std::size_t width = 10;
  for (const FoldResult& r : summary.folds) width = std::max(width, join(r.validation, ";").size());
  width = std::min<std::size_t>(width, 48);
  std::string out = fmt::format("{:>4}  {:<{}}  {:>9}  {:>6}  {:>7}  {}\n", "fold", "validation", width, "best Dice",
                                "epoch", "minutes", "status");
  for (const FoldResult& r : summary.folds) {
    std::string names = join(r.validation, ";");
    if (names.size() > width) names = names.substr(0, width - 3) + "...";
    if (completed(r)) {
      out += fmt::format("{:>4}  {:<{}}  {:>9.4f}  {:>6}  {:>7.1f}  {}\n", r.fold, names, width, r.best_val_dice,
                         fmt::format("{}/{}", r.best_epoch, r.epochs_completed), r.minutes, outcome_name(r.outcome));
    } else {
      out += fmt::format("{:>4}  {:<{}}  {:>9}  {:>6}  {:>7}  {}\n", r.fold, names, width, "-", "-", "-",
                         outcome_name(r.outcome));
    }
  }
  out += fmt::format("{} ({} of {} folds): best val Dice mean {:.4f} ± {:.4f}, min {:.4f}, max {:.4f}\n",
                     to_string(config.cv.strategy), summary.n_completed, summary.folds.size(), summary.mean_dice,
                     summary.std_dice, summary.min_dice, summary.max_dice);
  out += fmt::format("results: {}\n", summary.results_dir.string());
  return out;
}

}  // namespace segoid::pipeline
