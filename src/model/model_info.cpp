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
#include "segoid/io/normalization.hpp"

namespace segoid::model {
namespace {

namespace fs = std::filesystem;

std::string scalar_or_empty(const YAML::Node& node) {
  return node && node.IsScalar() ? node.as<std::string>() : std::string();
}

/// data.{train_manifest,val_manifest,data_root} of the embedded config (SegOid's to_yaml, or the
/// Python tool's config dict).
void read_training_config(const std::string& config_yaml, ModelInfo& d) {
  if (config_yaml.empty()) return;
  try {
    const YAML::Node root = YAML::Load(config_yaml);
    if (!root.IsMap()) return;
    if (const YAML::Node data = root["data"]; data && data.IsMap()) {
      d.train_manifest = scalar_or_empty(data["train_manifest"]);
      d.val_manifest = scalar_or_empty(data["val_manifest"]);
      d.data_root = scalar_or_empty(data["data_root"]);
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

ModelInfo describe_checkpoint(const fs::path& path) {
  ModelInfo d;
  d.path = path;
  const CheckpointInfo info = read_checkpoint_info(path);  // throws ModelError naming the file
  d.kind = checkpoint_kind_name(checkpoint_kind(path));
  d.sha256 = core::sha256_file(path);
  d.model = info.model;
  d.epochs = info.epoch;
  d.best_epoch = info.best_epoch;
  d.best_val_dice = info.best_val_dice;
  d.lineage = info.lineage;
  d.segoid_version = info.segoid_version;
  read_training_config(info.config_yaml, d);
  return d;
}

std::string format_model_description(const ModelInfo& info) {
  const ModelDescription& m = info.model;
  std::string out;
  const auto line = [&out](const std::string& key, const std::string& value) {
    out += fmt::format("{:<20}{}\n", key, value);
  };
  line("checkpoint", info.path.string());
  line("format", info.kind == kPythonKind      ? "Python SegOid / smp torch.save (.pth)"
                 : info.kind == "segoid-legacy" ? "SegOid legacy LibTorch archive (.pt; Python cannot open it)"
                                                : "SegOid checkpoint (torch.save .pth in the Python SegOid's layout)");
  line("sha256", info.sha256);
  line("architecture", m.architecture);
  line("encoder", fmt::format("{} (in_channels {}, classes {})", m.encoder, m.in_channels, m.classes));
  line("normalization", io::to_string(m.normalization));
  line("patch size", m.patch_size > 0 ? fmt::format("{} px", m.patch_size) : "(not recorded)");
  line("epochs", std::to_string(info.epochs));
  line("best val Dice", fmt::format("{:.4f} (epoch {})", info.best_val_dice, info.best_epoch));
  line("train manifest", or_unknown(info.train_manifest));
  line("val manifest", or_unknown(info.val_manifest));
  if (!info.data_root.empty()) line("data root", info.data_root);
  if (m.training_pixel_size > 0) line("pixel size", fmt::format("{} um/px", m.training_pixel_size));
  if (m.image_scale != 1.0) line("image scale", fmt::format("{} (images are resized by it for the model)", m.image_scale));
  if (info.lineage.empty()) {
    line("parents", "none (trained from scratch or from encoder weights)");
  } else {
    for (std::size_t i = 0; i < info.lineage.size(); ++i) {
      const ParentCheckpoint& p = info.lineage[i];
      line(i == 0 ? "parents" : "",
           fmt::format("{}. {}  sha256 {}  best val Dice {:.4f}  epochs {}{}", i + 1, p.file_name, p.sha256,
                       p.best_val_dice, p.epoch, p.segoid_version.empty() ? "" : "  (" + p.segoid_version + ")"));
    }
  }
  line("segoid version", or_unknown(info.segoid_version));
  return out;
}

std::string model_description_json(const ModelInfo& info) {
  const ModelDescription& m = info.model;
  nlohmann::json lineage = nlohmann::json::array();
  for (const ParentCheckpoint& p : info.lineage) {
    lineage.push_back({{"file_name", p.file_name},
                       {"sha256", p.sha256},
                       {"best_val_dice", p.best_val_dice},
                       {"epoch", p.epoch},
                       {"segoid_version", p.segoid_version}});
  }
  const nlohmann::json j = {{"path", info.path.string()},
                            {"kind", info.kind},
                            {"sha256", info.sha256},
                            {"architecture", m.architecture},
                            {"encoder", m.encoder},
                            {"in_channels", m.in_channels},
                            {"classes", m.classes},
                            {"normalization", io::to_string(m.normalization)},
                            {"patch_size", m.patch_size},
                            {"epochs", info.epochs},
                            {"best_epoch", info.best_epoch},
                            {"best_val_dice", info.best_val_dice},
                            {"train_manifest", info.train_manifest},
                            {"val_manifest", info.val_manifest},
                            {"data_root", info.data_root},
                            {"training_pixel_size", m.training_pixel_size},
                            {"image_scale", m.image_scale},
                            {"lineage", lineage},
                            {"segoid_version", info.segoid_version}};
  return j.dump(2) + "\n";
}

}  // namespace segoid::model
