// SPDX-License-Identifier: MIT
// libFuzzer target: the unpickler alone on raw data.pkl programs; every storage record it asks for
// is a 64-byte buffer, so the pickle layer is explored without zip framing.
#include <cstdint>
#include <cstring>
#include <string>

#include "fuzz_support.hpp"
#include "segoid/core/error.hpp"
#include "segoid/model/torch_pickle.hpp"

namespace {
constexpr std::size_t kStorageBytes = 64;
}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  segoid::fuzz::init_once();
  const segoid::model::PickleRecordLoader load = [](const std::string&) {
    at::DataPtr bytes = at::getCPUAllocator()->allocate(kStorageBytes);
    std::memset(bytes.get(), 1, kStorageBytes);
    return std::make_tuple(std::move(bytes), std::size_t{kStorageBytes});
  };
  try {
    const c10::IValue root = segoid::model::unpickle(reinterpret_cast<const char*>(data), size, load, "fuzz.pkl");
    if (root.isGenericDict()) {
      for (const auto& [name, tensor] : segoid::model::state_dict_from_value(root, "fuzz.pkl")) {
        (void)tensor.sum().item<double>();
      }
    }
  } catch (const segoid::Error&) {
  }
  return 0;
}
