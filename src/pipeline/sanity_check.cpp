// SPDX-License-Identifier: MIT
// Phase 1.5: short training, tiled predictions of the validation images, overlays, GO / NO-GO.
#include "segoid/pipeline/sanity_check.hpp"

#include <spdlog/spdlog.h>
#include <yaml-cpp/yaml.h>

#include <algorithm>
#include <cmath>
#include <numeric>

#include <fmt/format.h>

#include "segoid/analysis/instance_eval.hpp"
#include "segoid/analysis/region_props.hpp"
#include "segoid/core/provenance.hpp"
#include "segoid/core/atomic_file.hpp"
#include "segoid/core/config_node.hpp"
#include "segoid/core/error.hpp"
#include "segoid/core/rng.hpp"
#include "segoid/data/manifest.hpp"
#include "segoid/infer/predict_full.hpp"
#include "segoid/io/image_io.hpp"
#include "segoid/pipeline/run_folder.hpp"
#include "segoid/pipeline/training_curve.hpp"
#include "segoid/report/overlay.hpp"
#include "segoid/train/train_config.hpp"
#include "segoid/train/trainer.hpp"
#include "segoid/infer/contract.hpp"

namespace segoid::pipeline {
namespace fs = std::filesystem;
namespace {

constexpr int kMinTrainImages = 5;         // the floor for data_fraction
constexpr double kMatchIou = 0.5;          // IoU for matching objects when measuring offsets
constexpr int kOverlayMaxSide = 1600;      // px; overlays are for eyes, not measurement
constexpr std::uint64_t kSubsetStream = 0x5A17;  // seed stream for the training subset
/// Written first into the run folder: a folder holding it is an earlier sanity check.
constexpr char kSanityTrainCsv[] = "sanity_train.csv";

// Keeps max(5, ceil(fraction * n)) training images (all when fewer), drawn from the seed.
fs::path write_training_subset(const train::TrainConfig& config, double fraction, const fs::path& run_dir) {
  data::Manifest manifest = data::read_manifest(config.data.train_manifest);
  const int n = static_cast<int>(manifest.rows.size());
  if (n == 0) throw DataError("training manifest \"" + config.data.train_manifest.string() + "\" has no rows");
  const int keep = std::min(n, std::max(kMinTrainImages, static_cast<int>(std::ceil(fraction * n))));
  std::vector<int> order(static_cast<std::size_t>(n));
  std::iota(order.begin(), order.end(), 0);
  core::Rng rng(core::mix_seed(config.seed, kSubsetStream));
  rng.shuffle(order);
  order.resize(static_cast<std::size_t>(keep));
  std::sort(order.begin(), order.end());
  data::Manifest subset;
  subset.columns = manifest.columns;
  for (int i : order) subset.rows.push_back(manifest.rows[static_cast<std::size_t>(i)]);
  const fs::path path = run_dir / kSanityTrainCsv;
  data::write_manifest(path, subset);
  spdlog::info("training on {} of {} images (data_fraction, at least {})", keep, n, kMinTrainImages);
  return path;
}

fs::path write_loss_curve(const train::TrainResult& run, const fs::path& run_dir) {
  std::string csv = "epoch,train_loss,val_loss,train_dice,val_dice\n";
  for (const auto& e : run.history) {
    csv += fmt::format("{},{:.6f},{:.6f},{:.6f},{:.6f}\n", e.epoch, e.train.loss, e.val.loss, e.train.dice, e.val.dice);
  }
  core::write_file_atomic(run_dir / "loss_curve.csv", csv);
  const fs::path png = run_dir / "loss_curve.png";
  plot_training_curve(run.history, png, "Sanity check: loss and Dice per epoch", 900, 560);
  return png;
}

// Tiled predictions of the validation images, then offsets of matched objects and overlays.
void predict_and_compare(const train::TrainConfig& config, const SanityCriteria& criteria,
                         const fs::path& checkpoint, const fs::path& cache_dir, SanityResult& result) {
  infer::PredictConfig predict;
  predict.runtime.cache_dir = cache_dir;
  predict.checkpoint = checkpoint;
  predict.manifest = config.data.val_manifest;
  predict.data_root = config.data.data_root;
  predict.output_dir = result.run_dir / "predictions";
  predict.save_probabilities = false;
  predict.runtime.device = config.device;
  predict.runtime.threads = config.threads;
  const infer::PredictSummary summary = infer::run_predict_full(predict);
  result.image_dice = summary.mean_dice;

  const data::Manifest val = data::read_manifest(config.data.val_manifest);
  double shift_sum = 0.0;
  int shown = 0;
  for (const auto& row : val.rows) {
    const fs::path pred_path = predict.output_dir / (row.basename + infer::contract::kPredMaskSuffix);
    if (row.mask_path.empty() || !fs::exists(pred_path)) continue;
    const cv::Mat truth = io::read_image(data::resolve_data_path(row.mask_path, config.data.data_root)).pixels != 0;
    const cv::Mat pred = io::read_image(pred_path).pixels != 0;
    const analysis::InstanceEval eval =
        analysis::evaluate_instances(analysis::label_objects(pred), analysis::label_objects(truth), kMatchIou);
    for (const auto& match : eval.matches) shift_sum += match.centroid_shift;
    result.matched_objects += static_cast<int>(eval.matches.size());
    if (criteria.save_overlays && (criteria.num_overlay_samples < 0 || shown < criteria.num_overlay_samples)) {
      const cv::Mat image = io::read_image(data::resolve_data_path(row.image_path, config.data.data_root)).pixels;
      const fs::path png = result.run_dir / "overlays" / (row.basename + "_overlay.png");
      io::write_preview(png, report::draw_overlay(image, truth, pred, /*thickness=*/2, kOverlayMaxSide));
      result.overlays.push_back(png);
      ++shown;
    }
  }
  result.mean_centroid_shift_px =
      result.matched_objects > 0 ? shift_sum / result.matched_objects : std::numeric_limits<double>::quiet_NaN();
}

void judge(const SanityCriteria& c, SanityResult& r) {
  r.checks.push_back({"loss decreased", r.last_train_loss < r.first_train_loss,
                      fmt::format("train loss {:.4f} -> {:.4f}", r.first_train_loss, r.last_train_loss)});
  r.checks.push_back({"model learns", r.final_val_dice > c.min_dice_improvement,
                      fmt::format("final val Dice {:.4f} > {}", r.final_val_dice, c.min_dice_improvement)});
  r.checks.push_back({"spatially coherent", r.final_val_dice > c.spatial_coherence_threshold,
                      fmt::format("final val Dice {:.4f} > {}", r.final_val_dice, c.spatial_coherence_threshold)});
  const bool offset_ok = r.matched_objects > 0 && r.mean_centroid_shift_px < c.max_centroid_shift_px;
  r.checks.push_back({"no systematic offset", offset_ok,
                      r.matched_objects > 0
                          ? fmt::format("mean centroid shift {:.2f} px < {} px over {} matched objects",
                                        r.mean_centroid_shift_px, c.max_centroid_shift_px, r.matched_objects)
                          : std::string("no predicted object matched a true one (IoU >= 0.5)")});
  r.go = std::all_of(r.checks.begin(), r.checks.end(), [](const SanityCheckItem& item) { return item.passed; });
}

void write_report(const SanityResult& r, const fs::path& config_path) {
  YAML::Emitter out;
  out << YAML::BeginMap << YAML::Key << "verdict" << YAML::Value << (r.go ? "GO" : "NO-GO");
  out << YAML::Key << "config" << YAML::Value << config_path.string();
  out << YAML::Key << "checks" << YAML::Value << YAML::BeginSeq;
  for (const auto& c : r.checks) {
    out << YAML::BeginMap << YAML::Key << "name" << YAML::Value << c.name << YAML::Key << "passed" << YAML::Value
        << c.passed << YAML::Key << "detail" << YAML::Value << c.detail << YAML::EndMap;
  }
  out << YAML::EndSeq;
  out << YAML::Key << "whole_image_dice" << YAML::Value << r.image_dice;
  out << YAML::Key << "mean_centroid_shift_px" << YAML::Value << r.mean_centroid_shift_px;
  out << YAML::Key << "matched_objects" << YAML::Value << r.matched_objects;
  core::emit_provenance(out);
  out << YAML::EndMap;
  core::write_file_atomic(r.run_dir / "sanity_report.yaml", std::string(out.c_str()) + "\n");
}

}  // namespace

SanityResult run_sanity_check(const fs::path& config_path, const SanityOptions& options) {
  return run_sanity_check(load_sanity_config(config_path), config_path, options);
}

SanityResult run_sanity_check(const SanityConfig& sanity, const fs::path& config_path, const SanityOptions& sanity_options) {
  const SanityCriteria& criteria = sanity.criteria;
  train::TrainConfig config = sanity.train;
  train::validate_train_config(config, "command line");  // across keys, after the flags

  SanityResult result;
  result.run_dir = config.run_dir;
  // An earlier sanity check is replaced, as the Python SegOid re-runs into runs/sanity_check/;
  // a folder holding anything else needs --force.
  const bool earlier_check = fs::exists(result.run_dir / kSanityTrainCsv);
  if (earlier_check && !sanity_options.force) spdlog::info("replacing the earlier sanity check in \"{}\"", result.run_dir.string());
  prepare_run_folder(result.run_dir, sanity_options.force || earlier_check, "output.run_dir");
  config.data.train_manifest = write_training_subset(config, criteria.data_fraction, result.run_dir);

  train::TrainOptions options;
  options.config_path = config_path;
  options.run_dir = result.run_dir;
  options.weights_dir = sanity_options.weights_dir;
  options.cache_dir = sanity_options.cache_dir;
  options.interrupt = sanity_options.interrupt;
  const train::TrainResult run = train::train_model(config, options);
  if (run.interrupted) throw Error("sanity check interrupted; run it again (with --force) to start over");
  if (run.history.empty()) throw ModelError("sanity check trained no epoch");
  result.first_train_loss = run.history.front().train.loss;
  result.last_train_loss = run.history.back().train.loss;
  result.final_val_dice = run.history.back().val.dice;
  result.loss_curve_png = write_loss_curve(run, result.run_dir);

  const fs::path checkpoint = !run.final_checkpoint.empty() ? run.final_checkpoint : run.best_checkpoint;
  if (checkpoint.empty()) throw ConfigError(config_path.string() + ": checkpointing must save the best or final model");
  predict_and_compare(config, criteria, checkpoint, sanity_options.cache_dir, result);
  judge(criteria, result);
  write_report(result, config_path);
  return result;
}

std::string format_sanity_result(const SanityResult& r) {
  std::string text = "\nSanity check — " + r.run_dir.string() + "\n";
  for (const auto& c : r.checks) text += fmt::format("  [{}] {:<22} {}\n", c.passed ? "ok" : "--", c.name, c.detail);
  text += fmt::format("  whole-image val Dice (tiled): {:.4f}\n", r.image_dice);
  text += fmt::format("  loss curve: {}\n", r.loss_curve_png.string());
  if (!r.overlays.empty()) {
    text += fmt::format("  overlays:   {} ({} images; truth green, prediction red)\n",
                        (r.run_dir / "overlays").string(), r.overlays.size());
  }
  if (r.go) {
    text += "\nGO: the pipeline learns spheroids at the right places; continue with `segoid train`.\n";
  } else {
    std::string failed;
    for (const auto& c : r.checks) {
      if (!c.passed) failed += (failed.empty() ? "" : ", ") + c.name;
    }
    text += "\nNO-GO: " + failed + " failed. Look at the overlays and the loss curve before training longer.\n";
  }
  return text;
}

}  // namespace segoid::pipeline
