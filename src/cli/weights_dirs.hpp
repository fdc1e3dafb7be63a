// SPDX-License-Identifier: MIT
// Where encoder weights are looked for: the environment is read here, in cli/, and passed down.
#pragma once

#include <string>

namespace segoid::cli {

/// Folders to search for torchvision weights, ':'-separated, in order: $SEGOID_WEIGHTS_DIR, then
/// PyTorch's hub cache: $TORCH_HOME/hub/checkpoints, or ${XDG_CACHE_HOME:-~/.cache}/torch/hub/checkpoints
/// when TORCH_HOME is unset (torch.hub.get_dir's rule). Unset variables are skipped.
std::string encoder_weight_dirs();

}  // namespace segoid::cli
