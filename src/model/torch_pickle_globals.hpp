// SPDX-License-Identifier: MIT
// Internal to torch_pickle.cpp: the Python globals a torch.save file may call, and what they build.
#pragma once

#include <torch/torch.h>

#include <string>

namespace segoid::model::detail {

/// A Python global (class or function) on the unpickler stack, carried as an IValue capsule.
struct PickleGlobal : torch::CustomClassHolder {
  explicit PickleGlobal(std::string qualified) : name(std::move(qualified)) {}
  std::string name;  ///< "module.qualname"
};

/// numpy.dtype object: typestr such as "f8" plus the byte order set by BUILD.
struct NumpyDtype : torch::CustomClassHolder {
  explicit NumpyDtype(std::string type) : typestr(std::move(type)) {}
  std::string typestr;
  char byteorder = '<';
};

/// True for the dict keys a state dict may use and c10's dict can hash: str, int, float, bool.
/// (c10 throws for other keys from inside its hash table, which ends the process.)
bool is_dict_key(const c10::IValue& key);

/// A capsule for GLOBAL module.name.
c10::IValue make_global(const std::string& module, const std::string& name);

/// dtype of a storage class global (torch.FloatStorage, ...) or a dtype global (torch.float32).
c10::ScalarType storage_dtype(const c10::IValue& storage_type, const std::string& source);

/// REDUCE/NEWOBJ: calls a supported global with an args tuple. Throws ModelError naming the global.
c10::IValue call_global(const c10::IValue& callable, const c10::IValue& args, const std::string& source);

/// BUILD: applies pickled state to an object; state of dicts (OrderedDict._metadata) and tensors
/// is dropped, numpy dtypes take their byte order from it.
void build(c10::IValue& object, const c10::IValue& state, const std::string& source);

}  // namespace segoid::model::detail
