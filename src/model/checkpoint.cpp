// SPDX-License-Identifier: MIT
// SegOid checkpoints: a torch::serialize archive with the state dict, info JSON and optimizer state.
#include "segoid/model/checkpoint.hpp"

#include <fstream>

#include "segoid/core/atomic_file.hpp"
#include "segoid/core/error.hpp"
#include "segoid/core/input_limits.hpp"
#include "segoid/core/version.hpp"
#include "segoid/io/zip_directory.hpp"
#include "segoid/model/python_checkpoint.hpp"
#include "segoid/model/state_dict.hpp"

namespace segoid::model {
namespace {

namespace fs = std::filesystem;

constexpr const char* kInfoKey = "segoid_info_json";
constexpr const char* kStateKey = "model_state_dict";
constexpr const char* kOptimizerKey = "optimizer";

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

}  // namespace

void save_checkpoint(const fs::path& path, const Unet& model, const CheckpointInfo& info,
                     const torch::optim::Optimizer* optimizer) {
  SEGOID_CHECK(!model.is_empty(), "save_checkpoint needs a model");
  const UnetOptions& options = model->options();
  if (options.folded_batchnorm) {
    throw ModelError("cannot save " + quoted(path) + ": the model is in inference form (folded BatchNorm)");
  }
  const ModelDescription& described = info.model;
  if (options.encoder != described.encoder || options.in_channels != described.in_channels ||
      options.classes != described.classes) {
    throw ModelError("cannot save " + quoted(path) + ": info says " + described.encoder + "/" +
                     std::to_string(described.in_channels) + "->" + std::to_string(described.classes) +
                     " but the model is " +
                     options.encoder + "/" + std::to_string(options.in_channels) + "->" +
                     std::to_string(options.classes));
  }
  CheckpointInfo stamped = info;
  if (stamped.segoid_version.empty()) stamped.segoid_version = core::version_banner();

  c10::Dict<std::string, torch::Tensor> weights;
  for (const auto& [name, tensor] : state_dict(*model)) {
    weights.insert(name, tensor.detach().to(torch::kCPU).contiguous().clone());
  }
  torch::serialize::OutputArchive archive;
  archive.write(kInfoKey, c10::IValue(info_to_json(stamped)));
  archive.write(kStateKey, c10::IValue(weights));
  if (optimizer != nullptr) {
    torch::serialize::OutputArchive optimizer_archive;
    optimizer->save(optimizer_archive);
    archive.write(kOptimizerKey, optimizer_archive);
  }
  core::AtomicFile file(path);
  std::ofstream& out = file.stream();
  bool write_failed = false;
  const auto no_space_hint = [&] {
    std::error_code ec;
    const auto space = fs::space(file.temp_path().parent_path(), ec);
    constexpr std::uintmax_t kNearlyFull = std::uintmax_t{1} << 20;
    return !ec && space.available < kNearlyFull ? std::string(" (no space left on the device)") : std::string();
  };
  try {
    // Through a callback that never reports a failed write to torch: PyTorchStreamWriter would
    // throw again from its destructor while unwinding, which ends the process (found on a full disk).
    archive.save_to([&out, &write_failed](const void* data, size_t n) -> size_t {
      if (!write_failed) {
        out.write(static_cast<const char*>(data), static_cast<std::streamsize>(n));
        write_failed = !out;
      }
      return n;
    });
  } catch (const c10::Error& e) {
    std::string reason = e.what_without_backtrace();
    reason = reason.substr(0, reason.find('\n'));
    throw IoError("cannot write checkpoint " + quoted(path) + ": " + reason + no_space_hint());
  }
  if (write_failed) throw IoError("cannot write checkpoint " + quoted(path) + ": write failed" + no_space_hint());
  file.commit();
}

LoadedCheckpoint load_checkpoint(const fs::path& path, const torch::Device& device,
                                 torch::optim::Optimizer* optimizer_to_restore) {
  require_file(path);
  LoadedCheckpoint loaded;
  if (is_python_checkpoint(path)) {
    if (optimizer_to_restore != nullptr) {
      throw ModelError("cannot resume from " + quoted(path) +
                       ": it is a Python SegOid checkpoint; import it with `segoid import_checkpoint` and train anew");
    }
    PythonCheckpoint python = read_python_checkpoint(path);
    loaded.info = python.info;
    loaded.model = Unet(unet_options(loaded.info.model));
    load_state_dict(*loaded.model, python.model_state_dict, path.string());
    loaded.model->to(device);
    return loaded;
  }
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
  try {
    loaded.model = Unet(unet_options(loaded.info.model));
  } catch (const ModelError& e) {
    throw ModelError("checkpoint " + quoted(path) + ": " + e.what());
  }
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

CheckpointInfo read_checkpoint_info(const fs::path& path) {
  require_file(path);
  if (is_python_checkpoint(path)) return read_python_checkpoint(path).info;
  torch::serialize::InputArchive archive = open_archive(path);
  return read_info(archive, path);
}

ModelDescription read_model_description(const fs::path& checkpoint) { return read_checkpoint_info(checkpoint).model; }

}  // namespace segoid::model
