// SPDX-License-Identifier: MIT
// A small unpickler and pickler for `torch.save` zip archives (state dicts, whole checkpoints).
#pragma once

#include <torch/torch.h>

#include <filesystem>
#include <functional>
#include <string>
#include <tuple>

#include "segoid/model/state_dict.hpp"

namespace segoid::model {

/// Reads a `torch.save` file (zip format, any torch >= 1.6) into a generic value, on CPU:
/// dict and collections.OrderedDict -> GenericDict (insertion order kept), list -> GenericList,
/// tuple -> Tuple, int/float/str/bool/None -> Int/Double/String/Bool/None, bytes -> String,
/// tensors and parameters -> Tensor (sharing storages as in the file, offsets and strides kept),
/// numpy scalars -> Int/Double. Covers pickle protocols 2-5 as torch writes them.
/// Throws ModelError naming the file for a missing/legacy/corrupt file, an unknown opcode (named
/// with its byte and offset) or an unsupported global (named module.qualname). Before any record
/// is extracted, the zip directory is checked: a record declaring more than
/// core::input_limits().max_record_bytes, or more than the archive can hold, is refused.
c10::IValue read_torch_file(const std::filesystem::path& path);

/// Same as read_torch_file for an archive held in memory; `source` names it in errors.
c10::IValue read_torch_bytes(const std::string& bytes, const std::string& source);

/// Returns the bytes of archive record `name` ("data/0", ...), as PyTorchStreamReader::getRecord.
using PickleRecordLoader = std::function<std::tuple<at::DataPtr, std::size_t>(const std::string& name)>;

/// The pickle layer alone: runs the pickle program `data` (a data.pkl), fetching tensor storages
/// through `load_record`. Bounded by core::input_limits(): nesting depth, memo entries, tensor
/// elements; recursive (self-referencing) objects are refused. Throws ModelError naming `source`.
c10::IValue unpickle(const char* data, std::size_t size, const PickleRecordLoader& load_record,
                     const std::string& source);

/// The tensors of a state dict in a `torch.save` file, in file order: the top-level (Ordered)dict
/// when `key` is empty, else the (Ordered)dict under top-level `key` (e.g. "model_state_dict").
/// Entries that are not tensors are skipped. Throws ModelError naming the file and key.
StateDict read_state_dict(const std::filesystem::path& path, const std::string& key = "");

/// Tensor entries of a (Ordered)dict value, in order; `what` names it in the error when `value`
/// is no dict with string keys.
StateDict state_dict_from_value(const c10::IValue& value, const std::string& what);

/// A `torch.save` zip archive of `value` (protocol 2) that Python's torch.load opens, calling only
/// globals that torch.load(weights_only=True) allows: dicts (insertion order kept; str/int/float/bool keys), lists, tuples, str,
/// int, float, bool, None and tensors (each written contiguous, on CPU, with its own storage).
/// `what` names the target in errors. Throws ModelError for another value type, IoError when the
/// archive cannot be written.
std::string torch_save_bytes(const c10::IValue& value, const std::string& what);

/// Writes torch_save_bytes(value) to `path` atomically, streaming. Throws IoError naming the file
/// (saying so when the disk is full) or ModelError.
void write_torch_file(const std::filesystem::path& path, const c10::IValue& value);

/// True when `path` is a `torch.save` zip archive written by Python (data.pkl without TorchScript
/// records), as opposed to a LibTorch/TorchScript archive. False for anything unreadable.
bool is_torch_save_archive(const std::filesystem::path& path);

}  // namespace segoid::model
