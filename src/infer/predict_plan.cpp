// SPDX-License-Identifier: MIT
// predict_full's plan: inputs of the shard, the output folder, the predictor and the tiles.
#include <fmt/format.h>
#include <spdlog/spdlog.h>

#include <algorithm>
#include <set>

#include "predict_run.hpp"
#include "segoid/core/atomic_file.hpp"
#include "segoid/core/error.hpp"
#include "segoid/core/unet_size.hpp"
#include "segoid/infer/contract.hpp"
#include "segoid/io/image_io.hpp"
#include "segoid/io/image_scale.hpp"

namespace segoid::infer::detail {
namespace fs = std::filesystem;

namespace {

/// Old and new outputs never mix. Earlier outputs of this run's own images (and run files) are
/// replaced, as the Python SegOid re-runs into a folder (e.g. with another --threshold); a folder
/// that also holds predictions of other images is refused unless `force`, which deletes them all.
/// A shard counts only its own files, so shards sharing a folder coexist.
void prepare_output_dir(const fs::path& dir, bool force, bool resume, const std::set<std::string>& own_names,
                        bool sharded) {
  fs::create_directories(dir);
  if (resume) {
    const int removed = core::remove_stale_temporaries(dir);
    if (removed > 0) spdlog::info("--resume: removed {} unfinished file(s) of a killed run in \"{}\"", removed, dir.string());
    return;
  }
  std::vector<fs::path> own, foreign;
  for (const auto& entry : fs::directory_iterator(dir)) {
    if (!entry.is_regular_file()) continue;
    const bool mine = own_names.count(entry.path().filename().string()) > 0;
    if (mine) {
      own.push_back(entry.path());
    } else if (!sharded && is_prediction_output(entry.path())) {
      foreign.push_back(entry.path());
    }
  }
  std::sort(foreign.begin(), foreign.end());
  if (!foreign.empty() && !force) {
    throw ConfigError(fmt::format(
        "output folder \"{}\" already holds {} prediction file(s) of other images (e.g. \"{}\"), which would mix "
        "with this run's; pass --force to delete them, or choose another --output-dir",
        dir.string(), foreign.size(), foreign.front().filename().string()));
  }
  if (!foreign.empty()) spdlog::warn("--force: deleting {} prediction file(s) of other images in \"{}\"", foreign.size(), dir.string());
  if (!own.empty()) spdlog::info("replacing {} output file(s) of an earlier run on these images in \"{}\"", own.size(), dir.string());
  for (const auto& file : foreign) fs::remove(file);
  for (const auto& file : own) fs::remove(file);
}

/// --resume: which images have all their outputs already (written atomically: present = complete).
void find_kept(PredictPlan& plan) {
  plan.kept.assign(plan.items.size(), false);
  if (!plan.config.resume) return;
  for (std::size_t index = 0; index < plan.items.size(); ++index) {
    plan.kept[index] = fs::is_regular_file(plan.mask_path(plan.items[index])) &&
                       (!plan.config.save_probabilities || fs::is_regular_file(plan.prob_path(plan.items[index])));
    plan.kept_count += plan.kept[index] ? 1 : 0;
  }
  spdlog::info("--resume: {} of {} image(s) already predicted in \"{}\"", plan.kept_count, plan.items.size(),
               plan.config.output_dir.string());
}

/// Tiles per image from the headers only, so that progress over all images shows a true rate.
void plan_tiles_from_headers(PredictPlan& plan) {
  plan.planned_tiles.assign(plan.items.size(), 0);
  for (std::size_t i = 0; i < plan.items.size(); ++i) {
    try {
      const io::ImageMeta meta = io::read_image_meta(plan.items[i].image);
      plan.planned_tiles[i] =
          count_tiles(io::scaled_size(cv::Size(meta.width, meta.height), plan.model_scale), plan.tiling);
    } catch (const std::exception&) {
      plan.planned_tiles[i] = 0;  // reported when the image itself is read
    }
  }
}

/// The predictor, the model's normalization and scale, and the run's tiling.
void load_model(PredictPlan& plan) {
  const PredictConfig& config = plan.config;
  PredictorOptions options = config.runtime;
  options.tile_size = config.tiling.tile_size;
  options.batch_size = config.tiling.batch_size;
  plan.predictor.emplace(Predictor::load(config.checkpoint, options));
  const model::ModelDescription& model = plan.predictor->checkpoint().model;
  plan.normalization = model.normalization;
  // inference.scale is relative to the training images; the model saw those at model.image_scale.
  plan.model_scale = config.scale * model.image_scale;
  plan.tiling = config.tiling;
  plan.tiling.tile_size = plan.predictor->runtime().tile_size;
  plan.tiling.batch_size = plan.predictor->runtime().batch_size;
  plan.tiling.small_image_multiple = core::kUnetSizeMultiple;
  resolve_edge_margin(plan.tiling);  // fail before the first image
}

}  // namespace

fs::path PredictPlan::run_file(const std::string& name) const {
  return config.output_dir / shard_file_name(name, config.shard_index, config.shard_count);
}

fs::path PredictPlan::mask_path(const InputItem& item) const {
  return config.output_dir / (item.basename + contract::kPredMaskSuffix);
}

fs::path PredictPlan::prob_path(const InputItem& item) const {
  return config.output_dir / (item.basename + contract::kPredProbSuffix);
}

PredictPlan plan_run(const PredictConfig& config) {
  validate_predict_config(config);
  PredictPlan plan;
  plan.config = config;
  const std::vector<InputItem> all_items = gather_inputs(config);
  if (all_items.empty()) throw ConfigError("no input images found");
  plan.all_inputs = all_items.size();
  plan.items = select_shard(all_items, config);
  const bool sharded = config.shard_index != 0;
  const std::set<std::string> own_names = own_output_names(plan.items, config);
  if (config.resume && config.force) throw ConfigError("predict_full: --resume and --force exclude each other");
  prepare_output_dir(config.output_dir, config.force, config.resume, own_names, sharded);
  if (sharded) {
    spdlog::info("shard {}/{}: {} of {} input image(s)", config.shard_index, config.shard_count, plan.items.size(),
                 all_items.size());
  }
  if (plan.items.empty()) return plan;  // more shards than images: not an error for a job array
  find_kept(plan);
  load_model(plan);
  plan_tiles_from_headers(plan);
  const PredictorRuntime& runtime = plan.predictor->runtime();
  spdlog::info("predict_full: {} image(s), model {} ({} normalization), tile {} px x{}, overlap {}, {} blending, "
               "{}{} on {} thread(s)",
               plan.items.size(), plan.predictor->checkpoint().model.encoder, io::to_string(plan.normalization),
               plan.tiling.tile_size, plan.tiling.batch_size, plan.tiling.overlap, to_string(plan.tiling.blend),
               plan.model_scale == 1.0 ? "" : fmt::format("images at scale {}, ", plan.model_scale), runtime.device,
               runtime.threads);
  return plan;
}

PredictConfig resolved_config(const PredictPlan& plan) {
  PredictConfig resolved = plan.config;
  resolved.checkpoint = fs::absolute(plan.config.checkpoint);
  if (!plan.predictor) return resolved;
  const PredictorRuntime& runtime = plan.predictor->runtime();
  resolved.tiling.tile_size = plan.tiling.tile_size;
  resolved.tiling.batch_size = plan.tiling.batch_size;
  resolved.tiling.edge_margin = resolve_edge_margin(plan.tiling);
  resolved.runtime.device = runtime.device;
  resolved.runtime.threads = runtime.threads;
  resolved.runtime.form = runtime.form;
  return resolved;
}

}  // namespace segoid::infer::detail
