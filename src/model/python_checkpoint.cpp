// SPDX-License-Identifier: MIT
// torch.save checkpoints: reading them (our unpickler); import and export between SegOid kinds.
#include "segoid/model/python_checkpoint.hpp"

#include <nlohmann/json.hpp>

#include "segoid/core/error.hpp"
#include "segoid/model/checkpoint_interop.hpp"
#include "segoid/model/torch_pickle.hpp"

namespace segoid::model {
namespace {

namespace fs = std::filesystem;

constexpr const char* kModelKey = "model_state_dict";

const torch::Tensor* find_entry(const StateDict& entries, const std::string& name) {
  for (const auto& [key, tensor] : entries) {
    if (key == name) return &tensor;
  }
  return nullptr;
}

/// Encoder depth, input and output channels from smp's weight names and shapes.
void infer_architecture(const StateDict& weights, CheckpointInfo& info, const fs::path& path) {
  const torch::Tensor* conv1 = find_entry(weights, "encoder.conv1.weight");
  const torch::Tensor* head = find_entry(weights, "segmentation_head.0.weight");
  if (conv1 == nullptr || head == nullptr || conv1->dim() != 4 || head->dim() != 4) {
    throw ModelError("\"" + path.string() +
                     "\" is not an smp Unet checkpoint: encoder.conv1.weight or segmentation_head.0.weight missing");
  }
  info.model.in_channels = static_cast<int>(conv1->size(1));
  info.model.classes = static_cast<int>(head->size(0));
  info.model.encoder = find_entry(weights, "encoder.layer3.5.conv1.weight") != nullptr ? "resnet34" : "resnet18";
}

/// history: {name: [numbers]} -> JSON text; other shapes are skipped.
std::string history_to_json(const c10::IValue& history) {
  if (!history.isGenericDict()) return "";
  nlohmann::json j = nlohmann::json::object();
  for (const auto& item : history.toGenericDict()) {
    if (!item.key().isString() || !item.value().isList()) continue;
    nlohmann::json values = nlohmann::json::array();
    for (const auto& v : item.value().toListRef()) {
      if (v.isDouble()) values.push_back(v.toDouble());
      else if (v.isInt()) values.push_back(v.toInt());
      else if (v.isTensor() && v.toTensor().numel() == 1) values.push_back(v.toTensor().item<double>());
    }
    j[item.key().toStringRef()] = values;
  }
  return j.dump();
}

double number_or(const c10::impl::GenericDict& dict, const std::string& key, double fallback) {
  const auto it = dict.find(c10::IValue(key));
  if (it == dict.end()) return fallback;
  if (it->value().isDouble()) return it->value().toDouble();
  if (it->value().isInt()) return static_cast<double>(it->value().toInt());
  if (it->value().isTensor() && it->value().toTensor().numel() == 1) return it->value().toTensor().item<double>();
  return fallback;
}

/// A pickled value as JSON: dicts with string keys, lists, tuples, strings, numbers, booleans and
/// None; anything else (tensors, objects) becomes null. For the training config a checkpoint embeds.
nlohmann::json value_to_json(const c10::IValue& v) {
  if (v.isString()) return v.toStringRef();
  if (v.isBool()) return v.toBool();
  if (v.isInt()) return v.toInt();
  if (v.isDouble()) return v.toDouble();
  if (v.isList() || v.isTuple()) {
    nlohmann::json items = nlohmann::json::array();
    if (v.isList()) {
      for (const auto& item : v.toListRef()) items.push_back(value_to_json(item));
    } else {
      for (const auto& item : v.toTupleRef().elements()) items.push_back(value_to_json(item));
    }
    return items;
  }
  if (v.isGenericDict()) {
    nlohmann::json object = nlohmann::json::object();
    for (const auto& item : v.toGenericDict()) {
      if (item.key().isString()) object[item.key().toStringRef()] = value_to_json(item.value());
    }
    return object;
  }
  return nullptr;
}

/// Drops a prefix every key carries: "module." (nn.DataParallel) or "_orig_mod." (torch.compile).
void strip_wrapper_prefix(StateDict& entries) {
  for (const std::string prefix : {"module.", "_orig_mod."}) {
    bool all = !entries.empty();
    for (const auto& entry : entries) all = all && entry.first.rfind(prefix, 0) == 0;
    if (!all) continue;
    for (auto& entry : entries) entry.first = entry.first.substr(prefix.size());
  }
}

/// dict[key] when present and not None, else None.
c10::IValue value_or_none(const c10::impl::GenericDict& dict, const char* key) {
  const auto it = dict.find(c10::IValue(std::string(key)));
  return it == dict.end() ? c10::IValue() : it->value();
}

}  // namespace

TorchSaveCheckpoint read_torch_save_checkpoint(const fs::path& path) {
  const c10::IValue root = read_torch_file(path);
  const std::string where = "\"" + path.string() + "\"";
  if (!root.isGenericDict()) throw ModelError(where + " holds a " + root.tagKind() + ", expected a checkpoint dict");
  const auto dict = root.toGenericDict();
  TorchSaveCheckpoint checkpoint;
  const auto model_it = dict.find(c10::IValue(std::string(kModelKey)));
  checkpoint.model_state_dict = model_it != dict.end()
                                    ? state_dict_from_value(model_it->value(), where + "['model_state_dict']")
                                    : state_dict_from_value(root, where);
  strip_wrapper_prefix(checkpoint.model_state_dict);
  CheckpointInfo& info = checkpoint.info;
  const auto info_it = dict.find(c10::IValue(std::string(kSegoidInfoKey)));
  checkpoint.optimizer_state = value_or_none(dict, "optimizer_state_dict");
  checkpoint.scheduler_state = value_or_none(dict, "scheduler_state_dict");
  if (info_it != dict.end() && info_it->value().isString()) {
    info = info_from_json(info_it->value().toStringRef(), path.string());  // written by SegOid
    checkpoint.written_by_segoid = true;
  } else {
    info.model.normalization = io::Normalization::kRange;  // the Python tool scales by 1/255
    // Python's "epoch" is the 0-based index of the last finished epoch (its resume starts at epoch + 1).
    info.epoch = dict.contains(c10::IValue(std::string("epoch"))) ? static_cast<int>(number_or(dict, "epoch", 0)) + 1 : 0;
    info.best_epoch = info.epoch;
    info.best_val_dice = number_or(dict, "best_val_dice", 0.0);
    const auto history_it = dict.find(c10::IValue(std::string("history")));
    if (history_it != dict.end()) info.history_json = history_to_json(history_it->value());
    info.segoid_version = "imported from Python checkpoint " + path.filename().string();
    // The Python tool saves its train.yaml as a dict under "config"; JSON text is valid YAML.
    const auto config_it = dict.find(c10::IValue(std::string("config")));
    if (config_it != dict.end() && config_it->value().isGenericDict()) {
      const nlohmann::json config = value_to_json(config_it->value());
      info.config_yaml = config.dump(2);
      // Its training patch size, when the config records one (else unknown: 0).
      const nlohmann::json dataset = config.value("dataset", nlohmann::json::object());
      if (dataset.is_object() && dataset.contains("patch_size") && dataset["patch_size"].is_number_integer()) {
        info.model.patch_size = dataset["patch_size"].get<int>();
      }
    }
  }
  infer_architecture(checkpoint.model_state_dict, info, path);
  return checkpoint;
}

void import_checkpoint(const fs::path& python_checkpoint, const fs::path& output) {
  if (checkpoint_kind(python_checkpoint) != CheckpointKind::kPython) {
    throw ModelError("\"" + python_checkpoint.string() + "\" is not a Python (torch.save) checkpoint");
  }
  LoadedCheckpoint loaded = load_checkpoint(python_checkpoint);
  save_checkpoint(output, loaded.model, loaded.info);
}

void export_checkpoint(const fs::path& checkpoint, const fs::path& output, bool half) {
  LoadedCheckpoint loaded = load_checkpoint(checkpoint);
  if (half) loaded.model->to(torch::kHalf);  // floating-point tensors only: num_batches_tracked stays int64
  save_checkpoint(output, loaded.model, loaded.info);
}

}  // namespace segoid::model
