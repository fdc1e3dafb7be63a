// SPDX-License-Identifier: MIT
// PyTorch-style state dicts of C++ modules: listing in PyTorch's order and strict, checked loading.
#pragma once

#include <torch/torch.h>

#include <cstdint>
#include <string>
#include <utility>
#include <vector>

namespace segoid::model {

/// Name -> tensor pairs in file or module order.
using StateDict = std::vector<std::pair<std::string, torch::Tensor>>;

/// Parameters and buffers in PyTorch's state_dict order (per module: own parameters, own buffers,
/// then children), with their dotted names. Tensors share storage with the module.
StateDict state_dict(const torch::nn::Module& module);

/// Number of parameter elements (buffers excluded).
int64_t parameter_count(const torch::nn::Module& module);

/// Copies `entries` into the module's parameters and buffers by name (strict: every module entry
/// present, no extra names, equal shapes; values are cast to the module's dtype and device).
/// `source` names the file in messages. Throws ModelError listing missing, unexpected and
/// mismatched keys.
void load_state_dict(torch::nn::Module& module, const StateDict& entries, const std::string& source);

}  // namespace segoid::model
