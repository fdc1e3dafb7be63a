// SPDX-License-Identifier: MIT
// Session checkpoints: model + AdamW via model::save_checkpoint, the rest as trainer-state JSON.
#include <nlohmann/json.hpp>
#include <spdlog/spdlog.h>

#include "segoid/core/error.hpp"
#include "segoid/model/checkpoint.hpp"
#include "segoid/model/layout_choice.hpp"
#include "trainer_internal.hpp"

namespace segoid::train {
namespace {

constexpr int kTrainerStateVersion = 1;

}  // namespace

std::string recorded_memory_format(const std::filesystem::path& checkpoint) {
  const model::CheckpointInfo info = model::read_checkpoint_info(checkpoint);
  if (info.trainer_state_json.empty()) return model::kChannelsLast;
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
                          {"lr", o.lr},
                          {"scheduler", nlohmann::json::parse(o.scheduler->to_json())},
                          {"seed", config.seed},
                          {"memory_format", s.setup.memory_format}};
  if (o.scaler) state["grad_scaler"] = nlohmann::json::parse(o.scaler->to_json());
  progress_to_checkpoint(s.progress, info, state);
  info.trainer_state_json = state.dump();
  model::save_checkpoint(path, o.model, info, o.optimizer.get());
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
  if (info.trainer_state_json.empty()) {
    throw ModelError("cannot resume from \"" + path.string() +
                     "\": it has no training state (not written by `segoid train`)");
  }
  optimization.model = loaded.model;  // the optimizer now drives this model's parameters
  model::set_weight_layout(optimization.model, setup.memory_format);
  try {
    const nlohmann::json state = nlohmann::json::parse(info.trainer_state_json);
    if (state.at("version").get<int>() > kTrainerStateVersion) {
      throw ModelError("checkpoint \"" + path.string() + "\" has a newer training state: update SegOid");
    }
    optimization.scheduler->load_json(state.at("scheduler").dump());
    progress_from_checkpoint(info, state, progress);
    if (optimization.scaler && state.contains("grad_scaler")) {
      optimization.scaler->load_json(state.at("grad_scaler").dump());
    }
    apply_lr(optimization, state.at("lr").get<double>());
  } catch (const nlohmann::json::exception& e) {
    throw ModelError("checkpoint \"" + path.string() + "\" has a malformed training state: " + e.what());
  }
  provenance.lineage = info.lineage;
  // The run's start, not this invocation's.
  provenance.encoder_weights = {info.encoder_weights_file, info.encoder_weights_sha256};
}

}  // namespace segoid::train
