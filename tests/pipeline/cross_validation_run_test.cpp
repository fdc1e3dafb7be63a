// SPDX-License-Identifier: MIT
// Cross-validation end to end: tiny runs that write results and rerun only unfinished folds, an
// interrupted fold resumed, and config errors through the binary.
// CTest label: e2e
#include <gtest/gtest.h>
#include <yaml-cpp/yaml.h>

#include <atomic>
#include <cmath>
#include <map>
#include <set>

#include "segoid/core/atomic_file.hpp"
#include "segoid/core/error.hpp"
#include "segoid/data/manifest.hpp"
#include "segoid/io/csv.hpp"
#include "segoid/pipeline/cross_validation.hpp"
#include "python_columns.hpp"
#include "test_support.hpp"

namespace segoid::pipeline {
namespace {

namespace fs = std::filesystem;

/// Three 256x256 synthetic plates (4 wells each) and all.csv with absolute paths.
fs::path write_dataset(const fs::path& root) { return test::write_tiny_plates(root, "all.csv", 0, 3, /*seed=*/5); }

CvConfig tiny_config(const fs::path& root, const fs::path& manifest, int epochs) {
  const std::string yaml = R"(cv:
  strategy: k_fold
  source_manifest: )" + manifest.string() +
                           R"(
  seed: 3
  n_folds: 3
data:
  data_root: ""
dataset:
  patch_size: 64
  patches_per_image: 2
model:
  encoder_weights: null
training:
  epochs: )" + std::to_string(epochs) +
                           R"(
  batch_size: 2
  learning_rate: 0.001
  num_workers: 0
  memory_format: contiguous
checkpointing:
  save_periodic: false
tensorboard:
  enabled: false
output:
  cv_dir: )" + (root / "cv").string() +
                           R"(
threads: 1
device: cpu
seed: 9
)";
  return parse_cv_config(yaml, "tiny_cv.yaml");
}

