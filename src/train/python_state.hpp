// SPDX-License-Identifier: MIT
// The scheduler and history in the Python SegOid's checkpoint layout (train-internal, torch).
#pragma once

#include <torch/torch.h>

#include <string>
#include <vector>

#include "segoid/train/lr_scheduler.hpp"
#include "segoid/train/trainer.hpp"

namespace segoid::train {

/// `scheduler` as torch.optim.lr_scheduler.ReduceLROnPlateau.state_dict() holds it (factor,
/// min_lrs, patience, verbose, cooldown, cooldown_counter, mode, threshold, threshold_mode "rel",
/// best, num_bad_epochs, mode_worse, eps, last_epoch, _last_lr), for one parameter group.
c10::IValue plateau_state_dict(const ReduceLrOnPlateau& scheduler);

/// Restores `scheduler` from such a dict (ours or Python's; the saved options win, as in PyTorch's
/// load_state_dict) with learning rate `lr` (the optimizer's, where PyTorch keeps it). Throws
/// ModelError naming `source` for a missing key, threshold_mode "abs" or an invalid mode.
void load_plateau_state_dict(ReduceLrOnPlateau& scheduler, const c10::IValue& state_dict, double lr,
                             const std::string& source);

/// The history as the Python SegOid's dict: {train_loss, train_dice, val_loss, val_dice,
/// learning_rate: [value per epoch]}.
c10::IValue python_history(const std::vector<EpochRecord>& history);

}  // namespace segoid::train
