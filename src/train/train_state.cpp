// SPDX-License-Identifier: MIT
// Session checkpoints: model + AdamW via model::save_checkpoint, the rest as trainer-state JSON.
#include <nlohmann/json.hpp>
#include <spdlog/spdlog.h>

#include "segoid/core/error.hpp"
#include "segoid/model/checkpoint.hpp"
#include "segoid/model/layout_choice.hpp"
#include "train_run_dir.hpp"
#include "trainer_internal.hpp"

namespace segoid::train {
namespace {

constexpr int kTrainerStateVersion = 1;

nlohmann::json partial_json(const PartialEpoch& p) {
  return {{"next_step", p.next_step}, {"loss_sum", p.loss_sum}, {"patches", p.patches},
          {"tp", p.counts.tp},        {"fp", p.counts.fp},      {"fn", p.counts.fn},
          {"tn", p.counts.tn},        {"seconds", p.seconds},   {"data_seconds", p.data_seconds}};
}

PartialEpoch partial_from(const nlohmann::json& j) {
  PartialEpoch p;
  p.next_step = j.at("next_step").get<int>();
  p.loss_sum = j.at("loss_sum").get<double>();
  p.patches = j.at("patches").get<std::int64_t>();
  p.counts.tp = j.at("tp").get<std::int64_t>();
  p.counts.fp = j.at("fp").get<std::int64_t>();
  p.counts.fn = j.at("fn").get<std::int64_t>();
  p.counts.tn = j.at("tn").get<std::int64_t>();
  p.seconds = j.at("seconds").get<double>();
  p.data_seconds = j.at("data_seconds").get<double>();
  return p;
}

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
  model::CheckpointInfo info;
  info.encoder = s.config.model.encoder;
  info.in_channels = s.config.model.in_channels;
  info.classes = s.config.model.classes;
  info.normalization = s.config.normalization;
  info.patch_size = s.config.dataset.patch_size;
  info.epoch = s.epochs_done;
  info.best_epoch = s.best_epoch;
  info.best_val_dice = std::max(0.0, s.best_val_dice);
  info.config_yaml = to_yaml(s.config);
  info.history_json = history_to_json(s.history);
  info.encoder_weights_file = s.encoder_weights.file.string();
  info.encoder_weights_sha256 = s.encoder_weights.sha256;
  nlohmann::json state = {{"version", kTrainerStateVersion},
                                {"lr", s.lr},
                                {"best_val_dice", s.best_val_dice},
                                {"scheduler", nlohmann::json::parse(s.scheduler->to_json())},
                                {"early_stopping", nlohmann::json::parse(s.early_stopping->to_json())},
                                {"partial_epoch", partial_json(s.partial)},
                                {"seed", s.config.seed},
                                {"memory_format", s.memory_format}};
  if (s.scaler) state["grad_scaler"] = nlohmann::json::parse(s.scaler->to_json());
  info.trainer_state_json = state.dump();
  info.lineage = s.lineage;
  model::save_checkpoint(path, s.model, info, s.optimizer.get());
  s.last_checkpoint = path;
  spdlog::debug("saved checkpoint \"{}\"", path.string());
}

void restore_session(Session& s, const std::filesystem::path& path) {
  model::LoadedCheckpoint loaded = model::load_checkpoint(path, s.device, s.optimizer.get());
  const model::CheckpointInfo& info = loaded.info;
  if (info.encoder != s.config.model.encoder) {
    throw ModelError("cannot resume from \"" + path.string() + "\": it holds a " + info.encoder +
                     " model, the config asks for " + s.config.model.encoder);
  }
  if (info.trainer_state_json.empty()) {
    throw ModelError("cannot resume from \"" + path.string() +
                     "\": it has no training state (not written by `segoid train`)");
  }
  s.model = loaded.model;  // the optimizer now drives this model's parameters
  model::set_weight_layout(s.model, s.memory_format);
  try {
    const nlohmann::json state = nlohmann::json::parse(info.trainer_state_json);
    if (state.at("version").get<int>() > kTrainerStateVersion) {
      throw ModelError("checkpoint \"" + path.string() + "\" has a newer training state: update SegOid");
    }
    s.scheduler->load_json(state.at("scheduler").dump());
    s.early_stopping->load_json(state.at("early_stopping").dump());
    s.partial = partial_from(state.at("partial_epoch"));
    s.best_val_dice = state.at("best_val_dice").get<double>();
    if (s.scaler && state.contains("grad_scaler")) s.scaler->load_json(state.at("grad_scaler").dump());
    apply_lr(s, state.at("lr").get<double>());
  } catch (const nlohmann::json::exception& e) {
    throw ModelError("checkpoint \"" + path.string() + "\" has a malformed training state: " + e.what());
  }
  s.epochs_done = info.epoch;
  s.best_epoch = info.best_epoch;
  s.history = history_from_json(info.history_json);
  s.lineage = info.lineage;
  s.encoder_weights = {info.encoder_weights_file, info.encoder_weights_sha256};  // the run's start, not this run's
  s.last_checkpoint = path;
}

}  // namespace segoid::train
