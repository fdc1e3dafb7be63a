// SPDX-License-Identifier: MIT
// The run folder and its plain files: unique naming, val_metrics.csv, history JSON.
#pragma once

#include <ctime>
#include <filesystem>
#include <string>
#include <vector>

#include "segoid/train/trainer.hpp"

namespace segoid::train {

/// Creates `<parent>/train_YYYYMMDD_HHMMSS` of `now` (local time; std::time(nullptr) by default),
/// or with suffix _2, _3, ... when taken (two runs in one second). Creation is atomic, so
/// concurrent runs never share a folder. Throws IoError.
std::filesystem::path create_unique_run_dir(const std::filesystem::path& parent, std::time_t now = std::time(nullptr));

/// The CSV text of val_metrics.csv: a header and one row per record.
std::string metrics_csv(const std::vector<EpochRecord>& history);

/// History <-> JSON array text (stored in checkpoints). Throws ModelError when malformed.
std::string history_to_json(const std::vector<EpochRecord>& history);
std::vector<EpochRecord> history_from_json(const std::string& json);

}  // namespace segoid::train
