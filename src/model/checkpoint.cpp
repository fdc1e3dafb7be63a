// SPDX-License-Identifier: MIT
// SegOid checkpoints: torch.save dicts in the Python SegOid's layout; legacy LibTorch archives still read.
#include "segoid/model/checkpoint.hpp"

#include <nlohmann/json.hpp>

#include <set>
#include <utility>

#include "segoid/core/error.hpp"
#include "segoid/core/input_limits.hpp"
#include "segoid/core/version.hpp"
#include "segoid/io/zip_directory.hpp"
#include "segoid/model/optimizer_state.hpp"
#include "segoid/model/python_checkpoint.hpp"
#include "segoid/model/state_dict.hpp"
#include "segoid/model/torch_pickle.hpp"

namespace segoid::model {
namespace {

namespace fs = std::filesystem;

constexpr const char* kInfoKey = "segoid_info_json";  // legacy archives only
constexpr const char* kStateKey = "model_state_dict";
constexpr const char* kOptimizerKey = "optimizer";  // legacy archives only

std::string quoted(const fs::path& path) { return "\"" + path.string() + "\""; }

void require_file(const fs::path& path) {
  std::error_code ec;
  if (!fs::is_regular_file(path, ec)) {
    throw ModelError("checkpoint " + quoted(path) + " does not exist or is not a file");
  }
}

/// Opens a SegOid archive; anything torch cannot read becomes a ModelError naming the file.
torch::serialize::InputArchive open_archive(const fs::path& path, const torch::Device& device = torch::kCPU) {
  // LibTorch allocates each record at the size its zip directory declares: check those first.
  try {
    const std::uint64_t archive_size = fs::file_size(path);
    for (const io::ZipEntry& entry : io::read_zip_directory(path)) {
      const std::string problem = io::zip_entry_size_problem(entry, archive_size, core::input_limits().max_record_bytes);
      if (!problem.empty()) throw ModelError("cannot read checkpoint " + quoted(path) + ": " + problem);
    }
  } catch (const IoError& e) {
    std::string reason = e.what();
    const std::size_t after_path = reason.find("\": ");
    if (after_path != std::string::npos) reason = reason.substr(after_path + 3);
    throw ModelError("cannot read checkpoint " + quoted(path) + ": not a SegOid or PyTorch checkpoint, or corrupt (" +
                     reason + ")");
  }
  torch::serialize::InputArchive archive;
  try {
    archive.load_from(path.string(), device);
  } catch (const c10::Error& e) {
    throw ModelError("cannot read checkpoint " + quoted(path) + ": not a SegOid or PyTorch checkpoint, or corrupt (" +
                     std::string(e.what_without_backtrace()).substr(0, 200) + ")");
  }
  return archive;
}

CheckpointInfo read_info(torch::serialize::InputArchive& archive, const fs::path& path) {
  c10::IValue value;
  if (!archive.try_read(kInfoKey, value) || !value.isString()) {
    throw ModelError("checkpoint " + quoted(path) + " has no SegOid info: not written by SegOid");
  }
  return info_from_json(value.toStringRef(), path.string());
}

/// Points the optimizer's parameter groups at `model`'s parameters, in order, so that restored
/// state drives the returned model. Throws ModelError when the counts differ.
void rebind_optimizer(torch::optim::Optimizer& optimizer, Unet& model, const fs::path& path) {
  const std::vector<torch::Tensor> params = model->parameters();
  size_t total = 0;
  for (const auto& group : optimizer.param_groups()) total += group.params().size();
  if (total != params.size()) {
    throw ModelError("cannot restore the optimizer from " + quoted(path) + ": it holds " + std::to_string(total) +
                     " parameters, the model " + std::to_string(params.size()));
  }
  size_t index = 0;
  for (auto& group : optimizer.param_groups()) {
    for (auto& p : group.params()) p = params[index++];
  }
}

Unet build_unet(const CheckpointInfo& info, const fs::path& path) {
  try {
    return Unet(unet_options(info.model));
  } catch (const ModelError& e) {
    throw ModelError("checkpoint " + quoted(path) + ": " + e.what());
  }
}

/// info.history_json as Python's {name: [numbers]} when it has that shape (an imported Python
/// checkpoint's), else None.
c10::IValue history_from_info(const CheckpointInfo& info) {
  if (info.history_json.empty()) return {};
  try {
    const nlohmann::json history = nlohmann::json::parse(info.history_json);
    if (!history.is_object()) return {};
    c10::impl::GenericDict series(c10::StringType::get(), c10::AnyType::get());
    for (const auto& [name, values] : history.items()) {
      if (!values.is_array()) continue;
      c10::impl::GenericList list(c10::FloatType::get());
      for (const auto& v : values) {
        if (v.is_number()) list.push_back(v.get<double>());
      }
      series.insert(name, list);
    }
    return series;
  } catch (const nlohmann::json::exception&) {
    return {};  // a history in another shape stays inside segoid_info only
  }
}

/// The names of `model`'s parameters in the order of `entries` (a file's state dict), and in the
/// model's own order: how a saved optimizer's numbering maps onto this model.
std::pair<std::vector<std::string>, std::vector<std::string>> parameter_orders(const StateDict& entries,
                                                                             const Unet& model) {
  std::vector<std::string> own;
  for (const auto& p : model->named_parameters()) own.push_back(p.key());
  const std::set<std::string> is_parameter(own.begin(), own.end());
  std::vector<std::string> saved;
  for (const auto& entry : entries) {
    if (is_parameter.count(entry.first) != 0) saved.push_back(entry.first);
  }
  return {saved, own};
}

LoadedCheckpoint load_legacy_checkpoint(const fs::path& path, const torch::Device& device,
                                        torch::optim::AdamW* optimizer_to_restore) {
  LoadedCheckpoint loaded;
  loaded.kind = CheckpointKind::kSegoidLegacy;
  torch::serialize::InputArchive archive = open_archive(path, device);
  loaded.info = read_info(archive, path);
  c10::IValue weights_value;
  if (!archive.try_read(kStateKey, weights_value) || !weights_value.isGenericDict()) {
    throw ModelError("checkpoint " + quoted(path) + " holds no model_state_dict");
  }
  StateDict entries;
  for (const auto& item : weights_value.toGenericDict()) {
    entries.emplace_back(item.key().toStringRef(), item.value().toTensor());
  }
  loaded.model = build_unet(loaded.info, path);
  load_state_dict(*loaded.model, entries, path.string());
  loaded.model->to(device);
  if (optimizer_to_restore != nullptr) {
    torch::serialize::InputArchive optimizer_archive;
    if (!archive.try_read(kOptimizerKey, optimizer_archive)) {
      throw ModelError("checkpoint " + quoted(path) + " holds no optimizer state: cannot resume from it");
    }
    rebind_optimizer(*optimizer_to_restore, loaded.model, path);
    try {
      optimizer_to_restore->load(optimizer_archive);
    } catch (const c10::Error& e) {
      throw ModelError("cannot restore the optimizer from " + quoted(path) +
                       " (different optimizer type?): " + e.what_without_backtrace());
    }
  }
  return loaded;
}

}  // namespace

void save_checkpoint(const fs::path& path, const Unet& model, const CheckpointInfo& info,
                     const TrainingStateDicts& training) {
  SEGOID_CHECK(!model.is_empty(), "save_checkpoint needs a model");
  const UnetOptions& options = model->options();
  if (options.folded_batchnorm) {
    throw ModelError("cannot save " + quoted(path) + ": the model is in inference form (folded BatchNorm)");
  }
  if (options.encoder != info.model.encoder || options.in_channels != info.model.in_channels || options.classes != info.model.classes) {
    throw ModelError("cannot save " + quoted(path) + ": info says " + info.model.encoder + "/" +
                     std::to_string(info.model.in_channels) + "->" + std::to_string(info.model.classes) + " but the model is " +
                     options.encoder + "/" + std::to_string(options.in_channels) + "->" +
                     std::to_string(options.classes));
  }
  CheckpointInfo stamped = info;
  if (stamped.segoid_version.empty()) stamped.segoid_version = core::version_banner();

  c10::impl::GenericDict weights(c10::StringType::get(), c10::TensorType::get());
  for (const auto& [name, tensor] : state_dict(*model)) weights.insert(name, tensor.detach());
  c10::impl::GenericDict model_config(c10::StringType::get(), c10::AnyType::get());
  model_config.insert(std::string("encoder_name"), info.model.encoder);
  model_config.insert(std::string("in_channels"), static_cast<int64_t>(info.model.in_channels));
  model_config.insert(std::string("classes"), static_cast<int64_t>(info.model.classes));
  // The Python SegOid's keys in its order, then ours.
  c10::impl::GenericDict root(c10::StringType::get(), c10::AnyType::get());
  root.insert(std::string("epoch"), static_cast<int64_t>(info.epoch) - 1);
  root.insert(std::string(kStateKey), weights);
  if (training.optimizer != nullptr) root.insert(std::string("optimizer_state_dict"), adamw_state_dict(*training.optimizer));
  root.insert(std::string("best_val_dice"), info.best_val_dice);
  const c10::IValue history = training.history.isNone() ? history_from_info(info) : training.history;
  if (!history.isNone()) root.insert(std::string("history"), history);
  root.insert(std::string("model_config"), model_config);
  if (!training.scheduler.isNone()) root.insert(std::string("scheduler_state_dict"), training.scheduler);
  root.insert(std::string(kSegoidInfoKey), info_to_json(stamped));
  write_torch_file(path, root);
}

LoadedCheckpoint load_checkpoint(const fs::path& path, const torch::Device& device,
                                 torch::optim::AdamW* optimizer_to_restore) {
  require_file(path);
  if (!is_torch_save_archive(path)) return load_legacy_checkpoint(path, device, optimizer_to_restore);
  TorchSaveCheckpoint file = read_torch_save_checkpoint(path);
  LoadedCheckpoint loaded;
  loaded.kind = file.written_by_segoid ? CheckpointKind::kSegoid : CheckpointKind::kPython;
  loaded.info = file.info;
  loaded.model = build_unet(loaded.info, path);
  load_state_dict(*loaded.model, file.model_state_dict, path.string());
  loaded.model->to(device);
  if (optimizer_to_restore != nullptr) {
    if (file.optimizer_state.isNone()) {
      throw ModelError("checkpoint " + quoted(path) + " holds no optimizer state: cannot resume from it");
    }
    rebind_optimizer(*optimizer_to_restore, loaded.model, path);
    const auto [saved_names, names] = parameter_orders(file.model_state_dict, loaded.model);
    load_adamw_state_dict(*optimizer_to_restore, file.optimizer_state, saved_names, names, path.string());
  }
  loaded.scheduler_state = file.scheduler_state;
  return loaded;
}

CheckpointKind checkpoint_kind(const fs::path& path) {
  require_file(path);
  if (!is_torch_save_archive(path)) {
    read_checkpoint_info(path);  // throws when it is no SegOid archive either
    return CheckpointKind::kSegoidLegacy;
  }
  return read_torch_save_checkpoint(path).written_by_segoid ? CheckpointKind::kSegoid : CheckpointKind::kPython;
}

CheckpointInfo read_checkpoint_info(const fs::path& path) {
  require_file(path);
  if (is_torch_save_archive(path)) return read_torch_save_checkpoint(path).info;
  torch::serialize::InputArchive archive = open_archive(path);
  return read_info(archive, path);
}

ModelDescription read_model_description(const fs::path& checkpoint) { return read_checkpoint_info(checkpoint).model; }

}  // namespace segoid::model