TEST(CrossValidationTest, EndToEndWritesResultsAndRerunsOnlyUnfinishedFolds) {
  test::TempDir dir;
  const fs::path manifest = write_dataset(dir.path());
  const CvConfig config = tiny_config(dir.path(), manifest, /*epochs=*/1);
  std::map<int, int> steps;
  CvOptions options;
  options.on_step_end = [&steps](int fold, int, int) { ++steps[fold]; };
  core::write_file_atomic(dir / "cv_config.yaml", "# the config as the user wrote it\n");
  options.config_path = dir / "cv_config.yaml";
  const CvSummary first = run_cross_validation(config, options);
  ASSERT_FALSE(first.interrupted);
  EXPECT_EQ(first.n_completed, 3);
  EXPECT_EQ(core::read_file(dir.path() / "cv" / "cv_config.yaml"), "# the config as the user wrote it\n");
  EXPECT_EQ(steps.size(), 3u);
  const fs::path cv = dir.path() / "cv";
  for (int f = 0; f < 3; ++f) {
    const fs::path fold = cv / "folds" / ("fold_" + std::to_string(f));
    EXPECT_TRUE(fs::exists(fold / "fold_result.yaml"));
    EXPECT_TRUE(fs::exists(fold / "checkpoints/best_model.pth"));
    EXPECT_TRUE(fs::exists(fold / "val_metrics.csv"));
    EXPECT_EQ(data::read_manifest(fold / "val.csv").rows.size(), 1u);
    EXPECT_EQ(data::read_manifest(fold / "train.csv").rows.size(), 2u);
  }
  // Results agree with the per-fold values and with an independent recomputation.
  const io::CsvTable metrics = io::read_csv(cv / "results/fold_metrics.csv");
  EXPECT_EQ(test::python::leading(metrics.header, test::python::kFoldMetrics.size()), test::python::kFoldMetrics);
  ASSERT_EQ(metrics.rows.size(), 3u);
  double sum = 0.0, lo = 1.0, hi = 0.0, minutes = 0.0;
  int best = -1, worst = -1;
  std::vector<double> dice;
  std::set<std::string> validated;
  for (const auto& row : metrics.rows) {
    const double d = std::stod(row[metrics.column_index("best_val_dice")]);
    EXPECT_GE(d, 0.0);
    EXPECT_LE(d, 1.0);
    if (d > hi) best = std::stoi(row[0]);
    if (d < lo) worst = std::stoi(row[0]);
    sum += d, lo = std::min(lo, d), hi = std::max(hi, d);
    dice.push_back(d);
    minutes += std::stod(row[metrics.column_index("training_time_min")]);
    const double train_dice = std::stod(row[metrics.column_index("final_train_dice")]);
    EXPECT_TRUE(train_dice >= 0.0 && train_dice <= 1.0) << train_dice;
    validated.insert(row[metrics.column_index("val_image")]);
  }
  EXPECT_EQ(validated.size(), 3u);
  double squares = 0.0;
  for (double d : dice) squares += (d - sum / 3) * (d - sum / 3);
  // summary.yaml with the Python SegOid's keys (aggregate_results plus run_cross_validation's).
  const YAML::Node summary = YAML::LoadFile((cv / "results/summary.yaml").string());
  EXPECT_NEAR(summary["val_dice"]["mean"].as<double>(), sum / 3, 1e-5);
  EXPECT_NEAR(summary["val_dice"]["std"].as<double>(), std::sqrt(squares / 2), 1e-5);  // sample std
  EXPECT_NEAR(summary["val_dice"]["min"].as<double>(), lo, 1e-5);
  EXPECT_NEAR(summary["val_dice"]["max"].as<double>(), hi, 1e-5);
  EXPECT_EQ(summary["best_fold"].as<int>(), best);
  EXPECT_NEAR(summary["best_fold_dice"].as<double>(), hi, 1e-5);
  EXPECT_EQ(summary["worst_fold"].as<int>(), worst);
  EXPECT_NEAR(summary["worst_fold_dice"].as<double>(), lo, 1e-5);
  EXPECT_NEAR(summary["total_training_time_min"].as<double>(), minutes, 0.05);
  EXPECT_EQ(summary["n_folds"].as<int>(), 3);
  EXPECT_EQ(summary["n_folds_completed"].as<int>(), 3);
  EXPECT_EQ(summary["cv_strategy"].as<std::string>(), "k_fold");
  EXPECT_EQ(summary["experiment_dir"].as<std::string>(), cv.string());
  const std::string report = core::read_file(cv / "results/REPORT.md");
  EXPECT_NE(report.find("| 2 |"), std::string::npos) << report;
  // folds/cv_meta.yaml, the Python SegOid's place and keys.
  const YAML::Node meta = YAML::LoadFile((cv / "folds/cv_meta.yaml").string());
  EXPECT_FALSE(fs::exists(cv / "cv_meta.yaml"));
  ASSERT_EQ(meta["folds"].size(), 3u);
  EXPECT_EQ(meta["seed"].as<int>(), 3);
  EXPECT_EQ(meta["n_folds"].as<int>(), 3);
  EXPECT_EQ(meta["strategy"].as<std::string>(), "k_fold");
  EXPECT_EQ(meta["source_manifest"].as<std::string>(), config.cv.source_manifest.string());
  for (std::size_t f = 0; f < 3; ++f) {
    EXPECT_EQ(meta["folds"][f]["fold"].as<std::size_t>(), f);
    EXPECT_EQ(meta["folds"][f]["n_train"].as<int>(), 2);
    EXPECT_EQ(meta["folds"][f]["n_val"].as<int>(), 1);
    EXPECT_EQ(meta["folds"][f]["val_images"].as<std::vector<std::string>>(), first.folds[f].validation);
  }

  // A crash after final_model.pth but before the marker: the fold resumes at its end (no steps)
  // and reports the same result.
  const double fold1_dice = first.folds[1].best_val_dice;
  fs::remove(cv / "folds/fold_1/fold_result.yaml");
  steps.clear();
  const CvSummary again = run_cross_validation(config, options);
  EXPECT_TRUE(steps.empty());
  EXPECT_EQ(again.folds[1].outcome, FoldOutcome::kResumed);
  EXPECT_DOUBLE_EQ(again.folds[1].best_val_dice, fold1_dice);
  EXPECT_TRUE(fs::exists(cv / "folds/fold_1/fold_result.yaml"));

  // Delete one fold's marker and checkpoints: a second run trains only that fold.
  fs::remove(cv / "folds/fold_1/fold_result.yaml");
  fs::remove_all(cv / "folds/fold_1/checkpoints");
  const auto untouched = fs::last_write_time(cv / "folds/fold_0/fold_result.yaml");
  steps.clear();
  const CvSummary second = run_cross_validation(config, options);
  EXPECT_EQ(second.n_completed, 3);
  EXPECT_EQ(steps.size(), 1u);
  EXPECT_EQ(steps.count(1), 1u);
  EXPECT_EQ(second.folds[0].outcome, FoldOutcome::kReused);
  EXPECT_EQ(second.folds[1].outcome, FoldOutcome::kTrained);
  EXPECT_EQ(fs::last_write_time(cv / "folds/fold_0/fold_result.yaml"), untouched);
  EXPECT_TRUE(fs::exists(cv / "folds/fold_1/fold_result.yaml"));

  // --folds 2,2 runs fold 2 once and leaves fold 0 (whose results were deleted) alone.
  for (int f : {0, 2}) {
    fs::remove(cv / "folds" / ("fold_" + std::to_string(f)) / "fold_result.yaml");
    fs::remove_all(cv / "folds" / ("fold_" + std::to_string(f)) / "checkpoints");
  }
  CvOptions only2 = options;
  only2.folds = {2, 2};
  steps.clear();
  const CvSummary third = run_cross_validation(config, only2);
  EXPECT_EQ(steps.size(), 1u);
  EXPECT_EQ(steps.count(2), 1u);
  EXPECT_EQ(third.folds[0].outcome, FoldOutcome::kNotRun);
  EXPECT_EQ(third.folds[2].outcome, FoldOutcome::kTrained);
  EXPECT_EQ(third.n_completed, 2);
  EXPECT_EQ(io::read_csv(cv / "results/fold_metrics.csv").rows.size(), 2u);

  // Another seed gives other folds: refused without --force.
  CvConfig other = config;
  other.cv.seed = 4;
  try {
    run_cross_validation(other, options);
    ADD_FAILURE() << "expected ConfigError";
  } catch (const ConfigError& e) {
    EXPECT_NE(std::string(e.what()).find("seed 3 -> 4"), std::string::npos) << e.what();
  }
  // --folds outside the range: skipped with a warning, as the Python SegOid; an error when no
  // fold is left.
  CvOptions bad = options;
  bad.folds = {5};
  EXPECT_THROW(run_cross_validation(config, bad), ConfigError);
  bad.folds = {2, 5};
  EXPECT_EQ(run_cross_validation(config, bad).folds[2].outcome, FoldOutcome::kReused);
}

