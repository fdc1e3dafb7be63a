// SPDX-License-Identifier: MIT
// predict_full's configuration: strict config file reading, validation and input collection.
#include <glob.h>

#include <algorithm>
#include <set>

#include "segoid/core/config_node.hpp"
#include "segoid/core/config_table.hpp"
#include "segoid/core/error.hpp"
#include "segoid/core/unet_size.hpp"
#include "segoid/infer/predict_full.hpp"
#include "segoid/infer/predictor.hpp"
#include "segoid/infer/tiler.hpp"
#include "segoid/io/image_io.hpp"
#include "segoid/io/image_scale.hpp"

namespace segoid::infer {
namespace fs = std::filesystem;

namespace {

bool has_glob_characters(const std::string& text) { return text.find_first_of("*?[") != std::string::npos; }

std::vector<fs::path> expand_glob(const std::string& pattern) {
  glob_t matches{};
  const int status = ::glob(pattern.c_str(), 0, nullptr, &matches);
  std::vector<fs::path> paths;
  if (status == 0) {
    for (std::size_t i = 0; i < matches.gl_pathc; ++i) paths.emplace_back(matches.gl_pathv[i]);
  }
  ::globfree(&matches);
  std::sort(paths.begin(), paths.end());
  return paths;
}

std::vector<fs::path> folder_images(const fs::path& folder) {
  std::vector<fs::path> paths;
  for (const auto& entry : fs::directory_iterator(folder)) {
    if (entry.is_regular_file() && io::is_image_file(entry.path())) paths.push_back(entry.path());
  }
  std::sort(paths.begin(), paths.end());
  return paths;
}

}  // namespace

const std::vector<std::string>& inference_forms() {
  static const std::vector<std::string> forms{"folded_channels_last", "folded_contiguous", "plain_channels_last",
                                              "plain_contiguous", kInferenceFormBf16, kInferenceFormInt8};
  return forms;
}

namespace {
/// "auto" and every form the predictor knows.
std::vector<std::string> inference_form_choices() {
  std::vector<std::string> choices = {"auto"};
  for (const auto& form : inference_forms()) choices.push_back(form);
  return choices;
}
}  // namespace

const core::ConfigTable<PredictConfig>& predict_config_table() {
  using core::key;
  using P = PredictConfig;
  using T = TilingOptions;
  using Q = PostprocessOptions;
  using R = PredictorOptions;
  using S = TileSkipOptions;
  constexpr double kNoLimit = 1e9;
  constexpr int kMaxTile = 1 << 16;
  // Every key of predict.yaml, in file order. Add a key here (see core/config_table.hpp).
  static const core::ConfigTable<P> table = {
      key<P>("model.checkpoint", &P::checkpoint).or_null().help("SegOid or Python SegOid checkpoint (best_model.pth)")
          .flag("--checkpoint"),
      key<P>("input.manifest", &P::manifest).or_null()
          .help("CSV with image_path (and mask_path for pixel metrics), or use images")
          .flag("--manifest"),
      key<P>("input.data_root", &P::data_root).help("base of relative manifest paths").flag("--data-root"),
      key<P>("input.images", &P::inputs).help("files, folders or glob patterns, e.g. [\"plates/*.tif\"]"),
      key<P>("inference.tile_size", &P::tiling, &T::tile_size).range(0, kMaxTile).multiple_of(core::kUnetSizeMultiple)
          .help("tile side, pixels; 0 = the checkpoint's training patch size; an image smaller than a tile "
                "gets the largest multiple of 32 that fits")
          .flag("--tile-size"),
      key<P>("inference.overlap", &P::tiling, &T::overlap).range_below(0, 1).help("fraction of a tile shared with its neighbours")
          .flag("--overlap"),
      key<P>("inference.threshold", &P::postprocess, &Q::threshold).range(0, 1).help("foreground where probability > threshold")
          .flag("--threshold"),
      key<P>("inference.batch_size", &P::tiling, &T::batch_size).range(0, kNoLimit)
          .help("tiles per forward pass; 0 = measured on this machine at first use (cached), like the inference form")
          .flag("--batch-size"),
      core::enum_key<P>(
          "inference.blend", {"gaussian", "mean"}, [](const P& c) { return to_string(c.tiling.blend); },
          [](P& c, const std::string& text) { c.tiling.blend = parse_blend_mode(text); })
          .help("gaussian (no seams, nnU-Net) or mean (Python SegOid)").flag("--blend"),
      key<P>("inference.edge_margin", &P::tiling, &T::edge_margin).range(-1, kNoLimit)
          .help("pixels dropped at tile sides inside the image; -1 = overlap / 4").flag("--edge-margin"),
      key<P>("inference.tta", &P::tiling, &T::flip_tta).help("flip test-time augmentation (4x slower)").flag("--tta"),
      key<P>("inference.skip_background", &P::skip, &S::enabled)
          .help("a coarse pass at low resolution first; tiles with nothing in it are background, not run")
          .flag("--skip-background"),
      key<P>("inference.skip_threshold", &P::skip, &S::threshold).range(0, 1)
          .help("a tile is background when the coarse probability stays below this on it"),
      key<P>("inference.skip_coarse_scale", &P::skip, &S::coarse_scale).range_above(0, 1)
          .help("the coarse pass sees images at this fraction of the model's scale"),
      key<P>("inference.scale", &P::scale).range(io::kMinImageScale, io::kMaxImageScale)
          .help("resize images by this factor for the model (0.25: objects 4x larger than in training)")
          .flag("--scale"),
      key<P>("postprocess.min_object_area", &P::postprocess, &Q::min_object_area).range(0, kNoLimit)
          .help("pixels; smaller objects are removed").flag("--min-object-area"),
      key<P>("postprocess.fill_holes", &P::postprocess, &Q::fill_holes).help("fill holes inside objects")
          .flag("--fill-holes,!--no-fill-holes"),
      key<P>("postprocess.smooth_radius", &P::postprocess, &Q::smooth_radius).range(0, kNoLimit)
          .help("pixels; > 0 opens then closes the mask with a disc").flag("--smooth-radius"),
      key<P>("postprocess.split_touching", &P::postprocess, &Q::split_touching)
          .help("cut touching objects apart at their necks (distance-transform watershed)").flag("--split-touching"),
      key<P>("postprocess.split_neck_ratio", &P::postprocess, &Q::split_neck_ratio).range(0.05, 0.95)
          .help("cut where an object narrows below this fraction of its widest part"),
      key<P>("postprocess.min_mean_probability", &P::postprocess, &Q::min_mean_probability).range(0, 1)
          .help("objects whose mean probability is lower are removed; 0 = keep all").flag("--min-mean-probability"),
      key<P>("output.output_dir", &P::output_dir).help("masks, probability maps and run files go here")
          .flag("--output-dir,-o"),
      key<P>("output.save_probabilities", &P::save_probabilities).help("also write <name>_pred_prob.tif (float32)"),
      key<P>("runtime.device", &P::runtime, &R::device).choices({"auto", "cpu", "cuda"}).help("where the network runs")
          .flag("--device"),
      key<P>("runtime.threads", &P::runtime, &R::threads).range(0, 4096)
          .help("CPU threads; 0 = all cores (one per physical core where SMT gives two and that measured faster)")
          .flag("--threads"),
      key<P>("runtime.inference_form", &P::runtime, &R::form).choices(inference_form_choices())
          .help("auto (measured once per machine, cached; int8, its calibration cached per checkpoint, only "
                "while each run's check against float32 keeps mask Dice >= 0.999) or a fixed form of the network")
          .flag("--inference-form"),
  };
  return table;
}

void load_predict_config(const fs::path& path, PredictConfig& config) {
  core::ConfigNode root = core::ConfigNode::load(path);
  core::read_table(root, predict_config_table(), config);
  root.finish();
  core::validate_table(predict_config_table(), config, path.string());
}

void validate_predict_config(const PredictConfig& c) {
  const auto fail = [](const std::string& message) { throw ConfigError(message); };
  if (c.checkpoint.empty()) fail("no checkpoint: give --checkpoint (or model.checkpoint in the config)");
  if (c.manifest.empty() && c.inputs.empty()) fail("no input images: give --manifest CSV or --input files/folders");
  core::validate_table(predict_config_table(), c, "predict_full options");
  if (c.output_dir.empty()) fail("no output folder: give --output-dir");
  if (c.shard_index != 0 && (c.shard_count < 1 || c.shard_index < 1 || c.shard_index > c.shard_count)) {
    fail("--shard " + std::to_string(c.shard_index) + "/" + std::to_string(c.shard_count) +
         ": the shard number must be between 1 and the shard count");
  }
}

std::vector<fs::path> collect_inputs(const std::vector<std::string>& inputs) {
  std::vector<fs::path> paths;
  std::set<fs::path> seen;
  const auto add = [&](const fs::path& p) {
    if (seen.insert(fs::absolute(p).lexically_normal()).second) paths.push_back(p);
  };
  for (const std::string& input : inputs) {
    const fs::path path(input);
    std::error_code ec;
    if (fs::is_directory(path, ec)) {
      const auto found = folder_images(path);
      if (found.empty()) throw ConfigError("input folder \"" + input + "\" holds no image files (.tif .tiff .png .jpg .jpeg .bmp)");
      for (const auto& p : found) add(p);
    } else if (fs::exists(path, ec)) {
      add(path);
    } else if (has_glob_characters(input)) {
      const auto found = expand_glob(input);
      std::size_t images = 0;
      for (const auto& p : found) {
        if (fs::is_regular_file(p, ec) && io::is_image_file(p)) {
          add(p);
          ++images;
        }
      }
      if (images == 0) throw ConfigError("input pattern \"" + input + "\" matches no image files");
    } else {
      throw ConfigError("input \"" + input + "\" does not exist");
    }
  }
  return paths;
}

}  // namespace segoid::infer
