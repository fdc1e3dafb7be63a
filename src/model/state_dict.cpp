// SPDX-License-Identifier: MIT
// State-dict listing and strict loading with complete key reports.
#include "segoid/model/state_dict.hpp"

#include <map>

#include "segoid/core/error.hpp"

namespace segoid::model {
namespace {

constexpr size_t kMaxListedKeys = 8;

/// "a, b, c (+12 more)".
std::string key_list(const std::vector<std::string>& keys) {
  std::string text;
  for (size_t i = 0; i < keys.size() && i < kMaxListedKeys; ++i) text += (i ? ", " : "") + keys[i];
  if (keys.size() > kMaxListedKeys) text += " (+" + std::to_string(keys.size() - kMaxListedKeys) + " more)";
  return text;
}

}  // namespace

StateDict state_dict(const torch::nn::Module& module) {
  StateDict entries;
  for (const auto& item : module.named_modules(/*name_prefix=*/"", /*include_self=*/true)) {
    const std::string prefix = item.key().empty() ? "" : item.key() + ".";
    for (const auto& p : item.value()->named_parameters(/*recurse=*/false)) {
      entries.emplace_back(prefix + p.key(), p.value());
    }
    for (const auto& b : item.value()->named_buffers(/*recurse=*/false)) {
      entries.emplace_back(prefix + b.key(), b.value());
    }
  }
  return entries;
}

int64_t parameter_count(const torch::nn::Module& module) {
  int64_t count = 0;
  for (const auto& p : module.parameters()) count += p.numel();
  return count;
}

void load_state_dict(torch::nn::Module& module, const StateDict& entries, const std::string& source) {
  std::map<std::string, torch::Tensor> given;
  std::vector<std::string> duplicated;
  for (const auto& [name, tensor] : entries) {
    if (!given.emplace(name, tensor).second) duplicated.push_back(name);
  }
  const StateDict targets = state_dict(module);
  std::vector<std::string> missing;
  std::vector<std::string> mismatched;
  std::map<std::string, bool> used;
  for (const auto& [name, target] : targets) {
    const auto it = given.find(name);
    if (it == given.end()) {
      missing.push_back(name);
      continue;
    }
    used[name] = true;
    if (!it->second.defined() || it->second.sizes() != target.sizes()) {
      mismatched.push_back(name + " " + (it->second.defined() ? c10::str(it->second.sizes()) : "undefined") +
                           " vs model " + c10::str(target.sizes()));
    }
  }
  std::vector<std::string> unexpected;
  for (const auto& [name, tensor] : given) {
    if (used.count(name) == 0) unexpected.push_back(name);
  }
  if (!missing.empty() || !unexpected.empty() || !mismatched.empty() || !duplicated.empty()) {
    std::string message = "state dict in \"" + source + "\" does not fit the model:";
    if (!missing.empty()) message += " missing keys [" + key_list(missing) + "];";
    if (!unexpected.empty()) message += " unexpected keys [" + key_list(unexpected) + "];";
    if (!mismatched.empty()) message += " shape mismatches [" + key_list(mismatched) + "];";
    if (!duplicated.empty()) message += " duplicated keys [" + key_list(duplicated) + "];";
    message.pop_back();
    throw ModelError(message);
  }
  torch::NoGradGuard no_grad;
  for (const auto& [name, target] : targets) {
    target.copy_(given.at(name).to(target.device(), target.scalar_type()));
  }
}

}  // namespace segoid::model
