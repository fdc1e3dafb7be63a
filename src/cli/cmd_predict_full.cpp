// SPDX-License-Identifier: MIT
// `segoid predict_full` (alias `predict`): tiled prediction of whole images with a trained U-Net.
#include <fmt/format.h>

#include <iostream>

#include "command_registry.hpp"
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
  auto* data_root = sub.add_option("--data-root", f->data_root, "Base folder of relative manifest paths (default: data)");
  auto* inputs = sub.add_option("--input,-i", f->inputs, "Image files, folders or glob patterns (several allowed)");
  auto* output_dir = sub.add_option("--output-dir,-o", f->output_dir, "Output folder [inference]");
  auto* tile = sub.add_option("--tile-size", f->tile_size, "Tile side in pixels, a multiple of 32 [checkpoint's patch size]");
  auto* overlap = sub.add_option("--overlap", f->overlap, "Tile overlap fraction in [0, 1) [0.25]");
  auto* threshold = sub.add_option("--threshold", f->threshold, "Probability threshold [0.5]");
  auto* min_area = sub.add_option("--min-object-area", f->min_object_area, "Remove objects smaller than this, pixels [100]");
  auto* fill = sub.add_flag("--fill-holes,!--no-fill-holes", f->fill_holes, "Fill holes inside objects [on]");
  auto* no_prob = sub.add_flag("--no-probabilities", f->no_probabilities, "Do not write <name>_pred_prob.tif");
  auto* batch = sub.add_option("--batch-size", f->batch_size, "Tiles per forward pass [4]");
  auto* blend = sub.add_option("--blend", f->blend, "Tile blending: gaussian (no seams) or mean (Python SegOid) [gaussian]")
                    ->check(CLI::IsMember({"gaussian", "mean"}));
  auto* margin = sub.add_option("--edge-margin", f->edge_margin,
                                "Pixels dropped at tile sides inside the image, -1 = a quarter of the overlap [-1]");
  auto* tta = sub.add_flag("--tta", f->tta, "Flip test-time augmentation (4x slower)");
  auto* smooth = sub.add_option("--smooth-radius", f->smooth_radius, "Opening + closing disc radius, pixels [0]");
  auto* device = sub.add_option("--device", f->device, "auto, cpu or cuda [auto]")
                     ->check(CLI::IsMember({"auto", "cpu", "cuda"}));
  auto* threads = sub.add_option("--threads", f->threads, "CPU threads, 0 = all cores [0]");
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
                               infer::shard_file_name("pixel_metrics.csv", config.shard_index, config.shard_count));
    }
    if (s.images_failed > 0) {
      const std::string errors = infer::shard_file_name("errors.csv", config.shard_index, config.shard_count);
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
