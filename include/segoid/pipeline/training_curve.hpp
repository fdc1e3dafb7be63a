// SPDX-License-Identifier: MIT
// The loss-and-Dice-per-epoch figure shared by the sanity check and the demo report.
#pragma once

#include <filesystem>
#include <string>
#include <vector>

#include "segoid/train/trainer.hpp"

namespace segoid::pipeline {

/// Draws train loss, val loss and val Dice per epoch of `history` into `png` (width x height px).
/// Written atomically. Throws IoError.
void plot_training_curve(const std::vector<train::EpochRecord>& history, const std::filesystem::path& png,
                         const std::string& title, int width, int height);

}  // namespace segoid::pipeline
