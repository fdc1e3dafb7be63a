// SPDX-License-Identifier: MIT
// AdamW state <-> PyTorch's Optimizer.state_dict() layout.
#include "segoid/model/optimizer_state.hpp"

#include <cmath>
#include <sstream>
#include <unordered_map>

#include "segoid/core/error.hpp"

namespace segoid::model {
namespace {

using torch::optim::AdamW;
using torch::optim::AdamWOptions;
using torch::optim::AdamWParamState;

std::string state_key(const torch::Tensor& p) { return c10::guts::to_string(p.unsafeGetTensorImpl()); }

c10::impl::GenericDict string_dict() { return c10::impl::GenericDict(c10::StringType::get(), c10::AnyType::get()); }

[[noreturn]] void fail(const std::string& source, const std::string& what) {
  throw ModelError("cannot restore the optimizer from \"" + source + "\": " + what);
}

const c10::IValue& entry(const c10::IValue& dict, const char* key, const std::string& source) {
  if (!dict.isGenericDict()) fail(source, std::string("expected a dict holding '") + key + "'");
  const auto d = dict.toGenericDict();
  const auto it = d.find(c10::IValue(std::string(key)));
  if (it == d.end()) fail(source, std::string("no '") + key + "' in the optimizer state");
  return it->value();
}

double number(const c10::IValue& v, const std::string& source, const char* what) {
  if (v.isDouble()) return v.toDouble();
  if (v.isInt()) return static_cast<double>(v.toInt());
  if (v.isBool()) return v.toBool() ? 1.0 : 0.0;
  if (v.isTensor() && v.toTensor().numel() == 1) return v.toTensor().item<double>();
  fail(source, std::string(what) + " is not a number");
}

std::vector<c10::IValue> items(const c10::IValue& v, const std::string& source, const char* what) {
  if (v.isList()) return v.toListRef().vec();
  if (v.isTuple()) return v.toTupleRef().elements().vec();
  fail(source, std::string(what) + " is not a list");
}

/// A copy of `saved` with `p`'s dtype, device and memory layout.
torch::Tensor like(const torch::Tensor& p, const c10::IValue& saved, const std::string& source, const char* what) {
  if (!saved.isTensor()) fail(source, std::string(what) + " is not a tensor");
  const torch::Tensor& t = saved.toTensor();
  if (t.sizes() != p.sizes()) {
    std::ostringstream message;
    message << what << " has shape " << t.sizes() << ", its parameter " << p.sizes();
    fail(source, message.str());
  }
  return torch::empty_like(p).copy_(t);
}

void restore_options(AdamWOptions& options, const c10::IValue& group, const std::string& source) {
  options.lr(number(entry(group, "lr", source), source, "lr"));
  const std::vector<c10::IValue> betas = items(entry(group, "betas", source), source, "betas");
  if (betas.size() != 2) fail(source, "betas holds " + std::to_string(betas.size()) + " values, expected 2");
  options.betas({number(betas[0], source, "betas"), number(betas[1], source, "betas")});
  options.eps(number(entry(group, "eps", source), source, "eps"));
  options.weight_decay(number(entry(group, "weight_decay", source), source, "weight_decay"));
  const auto d = group.toGenericDict();
  const auto amsgrad = d.find(c10::IValue(std::string("amsgrad")));
  options.amsgrad(amsgrad != d.end() && number(amsgrad->value(), source, "amsgrad") != 0.0);
}

}  // namespace

c10::IValue adamw_state_dict(const AdamW& optimizer) {
  c10::impl::GenericDict state(c10::IntType::get(), c10::AnyType::get());
  c10::impl::GenericList groups(c10::AnyType::get());
  int64_t index = 0;
  for (const auto& group : optimizer.param_groups()) {
    const auto& options = static_cast<const AdamWOptions&>(group.options());
    c10::impl::GenericList ids(c10::AnyType::get());
    for (const auto& p : group.params()) {
      const auto it = optimizer.state().find(state_key(p));
      if (it != optimizer.state().end()) {
        const auto& s = static_cast<const AdamWParamState&>(*it->second);
        c10::impl::GenericDict one = string_dict();
        one.insert(std::string("step"), torch::tensor(static_cast<float>(s.step())));
        one.insert(std::string("exp_avg"), s.exp_avg().detach().to(torch::kCPU).contiguous());
        one.insert(std::string("exp_avg_sq"), s.exp_avg_sq().detach().to(torch::kCPU).contiguous());
        if (s.max_exp_avg_sq().defined()) {
          one.insert(std::string("max_exp_avg_sq"), s.max_exp_avg_sq().detach().to(torch::kCPU).contiguous());
        }
        state.insert(index, one);
      }
      ids.push_back(index++);
    }
    c10::impl::GenericDict g = string_dict();
    g.insert(std::string("lr"), options.lr());
    g.insert(std::string("betas"), c10::ivalue::Tuple::create({std::get<0>(options.betas()), std::get<1>(options.betas())}));
    g.insert(std::string("eps"), options.eps());
    g.insert(std::string("weight_decay"), options.weight_decay());
    g.insert(std::string("amsgrad"), options.amsgrad());
    g.insert(std::string("maximize"), false);
    g.insert(std::string("foreach"), c10::IValue());
    g.insert(std::string("capturable"), false);
    g.insert(std::string("params"), ids);
    groups.push_back(g);
  }
  c10::impl::GenericDict root = string_dict();
  root.insert(std::string("state"), state);
  root.insert(std::string("param_groups"), groups);
  return root;
}

void load_adamw_state_dict(AdamW& optimizer, const c10::IValue& state_dict, const std::vector<std::string>& saved_names,
                           const std::vector<std::string>& names, const std::string& source) {
  const std::vector<c10::IValue> groups = items(entry(state_dict, "param_groups", source), source, "param_groups");
  if (groups.size() != optimizer.param_groups().size()) {
    fail(source, "it has " + std::to_string(groups.size()) + " parameter groups, this optimizer " +
                     std::to_string(optimizer.param_groups().size()));
  }
  std::vector<int64_t> saved_ids;
  std::vector<torch::Tensor> params;
  for (size_t g = 0; g < groups.size(); ++g) {
    for (const auto& id : items(entry(groups[g], "params", source), source, "params")) {
      if (!id.isInt()) fail(source, "a parameter id is not an integer");
      saved_ids.push_back(id.toInt());
    }
    for (const auto& p : optimizer.param_groups()[g].params()) params.push_back(p);
    if (saved_ids.size() != params.size()) {
      fail(source, "it holds " + std::to_string(saved_ids.size()) + " parameters, the model " +
                       std::to_string(params.size()));
    }
  }
  // Saved position k -> our parameter: by name when both orders are known, else by position.
  const bool by_name = saved_names.size() == params.size() && names.size() == params.size();
  std::unordered_map<std::string, size_t> position;
  for (size_t j = 0; j < names.size(); ++j) position.emplace(names[j], j);
  std::unordered_map<int64_t, torch::Tensor> param_of_id;
  for (size_t k = 0; k < saved_ids.size(); ++k) {
    size_t j = k;
    if (by_name) {
      const auto it = position.find(saved_names[k]);
      if (it == position.end()) fail(source, "its parameter '" + saved_names[k] + "' is not in this model");
      j = it->second;
    }
    param_of_id[saved_ids[k]] = params[j];
  }
  for (size_t g = 0; g < groups.size(); ++g) {
    restore_options(static_cast<AdamWOptions&>(optimizer.param_groups()[g].options()), groups[g], source);
  }
  const c10::IValue& state = entry(state_dict, "state", source);
  if (!state.isGenericDict()) fail(source, "'state' is not a dict");
  optimizer.state().clear();
  for (const auto& item : state.toGenericDict()) {
    if (!item.key().isInt()) fail(source, "a state key is not a parameter index");
    const auto target = param_of_id.find(item.key().toInt());
    if (target == param_of_id.end()) fail(source, "state for unknown parameter " + std::to_string(item.key().toInt()));
    const torch::Tensor& p = target->second;
    const std::string what = "parameter " + std::to_string(item.key().toInt());
    auto s = std::make_unique<AdamWParamState>();
    const double step = number(entry(item.value(), "step", source), source, "step");
    if (!(step >= 0) || step != std::floor(step)) fail(source, what + " has step " + std::to_string(step));
    s->step(static_cast<int64_t>(step));
    s->exp_avg(like(p, entry(item.value(), "exp_avg", source), source, "exp_avg"));
    s->exp_avg_sq(like(p, entry(item.value(), "exp_avg_sq", source), source, "exp_avg_sq"));
    const auto d = item.value().toGenericDict();
    const auto max_sq = d.find(c10::IValue(std::string("max_exp_avg_sq")));
    if (max_sq != d.end()) s->max_exp_avg_sq(like(p, max_sq->value(), source, "max_exp_avg_sq"));
    optimizer.state()[state_key(p)] = std::move(s);
  }
}

}  // namespace segoid::model
