// SPDX-License-Identifier: MIT
// predict_full: plan the run, predict every image, write the run's files.
#include "segoid/infer/predict_full.hpp"

#include <spdlog/spdlog.h>

#include <chrono>

#include "predict_run.hpp"
#include "segoid/core/metrics.hpp"

namespace segoid::infer {

namespace {

/// Counts, and the mean and sample std of Dice and IoU over the images with truth.
PredictSummary summarize(const detail::PredictPlan& plan, const detail::RunRecord& record) {
  PredictSummary summary;
  summary.images_total = static_cast<int>(plan.items.size());
  summary.images_done = record.done;
  summary.images_failed = static_cast<int>(record.errors.size());
  summary.images_skipped = plan.kept_count;
  summary.images_with_truth = static_cast<int>(record.metrics.size());
  summary.tiles = record.tiles;
  summary.tiles_skipped = record.tiles_skipped;
  if (!record.metrics.empty()) {
    std::vector<double> dice;
    std::vector<double> iou;
    for (const auto& row : record.metrics) {
      dice.push_back(row.metrics.dice);
      iou.push_back(row.metrics.iou);
    }
    const core::Stats dice_stats = core::column_stats(dice);
    const core::Stats iou_stats = core::column_stats(iou);
    summary.mean_dice = dice_stats.mean;
    summary.std_dice = dice_stats.std;
    summary.mean_iou = iou_stats.mean;
    summary.std_iou = iou_stats.std;
  }
  summary.model_seconds = plan.predictor->model_seconds();
  return summary;
}

}  // namespace

PredictSummary run_predict_full(const PredictConfig& config) {
  const auto start = std::chrono::steady_clock::now();
  const auto seconds = [&] { return std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count(); };
  const detail::PredictPlan plan = detail::plan_run(config);
  if (plan.items.empty()) {
    spdlog::warn("shard {}/{} has no images ({} input(s) in all)", config.shard_index, config.shard_count,
                 plan.all_inputs);
    PredictSummary empty;
    empty.wall_seconds = seconds();
    return empty;
  }
  const detail::RunRecord record = detail::predict_images(plan);
  PredictSummary summary = summarize(plan, record);
  summary.wall_seconds = seconds();
  detail::write_run_files(plan, record, summary);
  return summary;
}

}  // namespace segoid::infer
