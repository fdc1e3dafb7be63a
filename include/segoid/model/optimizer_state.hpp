// SPDX-License-Identifier: MIT
// AdamW's state in PyTorch's own Optimizer.state_dict() layout, for checkpoints Python resumes from.
#pragma once

#include <torch/torch.h>

#include <string>
#include <vector>

namespace segoid::model {

/// `optimizer`'s state as torch.optim.AdamW.state_dict() holds it: {"state": {index: {"step":
/// float32 0-d tensor, "exp_avg", "exp_avg_sq"[, "max_exp_avg_sq"]}}, "param_groups": [{"lr",
/// "betas", "eps", "weight_decay", "amsgrad", "maximize", "foreach", "capturable", "params":
/// [index, ...]}]}. Indices number the parameters of all groups in order (PyTorch's numbering);
/// parameters without state (never stepped) are absent, as in PyTorch. Tensors are CPU copies.
c10::IValue adamw_state_dict(const torch::optim::AdamW& optimizer);

/// Restores `optimizer` from a PyTorch Adam/AdamW state_dict (ours, or Python's: step as a tensor
/// or a number): each group's lr, betas, eps, weight_decay and amsgrad (the saved values win, as
/// in PyTorch's load_state_dict), and each parameter's moments, moved to its device and layout.
/// `saved_names` names the saved parameters in the saved numbering when known (a checkpoint's
/// model_state_dict order without buffers) and `names` the optimizer's parameters in its own order:
/// state then goes to the parameter of the same name; otherwise index i to the i-th parameter.
/// Throws ModelError naming `source` when the layout, a count or a shape does not fit.
void load_adamw_state_dict(torch::optim::AdamW& optimizer, const c10::IValue& state_dict,
                           const std::vector<std::string>& saved_names, const std::vector<std::string>& names,
                           const std::string& source);

}  // namespace segoid::model
