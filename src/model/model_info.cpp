// SPDX-License-Identifier: MIT
// `segoid model_info`: a checkpoint's architecture, training, manifests and parent chain.
#include "segoid/model/model_info.hpp"

#include <fmt/format.h>
#include <nlohmann/json.hpp>
#include <yaml-cpp/yaml.h>

#include "segoid/core/error.hpp"
#include "segoid/core/sha256.hpp"
#include "segoid/model/checkpoint.hpp"
#include "segoid/model/checkpoint_info.hpp"

namespace segoid::model {
namespace {

namespace fs = std::filesystem;

std::string scalar_or_empty(const YAML::Node& node) {
  return node && node.IsScalar() ? node.as<std::string>() : std::string();
}

/// data.{train_manifest,val_manifest,data_root} and dataset.patch_size of the embedded config
/// (SegOid's to_yaml, or the Python tool's config dict).
void read_training_config(const std::string& config_yaml, ModelDescription& d) {
  if (config_yaml.empty()) return;
  try {
    const YAML::Node root = YAML::Load(config_yaml);
    if (!root.IsMap()) return;
    if (const YAML::Node data = root["data"]; data && data.IsMap()) {
      d.train_manifest = scalar_or_empty(data["train_manifest"]);
      d.val_manifest = scalar_or_empty(data["val_manifest"]);
      d.data_root = scalar_or_empty(data["data_root"]);
    }
    if (const YAML::Node dataset = root["dataset"]; dataset && dataset.IsMap() && dataset["patch_size"]) {
      d.patch_size = dataset["patch_size"].as<int>(0);
    }
  } catch (const YAML::Exception&) {
    // A config we cannot parse leaves the manifests unknown; the weights are still described.
  }
}

constexpr char kPythonKind[] = "python";

std::string checkpoint_kind_name(CheckpointKind kind) {
  switch (kind) {
    case CheckpointKind::kSegoid: return "segoid";
    case CheckpointKind::kSegoidLegacy: return "segoid-legacy";
    case CheckpointKind::kPython: return kPythonKind;
  }
  return "";
}

std::string or_unknown(const std::string& text) { return text.empty() ? "(not recorded)" : text; }

}  // namespace

ModelDescription describe_checkpoint(const fs::path& path) {
  ModelDescription d;
  d.path = path;
  const CheckpointInfo info = read_checkpoint_info(path);  // throws ModelError naming the file
  d.kind = checkpoint_kind_name(checkpoint_kind(path));
  d.sha256 = core::sha256_file(path);
  d.encoder = info.encoder;
  d.in_channels = info.in_channels;
  d.classes = info.classes;
  d.normalization = info.normalization;
  d.epochs = info.epoch;
  d.best_epoch = info.best_epoch;
  d.best_val_dice = info.best_val_dice;
  d.lineage = info.lineage;
  d.segoid_version = info.segoid_version;
  read_training_config(info.config_yaml, d);  // a Python checkpoint's patch size: its config's, or unknown (0)
  d.training_pixel_size = model_config_number(info, "training_pixel_size", 0.0);
  d.image_scale = model_config_number(info, "image_scale", 1.0);
  if (d.kind != kPythonKind) d.patch_size = info.patch_size;
  return d;
}

std::string format_model_description(const ModelDescription& d) {
  std::string out;
  const auto line = [&out](const std::string& key, const std::string& value) {
    out += fmt::format("{:<20}{}\n", key, value);
  };
  line("checkpoint", d.path.string());
  line("format", d.kind == kPythonKind      ? "Python SegOid / smp torch.save (.pth)"
                 : d.kind == "segoid-legacy" ? "SegOid legacy LibTorch archive (.pt; Python cannot open it)"
                                             : "SegOid checkpoint (torch.save .pth in the Python SegOid's layout)");
  line("sha256", d.sha256);
  line("architecture", d.architecture);
  line("encoder", fmt::format("{} (in_channels {}, classes {})", d.encoder, d.in_channels, d.classes));
  line("normalization", d.normalization);
  line("patch size", d.patch_size > 0 ? fmt::format("{} px", d.patch_size) : "(not recorded)");
  line("epochs", std::to_string(d.epochs));
  line("best val Dice", fmt::format("{:.4f} (epoch {})", d.best_val_dice, d.best_epoch));
  line("train manifest", or_unknown(d.train_manifest));
  line("val manifest", or_unknown(d.val_manifest));
  if (!d.data_root.empty()) line("data root", d.data_root);
  if (d.training_pixel_size > 0) line("pixel size", fmt::format("{} um/px", d.training_pixel_size));
  if (d.image_scale != 1.0) line("image scale", fmt::format("{} (images are resized by it for the model)", d.image_scale));
  if (d.lineage.empty()) {
    line("parents", "none (trained from scratch or from encoder weights)");
  } else {
    for (std::size_t i = 0; i < d.lineage.size(); ++i) {
      const ParentCheckpoint& p = d.lineage[i];
      line(i == 0 ? "parents" : "",
           fmt::format("{}. {}  sha256 {}  best val Dice {:.4f}  epochs {}{}", i + 1, p.file_name, p.sha256,
                       p.best_val_dice, p.epoch, p.segoid_version.empty() ? "" : "  (" + p.segoid_version + ")"));
    }
  }
  line("segoid version", or_unknown(d.segoid_version));
  return out;
}

std::string model_description_json(const ModelDescription& d) {
  nlohmann::json lineage = nlohmann::json::array();
  for (const ParentCheckpoint& p : d.lineage) {
    lineage.push_back({{"file_name", p.file_name},
                       {"sha256", p.sha256},
                       {"best_val_dice", p.best_val_dice},
                       {"epoch", p.epoch},
                       {"segoid_version", p.segoid_version}});
  }
  const nlohmann::json j = {{"path", d.path.string()},
                            {"kind", d.kind},
                            {"sha256", d.sha256},
                            {"architecture", d.architecture},
                            {"encoder", d.encoder},
                            {"in_channels", d.in_channels},
                            {"classes", d.classes},
                            {"normalization", d.normalization},
                            {"patch_size", d.patch_size},
                            {"epochs", d.epochs},
                            {"best_epoch", d.best_epoch},
                            {"best_val_dice", d.best_val_dice},
                            {"train_manifest", d.train_manifest},
                            {"val_manifest", d.val_manifest},
                            {"data_root", d.data_root},
                            {"training_pixel_size", d.training_pixel_size},
                            {"image_scale", d.image_scale},
                            {"lineage", lineage},
                            {"segoid_version", d.segoid_version}};
  return j.dump(2) + "\n";
}

}  // namespace segoid::model