// A cv_dir of an earlier SegOid kept cv_meta.yaml beside folds/, under other key names; it is
// still compared before anything runs, and a changed setting is refused.
TEST(CrossValidationTest, EarlierCvMetaAtTheOldPlaceIsStillChecked) {
  test::TempDir dir;
  const fs::path manifest = write_dataset(dir.path());
  const CvConfig config = tiny_config(dir.path(), manifest, /*epochs=*/1);
  core::write_file_atomic(dir / "cv" / "cv_meta.yaml",
                          "strategy: k_fold\nseed: 2\nn_folds: 3\nsource_manifest: " + manifest.string() +
                              "\nfolds:\n  - index: 0\n    validation: [a]\n    training: [b, c]\n");
  try {
    run_cross_validation(config, CvOptions{});
    FAIL() << "expected ConfigError";
  } catch (const ConfigError& e) {
    EXPECT_NE(std::string(e.what()).find("seed 2 -> 3"), std::string::npos) << e.what();
  }
  EXPECT_FALSE(fs::exists(dir / "cv" / "folds" / "fold_0")) << "a fold ran despite the changed seed";
}

TEST(CrossValidationTest, InterruptedFoldResumesAndCompletes) {
  test::TempDir dir;
  const fs::path manifest = write_dataset(dir.path());
  const CvConfig config = tiny_config(dir.path(), manifest, /*epochs=*/2);
  std::atomic<bool> interrupt{false};
  std::map<int, int> steps;
  CvOptions options;
  options.config_path = "tiny_cv.yaml";
  options.interrupt = &interrupt;
  options.on_step_end = [&](int fold, int, int) {
    ++steps[fold];
    if (fold == 1) interrupt.store(true);  // Ctrl-C during the first step of fold 1
  };
  const CvSummary first = run_cross_validation(config, options);
  EXPECT_TRUE(first.interrupted);
  EXPECT_EQ(first.folds[0].outcome, FoldOutcome::kTrained);
  EXPECT_EQ(first.folds[1].outcome, FoldOutcome::kInterrupted);
  EXPECT_EQ(first.folds[2].outcome, FoldOutcome::kNotRun);
  EXPECT_EQ(first.n_completed, 1);
  EXPECT_EQ(first.resume_command, "segoid run_cv --config tiny_cv.yaml");
  const fs::path cv = dir.path() / "cv";
  EXPECT_TRUE(fs::exists(cv / "folds/fold_1/checkpoints/interrupted.pth"));
  EXPECT_FALSE(fs::exists(cv / "folds/fold_1/fold_result.yaml"));
  EXPECT_EQ(io::read_csv(cv / "results/fold_metrics.csv").rows.size(), 1u);

  interrupt.store(false);
  options.on_step_end = [&](int fold, int, int) { ++steps[fold]; };
  const int fold0_steps = steps[0];
  steps.clear();
  const CvSummary second = run_cross_validation(config, options);
  EXPECT_FALSE(second.interrupted);
  EXPECT_EQ(second.n_completed, 3);
  EXPECT_EQ(second.folds[0].outcome, FoldOutcome::kReused);
  EXPECT_EQ(second.folds[1].outcome, FoldOutcome::kResumed);
  EXPECT_EQ(second.folds[2].outcome, FoldOutcome::kTrained);
  EXPECT_EQ(steps.count(0), 0u);
  // Fold 1 resumed after its first step: one step fewer than a full fold.
  EXPECT_EQ(steps[1], fold0_steps - 1);
  EXPECT_EQ(second.folds[1].epochs_completed, 2);
  EXPECT_FALSE(fs::exists(cv / "folds/fold_1/checkpoints/interrupted.pth"));
  EXPECT_EQ(io::read_csv(cv / "results/fold_metrics.csv").rows.size(), 3u);
}

TEST(CrossValidationTest, CliReportsConfigErrorsWithFileAndKey) {
  test::TempDir dir;
  std::string yaml = core::read_file(test::source_dir() / "configs/cv_config.yaml");
  yaml.replace(yaml.find("  seed: 42\n"), 11, "  sead: 42\n");
  const fs::path config = dir / "cv.yaml";
  core::write_file_atomic(config, yaml);
  std::string output;
  const int status = test::run_command(test::segoid_binary().string() + " cv --config " + config.string(), &output);
  EXPECT_NE(status, 0);
  EXPECT_NE(output.find("cv.sead"), std::string::npos) << output;
  EXPECT_NE(output.find(config.string()), std::string::npos) << output;
}

}  // namespace
}  // namespace segoid::pipeline
