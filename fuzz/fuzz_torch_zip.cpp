// SPDX-License-Identifier: MIT
// libFuzzer target: whole torch.save archives (zip directory checks, PyTorchStreamReader, unpickler)
// and the state-dict walk that import_checkpoint and predict_full do on them.
#include <cstdint>
#include <string>

#include "fuzz_support.hpp"
#include "segoid/core/error.hpp"
#include "segoid/io/zip_directory.hpp"
#include "segoid/model/torch_pickle.hpp"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  segoid::fuzz::init_once();
  const std::string bytes(reinterpret_cast<const char*>(data), size);
  try {
    (void)segoid::io::read_zip_directory(bytes, "fuzz.pth");
  } catch (const segoid::Error&) {
  }
  try {
    const c10::IValue root = segoid::model::read_torch_bytes(bytes, "fuzz.pth");
    if (root.isGenericDict()) {
      for (const auto& [name, tensor] : segoid::model::state_dict_from_value(root, "fuzz.pth")) {
        (void)tensor.sum().item<double>();  // touches every element the view claims
      }
    }
  } catch (const segoid::Error&) {
  }
  return 0;
}
