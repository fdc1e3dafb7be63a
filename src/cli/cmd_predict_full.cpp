// SPDX-License-Identifier: MIT
// `segoid predict_full` (alias `predict`): tiled prediction of whole images with a trained U-Net.
#include <fmt/format.h>

#include <iostream>

#include "cache_dir.hpp"
#include "command_registry.hpp"
#include "key_help.hpp"
#include "segoid/infer/contract.hpp"
#include "segoid/infer/predict_full.hpp"

namespace segoid::cli {
namespace {

/// Command-line values; each is applied over the config file only when given.
struct PredictFlags {
  std::string config_file;
  std::string checkpoint;
  std::string manifest;
  std::string data_root;
  std::vector<std::string> inputs;
  std::string output_dir;
  int tile_size = 0;
  double overlap = 0.0;
  double threshold = 0.0;
  int min_object_area = 0;
  bool fill_holes = true;
  bool no_probabilities = false;
  int batch_size = 0;
  std::string blend;
  int edge_margin = 0;
  bool tta = false;
  int smooth_radius = 0;
  std::string device;
  int threads = 0;
  std::string inference_form;
  bool force = false;
  bool resume = false;
  std::string shard;
};

std::function<int()> setup(CLI::App& sub) {
  auto flags = std::make_shared<PredictFlags>();
  auto* f = flags.get();
  sub.add_option("--config", f->config_file, "YAML config (configs/predict.yaml); flags override it")
      ->check(CLI::ExistingFile);
  auto* checkpoint = sub.add_option("--checkpoint", f->checkpoint, "Model checkpoint (best_model.pt)");
  auto* manifest = sub.add_option("--manifest", f->manifest, "CSV with image_path (and mask_path for metrics)");
  const infer::PredictConfig defaults;
  const core::ConfigTable& table = infer::predict_config_table();
  const auto help = [&](const std::string& key) { return key_help(table, key, &defaults); };
  auto* data_root = sub.add_option("--data-root", f->data_root, help("input.data_root"));
  auto* inputs = sub.add_option("--input,-i", f->inputs, "Image files, folders or glob patterns (several allowed)");
  auto* output_dir = sub.add_option("--output-dir,-o", f->output_dir, help("output.output_dir"));
  auto* tile = sub.add_option("--tile-size", f->tile_size, help("inference.tile_size"));
  auto* overlap = sub.add_option("--overlap", f->overlap, help("inference.overlap"));
  auto* threshold = sub.add_option("--threshold", f->threshold, help("inference.threshold"));
  auto* min_area = sub.add_option("--min-object-area", f->min_object_area, help("postprocess.min_object_area"));
  auto* fill = sub.add_flag("--fill-holes,!--no-fill-holes", f->fill_holes, help("postprocess.fill_holes"));
  auto* no_prob = sub.add_flag("--no-probabilities", f->no_probabilities, "Do not write <name>_pred_prob.tif");
  auto* batch = sub.add_option("--batch-size", f->batch_size, help("inference.batch_size"));
  auto* blend = sub.add_option("--blend", f->blend, help("inference.blend"))
                    ->check(CLI::IsMember(core::find_key(table, "inference.blend").allowed));
  auto* margin = sub.add_option("--edge-margin", f->edge_margin, help("inference.edge_margin"));
  auto* tta = sub.add_flag("--tta", f->tta, help("inference.tta"));
  auto* smooth = sub.add_option("--smooth-radius", f->smooth_radius, help("postprocess.smooth_radius"));
  auto* device = sub.add_option("--device", f->device, help("runtime.device"))
                     ->check(CLI::IsMember(core::find_key(table, "runtime.device").allowed));
  auto* threads = sub.add_option("--threads", f->threads, help("runtime.threads"));
  auto* form = sub.add_option("--inference-form", f->inference_form, help("runtime.inference_form"))
                   ->check(CLI::IsMember(core::find_key(table, "runtime.inference_form").allowed));
  auto* shard = sub.add_option("--shard", f->shard,
                               "i/n: predict only inputs p (0-based, sorted order) with p % n == i-1, e.g. "
                               "${SLURM_ARRAY_TASK_ID}/8; run files get a .shard-i-of-n infix");
  sub.add_flag("--force", f->force, "Replace prediction files of an earlier run in the output folder");
  sub.add_flag("--resume", f->resume,
               "Continue an interrupted run in the output folder: images whose outputs are complete are kept");

  return [=, flags = flags]() -> int {
    infer::PredictConfig config;
    if (!f->config_file.empty()) infer::load_predict_config(f->config_file, config);
    if (checkpoint->count()) config.checkpoint = f->checkpoint;
    if (manifest->count()) config.manifest = f->manifest;
    if (data_root->count()) config.data_root = f->data_root;
    if (inputs->count()) config.inputs = f->inputs;
    if (output_dir->count()) config.output_dir = f->output_dir;
    if (tile->count()) config.tile_size = f->tile_size;
    if (overlap->count()) config.overlap = f->overlap;
    if (threshold->count()) config.threshold = f->threshold;
    if (min_area->count()) config.min_object_area = f->min_object_area;
    if (fill->count()) config.fill_holes = f->fill_holes;
    if (no_prob->count()) config.save_probabilities = false;
    if (batch->count()) config.batch_size = f->batch_size;
    if (blend->count()) config.blend = f->blend;
    if (margin->count()) config.edge_margin = f->edge_margin;
    if (tta->count()) config.tta = f->tta;
    if (smooth->count()) config.smooth_radius = f->smooth_radius;
    if (device->count()) config.device = f->device;
    if (threads->count()) config.threads = f->threads;
    if (form->count()) config.inference_form = f->inference_form;
    config.cache_dir = speed_cache_dir();
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
}  // namespace segoid::cli
