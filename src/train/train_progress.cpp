// SPDX-License-Identifier: MIT
// Training progress: closing an epoch, and its part of the checkpoint (torch-free).
#include "train_progress.hpp"

#include <nlohmann/json.hpp>

#include <algorithm>

#include "train_run_dir.hpp"

namespace segoid::train {
namespace {

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

bool record_epoch(Progress& p, const EpochRecord& r) {
  p.history.push_back(r);
  p.epochs_done += 1;
  p.partial = PartialEpoch{};
  if (!(r.val.dice > p.best_val_dice)) return false;  // a NaN Dice is never a best
  p.best_val_dice = r.val.dice;
  p.best_epoch = r.epoch;
  return true;
}

void progress_to_checkpoint(const Progress& p, model::CheckpointInfo& info, nlohmann::json& state) {
  info.epoch = p.epochs_done;
  info.best_epoch = p.best_epoch;
  info.best_val_dice = std::max(0.0, p.best_val_dice);
  info.history_json = history_to_json(p.history);
  state["best_val_dice"] = p.best_val_dice;
  state["early_stopping"] = nlohmann::json::parse(p.early_stopping.to_json());
  state["partial_epoch"] = partial_json(p.partial);
}

void progress_from_checkpoint(const model::CheckpointInfo& info, const nlohmann::json& state, Progress& p) {
  p.early_stopping.load_json(state.at("early_stopping").dump());
  p.partial = partial_from(state.at("partial_epoch"));
  p.best_val_dice = state.at("best_val_dice").get<double>();
  p.epochs_done = info.epoch;
  p.best_epoch = info.best_epoch;
  p.history = history_from_json(info.history_json);
}

}  // namespace segoid::train
