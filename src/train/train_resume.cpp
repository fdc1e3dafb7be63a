// SPDX-License-Identifier: MIT
// Finding the newest intact training state of a run folder (for `train --resume RUN_DIR`, run_cv).
#include <nlohmann/json.hpp>
#include <spdlog/spdlog.h>

#include <algorithm>
#include <functional>
#include <map>
#include <regex>
#include <tuple>

#include "segoid/core/atomic_file.hpp"
#include "segoid/core/error.hpp"
#include "segoid/model/checkpoint.hpp"
#include "segoid/train/contract.hpp"
#include "segoid/train/trainer.hpp"

namespace segoid::train {
namespace fs = std::filesystem;
namespace {

struct Candidate {
  fs::path path;
  int epoch = 0;  ///< epochs complete
  int step = 0;   ///< steps into the next epoch (interrupted.pth only)
  int rank = 0;   ///< tie-break: lower wins
};

/// Reads `path`'s progress; false (with a warning) when the file is damaged or holds no state.
bool read_progress(Candidate& c) {
  try {
    const model::CheckpointInfo info = model::read_checkpoint_info(c.path);
    if (info.trainer_state_json.empty()) return false;
    const nlohmann::json state = nlohmann::json::parse(info.trainer_state_json);
    c.epoch = info.epoch;
    c.step = state.at("partial_epoch").at("next_step").get<int>();
    return true;
  } catch (const std::exception& e) {
    spdlog::warn("not resuming from \"{}\": {}", c.path.string(), e.what());
    return false;
  }
}

}  // namespace

fs::path find_resume_checkpoint(const fs::path& run_dir) {
  const fs::path dir = run_dir / contract::kCheckpointsDir;
  std::error_code ec;
  if (!fs::is_directory(dir, ec)) return {};
  const int removed = core::remove_stale_temporaries(dir);
  if (removed > 0) spdlog::info("removed {} unfinished checkpoint file(s) of a killed run in \"{}\"", removed, dir.string());
  // Every state but best_model.pth is at least as new as the best one; periodic ones newest first.
  std::vector<Candidate> first;
  std::vector<Candidate> fallback;
  std::map<int, fs::path, std::greater<>> periodic;
  static const std::regex kPeriodic(std::string(contract::kPeriodicModelPrefix) + R"((\d{1,9})\.pth?)");
  for (const auto& entry : fs::directory_iterator(dir, ec)) {
    if (!entry.is_regular_file()) continue;
    std::string name = entry.path().filename().string();
    if (entry.path().extension() == contract::kLegacyCheckpointSuffix) {  // a run from before the .pth format
      name = entry.path().stem().string() + contract::kCheckpointSuffix;
    }
    std::smatch m;
    if (name == contract::kInterruptedModel) first.push_back({entry.path(), 0, 0, 0});
    else if (name == kLastCheckpointName) first.push_back({entry.path(), 0, 0, 1});
    else if (name == contract::kFinalModel) first.push_back({entry.path(), 0, 0, 2});
    else if (std::regex_match(name, m, kPeriodic)) periodic.emplace(std::stoi(m[1]), entry.path());
    else if (name == contract::kBestModel) fallback.push_back({entry.path(), 0, 0, 4});
  }
  bool newest_periodic = true;
  for (const auto& [epoch, path] : periodic) {
    (newest_periodic ? first : fallback).push_back({path, 0, 0, 3});
    newest_periodic = false;
  }
  for (std::vector<Candidate>* group : {&first, &fallback}) {
    std::vector<Candidate> intact;
    for (Candidate& c : *group) {
      if (read_progress(c)) intact.push_back(c);
    }
    if (intact.empty()) continue;
    const auto newest = std::max_element(intact.begin(), intact.end(), [](const Candidate& a, const Candidate& b) {
      return std::make_tuple(a.epoch, a.step, -a.rank) < std::make_tuple(b.epoch, b.step, -b.rank);
    });
    return newest->path;
  }
  return {};
}

}  // namespace segoid::train
