// SPDX-License-Identifier: MIT
// The checkpoint info document: one structured JSON (version 2), and reading version 1's strings.
#include "segoid/model/checkpoint_info.hpp"

#include <fmt/format.h>
#include <nlohmann/json.hpp>
#include <yaml-cpp/yaml.h>

#include "segoid/core/error.hpp"
#include "segoid/io/image_scale.hpp"

namespace segoid::model {
namespace {

// Keys keep their order, so a config reads back in the order it was written.
using Json = nlohmann::ordered_json;

constexpr const char* kFormatName = "segoid-checkpoint";

/// A YAML node as JSON. Plain scalars become null, booleans, integers or numbers when they read
/// as one (YAML 1.2 core schema), quoted scalars stay strings.
Json yaml_to_json(const YAML::Node& node) {
  switch (node.Type()) {
    case YAML::NodeType::Map: {
      Json out = Json::object();
      for (const auto& entry : node) out[entry.first.as<std::string>()] = yaml_to_json(entry.second);
      return out;
    }
    case YAML::NodeType::Sequence: {
      Json out = Json::array();
      for (const auto& item : node) out.push_back(yaml_to_json(item));
      return out;
    }
    case YAML::NodeType::Scalar: {
      const std::string& text = node.Scalar();
      if (node.Tag() != "?") return text;  // quoted
      if (text == "null" || text == "~" || text == "Null" || text == "NULL") return nullptr;
      if (text == "true" || text == "True") return true;
      if (text == "false" || text == "False") return false;
      std::int64_t integer = 0;
      if (YAML::convert<std::int64_t>::decode(node, integer) && text.find_first_of(".eE") == std::string::npos) {
        return integer;
      }
      double number = 0;
      if (YAML::convert<double>::decode(node, number)) return number;
      return text;
    }
    default:
      return nullptr;
  }
}

void emit_json(YAML::Emitter& e, const Json& j) {
  if (j.is_object()) {
    e << YAML::BeginMap;
    for (const auto& [key, value] : j.items()) {
      e << YAML::Key << key << YAML::Value;
      emit_json(e, value);
    }
    e << YAML::EndMap;
  } else if (j.is_array()) {
    e << YAML::BeginSeq;
    for (const auto& value : j) emit_json(e, value);
    e << YAML::EndSeq;
  } else if (j.is_null()) {
    e << YAML::Null;
  } else if (j.is_boolean()) {
    e << j.get<bool>();
  } else if (j.is_number_unsigned()) {
    e << j.get<std::uint64_t>();
  } else if (j.is_number_integer()) {
    e << j.get<std::int64_t>();
  } else if (j.is_number()) {
    e << j.get<double>();
  } else {
    e << j.get<std::string>();  // the emitter quotes what would read as another type
  }
}

/// JSON object -> block YAML text (as to_yaml writes configs).
std::string json_to_yaml(const Json& j) {
  YAML::Emitter e;
  e.SetDoublePrecision(17);
  emit_json(e, j);
  return std::string(e.c_str()) + "\n";
}

Json parse_json_text(const std::string& text, const char* what) {
  if (text.empty()) return nullptr;
  try {
    return Json::parse(text);
  } catch (const nlohmann::json::exception& e) {
    throw ModelError(std::string("checkpoint info: ") + what + " is not JSON: " + e.what());
  }
}

/// model.<key> of an embedded training config as a number, or `absent`: where checkpoints written
/// before the description had these keys kept them.
double config_number(const std::string& config_yaml, const char* key, double absent) {
  if (config_yaml.empty()) return absent;
  try {
    const YAML::Node node = YAML::Load(config_yaml)["model"][key];
    return node && node.IsScalar() ? node.as<double>() : absent;
  } catch (const YAML::Exception&) {
    return absent;
  }
}

/// The one writer of the model description into the info document.
void description_to_json(const ModelDescription& d, Json& j) {
  j["architecture"] = d.architecture;
  j["encoder"] = d.encoder;
  j["in_channels"] = d.in_channels;
  j["classes"] = d.classes;
  j["normalization"] = io::to_string(d.normalization);
  j["patch_size"] = d.patch_size;
  j["image_scale"] = d.image_scale;
  j["training_pixel_size"] = d.training_pixel_size;
}

/// The one reader: every layout since format version 1 (see ModelDescription).
ModelDescription description_from_json(const Json& j, const std::string& config_yaml, const std::string& source) {
  ModelDescription d;
  d.architecture = j.value("architecture", d.architecture);
  j.at("encoder").get_to(d.encoder);
  j.at("in_channels").get_to(d.in_channels);
  j.at("classes").get_to(d.classes);
  try {
    d.normalization = io::parse_normalization(j.at("normalization").get<std::string>());
  } catch (const ConfigError& e) {
    throw ModelError("checkpoint \"" + source + "\": " + e.what());
  }
  j.at("patch_size").get_to(d.patch_size);
  d.image_scale = j.contains("image_scale") ? j.at("image_scale").get<double>()
                                            : config_number(config_yaml, "image_scale", d.image_scale);
  d.training_pixel_size = j.contains("training_pixel_size")
                              ? j.at("training_pixel_size").get<double>()
                              : config_number(config_yaml, "training_pixel_size", d.training_pixel_size);
  if (!(d.image_scale >= io::kMinImageScale && d.image_scale <= io::kMaxImageScale)) {
    throw ModelError(fmt::format("checkpoint \"{}\": model.image_scale {} is outside {}-{}", source, d.image_scale,
                                 io::kMinImageScale, io::kMaxImageScale));
  }
  return d;
}

}  // namespace

std::string info_to_json(const CheckpointInfo& info) {
  Json config = nullptr;
  if (!info.config_yaml.empty()) {
    try {
      config = yaml_to_json(YAML::Load(info.config_yaml));
    } catch (const YAML::Exception& e) {
      throw ModelError(std::string("checkpoint info: the config is not YAML: ") + e.what());
    }
  }
  Json j;
  j["format"] = kFormatName;
  j["format_version"] = kCheckpointFormatVersion;
  description_to_json(info.model, j);
  j["epoch"] = info.epoch;
  j["best_epoch"] = info.best_epoch;
  j["best_val_dice"] = info.best_val_dice;
  j["config"] = config;
  j["history"] = parse_json_text(info.history_json, "the history");
  j["trainer_state"] = parse_json_text(info.trainer_state_json, "the trainer state");
  j["segoid_version"] = info.segoid_version;
  j["encoder_weights_file"] = info.encoder_weights_file;
  j["encoder_weights_sha256"] = info.encoder_weights_sha256;
  j["lineage"] = Json::array();
  for (const ParentCheckpoint& parent : info.lineage) {
    j["lineage"].push_back({{"file_name", parent.file_name},
                            {"sha256", parent.sha256},
                            {"best_val_dice", parent.best_val_dice},
                            {"epoch", parent.epoch},
                            {"segoid_version", parent.segoid_version}});
  }
  return j.dump();
}

CheckpointInfo info_from_json(const std::string& json, const std::string& source) {
  CheckpointInfo info;
  try {
    const Json j = Json::parse(json);
    if (j.value("format", std::string()) != kFormatName) {
      throw ModelError("checkpoint \"" + source + "\": info is not a " + kFormatName);
    }
    const int version = j.at("format_version").get<int>();
    if (version > kCheckpointFormatVersion) {
      throw ModelError("checkpoint \"" + source + "\" has format version " + std::to_string(version) +
                       ", this SegOid reads up to " + std::to_string(kCheckpointFormatVersion) + ": update SegOid");
    }
    j.at("epoch").get_to(info.epoch);
    j.at("best_epoch").get_to(info.best_epoch);
    j.at("best_val_dice").get_to(info.best_val_dice);
    j.at("segoid_version").get_to(info.segoid_version);
    if (version == 1) {  // strings inside the JSON
      j.at("config_yaml").get_to(info.config_yaml);
      j.at("history_json").get_to(info.history_json);
      j.at("trainer_state_json").get_to(info.trainer_state_json);
    } else {
      const Json& config = j.at("config");
      if (!config.is_null()) info.config_yaml = json_to_yaml(config);
      if (!j.at("history").is_null()) info.history_json = j.at("history").dump();
      if (!j.at("trainer_state").is_null()) info.trainer_state_json = j.at("trainer_state").dump();
    }
    info.model = description_from_json(j, info.config_yaml, source);
    // Absent in checkpoints written before they were recorded.
    info.encoder_weights_file = j.value("encoder_weights_file", std::string());
    info.encoder_weights_sha256 = j.value("encoder_weights_sha256", std::string());
    // Optional: checkpoints written before lineage was recorded have none.
    for (const auto& parent : j.value("lineage", Json::array())) {
      info.lineage.push_back({parent.at("file_name").get<std::string>(), parent.at("sha256").get<std::string>(),
                              parent.at("best_val_dice").get<double>(), parent.at("epoch").get<int>(),
                              parent.value("segoid_version", std::string())});
    }
  } catch (const nlohmann::json::exception& e) {
    throw ModelError("checkpoint \"" + source + "\" has malformed info: " + e.what());
  }
  return info;
}

}  // namespace segoid::model
