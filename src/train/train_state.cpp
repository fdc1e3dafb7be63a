// SPDX-License-Identifier: MIT
// Session checkpoints: model, AdamW and the plateau schedule in PyTorch's layout (model::save_checkpoint),
// the rest as trainer-state JSON; legacy SegOid files and Python SegOid files resume too.
#include <nlohmann/json.hpp>
#include <spdlog/spdlog.h>

#include "segoid/core/error.hpp"
#include "segoid/model/checkpoint.hpp"
#include "segoid/model/layout_choice.hpp"
#include "python_state.hpp"
#include "train_run_dir.hpp"
#include "trainer_internal.hpp"

namespace segoid::train {
namespace {

/// 1: lr and scheduler inside this JSON (legacy .pt files); 2: in the file's PyTorch dicts.
constexpr int kTrainerStateVersion = 2;

/// Continues a Python SegOid checkpoint: epochs, best Dice and history from the file, the schedule
/// from its scheduler_state_dict (the config's when it has none: the Python tool saves it only when
/// enabled); early stopping starts afresh (the Python tool does not save it).
void restore_python_progress(const std::filesystem::path& path, const model::LoadedCheckpoint& loaded,
                             const Setup& setup, Optimization& optimization, Progress& progress) {
  const model::CheckpointInfo& info = loaded.info;
  const double lr = optimization.optimizer->param_groups().at(0).options().get_lr();
  if (loaded.scheduler_state.isNone()) {
    optimization.scheduler = std::make_unique<ReduceLrOnPlateau>(lr, optimization.scheduler->options());
  } else {
    load_plateau_state_dict(*optimization.scheduler, loaded.scheduler_state, lr, path.string());
  }
  apply_lr(optimization, lr);
  const auto& adam = static_cast<const torch::optim::AdamWOptions&>(optimization.optimizer->param_groups().at(0).options());
  spdlog::info("resuming a Python SegOid checkpoint: its optimizer's lr {:.3g} and weight_decay {:g} (the config's {:g}) "
               "carry on, as in PyTorch's load_state_dict; early stopping starts afresh", lr, adam.weight_decay(),
               setup.config.training.weight_decay);
  progress.epochs_done = info.epoch;
  progress.best_val_dice = info.best_val_dice;
  progress.best_epoch = info.best_epoch;
  progress.history = history_from_json(info.history_json);
  if (setup.config.normalization != io::to_string(info.model.normalization)) {
    spdlog::warn("\"{}\" was trained with {} normalization (the Python SegOid's), the config asks for {}: "
                 "the resumed run uses {}", path.string(), io::to_string(info.model.normalization), setup.config.normalization,
                 setup.config.normalization);
  }
}

}  // namespace

std::string recorded_memory_format(const std::filesystem::path& checkpoint) {
  const model::CheckpointInfo info = model::read_checkpoint_info(checkpoint);
  if (info.trainer_state_json.empty()) {
    // A Python file: none recorded. Older SegOid files trained in channels_last.
    return model::checkpoint_kind(checkpoint) == model::CheckpointKind::kPython ? "" : model::kChannelsLast;
  }
  try {
    const nlohmann::json state = nlohmann::json::parse(info.trainer_state_json);
    return state.value("memory_format", std::string(model::kChannelsLast));
  } catch (const nlohmann::json::exception& e) {
    throw ModelError("checkpoint \"" + checkpoint.string() + "\" has a malformed training state: " + e.what());
  }
}

void save_session(Session& s, const std::filesystem::path& path) {
  const TrainConfig& config = s.setup.config;
  const Optimization& o = s.optimization;
  model::CheckpointInfo info;
  info.model = model_description(config);
  info.config_yaml = to_yaml(config);
  info.encoder_weights_file = s.provenance.encoder_weights.file.string();
  info.encoder_weights_sha256 = s.provenance.encoder_weights.sha256;
  info.lineage = s.provenance.lineage;
  // nlohmann::json keeps keys sorted: the text does not depend on the order they are set in.
  nlohmann::json state = {{"version", kTrainerStateVersion},
                          {"seed", config.seed},
                          {"memory_format", s.setup.memory_format}};
  if (o.scaler) state["grad_scaler"] = nlohmann::json::parse(o.scaler->to_json());
  progress_to_checkpoint(s.progress, info, state);
  info.trainer_state_json = state.dump();
  model::TrainingStateDicts training;
  training.optimizer = o.optimizer.get();
  training.scheduler = plateau_state_dict(*o.scheduler);
  training.history = python_history(s.progress.history);
  model::save_checkpoint(path, o.model, info, training);
  s.outputs.last_checkpoint = path;
  spdlog::debug("saved checkpoint \"{}\"", path.string());
}

void restore_session(const std::filesystem::path& path, const Setup& setup, Optimization& optimization,
                     Progress& progress, Provenance& provenance) {
  model::LoadedCheckpoint loaded = model::load_checkpoint(path, setup.device, optimization.optimizer.get());
  const model::CheckpointInfo& info = loaded.info;
  if (info.model.encoder != setup.config.model.encoder) {
    throw ModelError("cannot resume from \"" + path.string() + "\": it holds a " + info.model.encoder +
                     " model, the config asks for " + setup.config.model.encoder);
  }
  const bool python = loaded.kind == model::CheckpointKind::kPython;
  if (info.trainer_state_json.empty() && !python) {
    throw ModelError("cannot resume from \"" + path.string() +
                     "\": it has no training state (not written by `segoid train`)");
  }
  optimization.model = loaded.model;  // the optimizer now drives this model's parameters
  model::set_weight_layout(optimization.model, setup.memory_format);
  if (python) {
    restore_python_progress(path, loaded, setup, optimization, progress);
    return;
  }
  try {
    const nlohmann::json state = nlohmann::json::parse(info.trainer_state_json);
    if (state.at("version").get<int>() > kTrainerStateVersion) {
      throw ModelError("checkpoint \"" + path.string() + "\" has a newer training state: update SegOid");
    }
    if (state.contains("scheduler")) {  // legacy: lr and schedule in this JSON
      optimization.scheduler->load_json(state.at("scheduler").dump());
      apply_lr(optimization, state.at("lr").get<double>());
    } else {
      if (loaded.scheduler_state.isNone()) {
        throw ModelError("checkpoint \"" + path.string() + "\" has no scheduler_state_dict: cannot resume from it");
      }
      const double lr = optimization.optimizer->param_groups().at(0).options().get_lr();
      load_plateau_state_dict(*optimization.scheduler, loaded.scheduler_state, lr, path.string());
      apply_lr(optimization, lr);
    }
    progress_from_checkpoint(info, state, progress);
    if (optimization.scaler && state.contains("grad_scaler")) {
      optimization.scaler->load_json(state.at("grad_scaler").dump());
    }
  } catch (const nlohmann::json::exception& e) {
    throw ModelError("checkpoint \"" + path.string() + "\" has a malformed training state: " + e.what());
  }
  provenance.lineage = info.lineage;
  // The run's start, not this invocation's.
  provenance.encoder_weights = {info.encoder_weights_file, info.encoder_weights_sha256};
}

}  // namespace segoid::train
