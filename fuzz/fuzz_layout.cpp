// SPDX-License-Identifier: MIT
// libFuzzer target: plate layout CSVs through analysis::parse_plate_layout (and its well names).
#include <cstdint>
#include <string>

#include "fuzz_support.hpp"
#include "segoid/analysis/plate_layout.hpp"
#include "segoid/core/error.hpp"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  segoid::fuzz::init_once();
  const std::string text(reinterpret_cast<const char*>(data), size);
  try {
    const segoid::analysis::PlateLayout layout = segoid::analysis::parse_plate_layout(text, "fuzz.csv");
    // An accepted layout: a standard format, and every well found again with all its values.
    if (layout.format.wells != 96 && layout.format.wells != 384 && layout.format.wells != 1536) __builtin_trap();
    for (const auto& [key, values] : layout.wells) {
      if (values.size() != layout.columns.size() || layout.find(key.first, key.second) != &values) __builtin_trap();
    }
  } catch (const segoid::Error&) {
  }
  return 0;
}
