// SPDX-License-Identifier: MIT
// predict_full's configuration: strict config file reading, validation and input collection.
#include <glob.h>

#include <algorithm>
#include <set>

#include "segoid/core/config_node.hpp"
#include "segoid/core/error.hpp"
#include "segoid/infer/predict_full.hpp"
#include "segoid/infer/predictor.hpp"
#include "segoid/infer/tiler.hpp"
#include "segoid/io/image_io.hpp"

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

void load_predict_config(const fs::path& path, PredictConfig& config) {
  core::ConfigNode root = core::ConfigNode::load(path);
  core::ConfigNode model = root.section("model");
  std::string text;
  if (model.get("checkpoint", text)) config.checkpoint = text;

  core::ConfigNode input = root.section("input");
  if (input.get("manifest", text)) config.manifest = text;
  if (input.get("data_root", text)) config.data_root = text;
  input.get("images", config.inputs);

  core::ConfigNode inference = root.section("inference");
  inference.get("tile_size", config.tile_size);
  inference.get("overlap", config.overlap);
  inference.get("threshold", config.threshold);
  inference.get("batch_size", config.batch_size);
  inference.get("blend", config.blend);
  inference.get("edge_margin", config.edge_margin);
  inference.get("tta", config.tta);

  core::ConfigNode post = root.section("postprocess");
  post.get("min_object_area", config.min_object_area);
  post.get("fill_holes", config.fill_holes);
  post.get("smooth_radius", config.smooth_radius);

  core::ConfigNode output = root.section("output");
  if (output.get("output_dir", text)) config.output_dir = text;
  output.get("save_probabilities", config.save_probabilities);

  core::ConfigNode runtime = root.section("runtime");
  runtime.get("device", config.device);
  runtime.get("threads", config.threads);
  runtime.get("inference_form", config.inference_form);
  root.finish();
}

void validate_predict_config(const PredictConfig& c) {
  const auto fail = [](const std::string& message) { throw ConfigError(message); };
  if (c.checkpoint.empty()) fail("no checkpoint: give --checkpoint (or model.checkpoint in the config)");
  if (c.manifest.empty() && c.inputs.empty()) fail("no input images: give --manifest CSV or --input files/folders");
  if (c.tile_size != 0 && (c.tile_size < 32 || c.tile_size % 32 != 0)) {
    fail("tile size must be a positive multiple of 32 (the U-Net downsamples 5 times), got " +
         std::to_string(c.tile_size));
  }
  if (!(c.overlap >= 0.0 && c.overlap < 1.0)) fail("overlap must be in [0, 1), got " + std::to_string(c.overlap));
  if (!(c.threshold >= 0.0 && c.threshold <= 1.0)) {
    fail("threshold must be in [0, 1], got " + std::to_string(c.threshold));
  }
  if (c.batch_size < 1) fail("batch size must be at least 1, got " + std::to_string(c.batch_size));
  parse_blend_mode(c.blend);
  if (c.edge_margin < -1) fail("edge margin must be -1 (auto) or >= 0 pixels, got " + std::to_string(c.edge_margin));
  if (c.min_object_area < 0) fail("min object area must be >= 0 pixels, got " + std::to_string(c.min_object_area));
  if (c.smooth_radius < 0) fail("smooth radius must be >= 0 pixels, got " + std::to_string(c.smooth_radius));
  if (c.threads < 0) fail("threads must be >= 0 (0 = all cores), got " + std::to_string(c.threads));
  if (c.device != "auto" && c.device != "cpu" && c.device != "cuda") {
    fail("device must be auto, cpu or cuda, got '" + c.device + "'");
  }
  if (c.inference_form != "auto") {
    const auto& forms = inference_forms();
    if (std::find(forms.begin(), forms.end(), c.inference_form) == forms.end()) {
      std::string allowed = "auto";
      for (const auto& name : forms) allowed += ", " + name;
      fail("inference form must be one of " + allowed + "; got '" + c.inference_form + "'");
    }
  }
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
