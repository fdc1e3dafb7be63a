// SPDX-License-Identifier: MIT
// `segoid predict_full` (alias `predict`): tiled prediction of whole images with a trained U-Net.
#include <fmt/format.h>
#include <spdlog/spdlog.h>

#include <iostream>

#include "cache_dir.hpp"
#include "command_registry.hpp"
#include "key_flags.hpp"
#include "model_dirs.hpp"
#include "segoid/infer/contract.hpp"
#include "segoid/infer/predict_full.hpp"
#include "segoid/model/model_names.hpp"

namespace segoid::cli::cmd_predict_full {
namespace {

/// Command-line values that are no config key (the keys' flags come from their table rows).
struct PredictFlags {
  std::string config_file;
  std::vector<std::string> inputs;
  bool no_probabilities = false;
  bool force = false;
  bool resume = false;
  std::string shard;
};

std::function<int()> setup(CLI::App& sub) {
  auto flags = std::make_shared<PredictFlags>();
  auto* f = flags.get();
  sub.add_option("--config", f->config_file, "YAML config (configs/predict.yaml); flags override it")
      ->check(CLI::ExistingFile);
  const auto keys = add_key_flags(sub, infer::predict_config_table());
  // input.images as a repeatable option, and output.save_probabilities as a negative switch.
  auto* inputs = sub.add_option("--input,-i", f->inputs, "Image files, folders or glob patterns (several allowed)");
  auto* no_prob = sub.add_flag("--no-probabilities", f->no_probabilities, "Do not write <name>_pred_prob.tif");
  auto* shard = sub.add_option("--shard", f->shard,
                               "i/n: predict only inputs p (0-based, sorted order) with p % n == i-1, e.g. "
                               "${SLURM_ARRAY_TASK_ID}/8; run files get a .shard-i-of-n infix");
  sub.add_flag("--force", f->force,
               "Delete predictions of other images in the output folder (those of the same images are always "
               "replaced)");
  sub.add_flag("--resume", f->resume,
               "Continue an interrupted run in the output folder: images whose outputs are complete are kept");

  return [=, flags = flags]() -> int {
    infer::PredictConfig config;
    if (!f->config_file.empty()) infer::load_predict_config(f->config_file, config);
    keys->apply(config);
    if (config.checkpoint.empty()) {
      config.checkpoint = resolve_checkpoint(model::kShippedModelName);
      spdlog::info("no --checkpoint: predicting with the shipped model {} (\"{}\")", model::kShippedModelName,
                   config.checkpoint.string());
    } else {
      config.checkpoint = resolve_checkpoint(config.checkpoint.string());
    }
    if (inputs->count()) config.inputs = f->inputs;
    if (no_prob->count()) config.save_probabilities = false;
    config.runtime.cache_dir = speed_cache_dir();
    config.force = f->force;
    config.resume = f->resume;
    if (shard->count()) infer::parse_shard(f->shard, config.shard_index, config.shard_count);

    const infer::PredictSummary s = infer::run_predict_full(config);
    std::cout << fmt::format("predicted {}/{} image(s) into \"{}\" ({} tiles, {:.1f} s, {:.0f}% in the model)\n",
                             s.images_done, s.images_total, config.output_dir.string(), s.tiles, s.wall_seconds,
                             s.wall_seconds > 0 ? 100.0 * s.model_seconds / s.wall_seconds : 0.0);
    if (s.images_with_truth > 0) {
      std::cout << fmt::format("pixel Dice {:.4f} +- {:.4f}, IoU {:.4f} +- {:.4f} over {} image(s) with ground truth "
                               "({})\n",
                               s.mean_dice, s.std_dice, s.mean_iou, s.std_iou, s.images_with_truth,
                               infer::shard_file_name(infer::contract::kPixelMetricsCsv, config.shard_index, config.shard_count));
    }
    if (s.images_failed > 0) {
      const std::string errors = infer::shard_file_name(infer::contract::kErrorsCsv, config.shard_index, config.shard_count);
      std::cout << fmt::format("{} image(s) failed: see \"{}\"\n", s.images_failed,
                               (config.output_dir / errors).string());
    }
    return s.exit_code();
  };
}

const bool kRegistered = register_command(
    {"predict_full", {"predict"}, "Predict masks of whole images with a trained model (tiled)", 50, setup});

}  // namespace
}  // namespace segoid::cli::cmd_predict_full
