// SPDX-License-Identifier: MIT
// libFuzzer target: RFC 4180 CSV parsing and its round trip (parse -> format -> parse is stable).
#include <cstdint>
#include <string>

#include "fuzz_support.hpp"
#include "segoid/core/error.hpp"
#include "segoid/io/csv.hpp"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  segoid::fuzz::init_once();
  const std::string text(reinterpret_cast<const char*>(data), size);
  try {
    const segoid::io::CsvTable table = segoid::io::parse_csv(text, "fuzz.csv");
    const segoid::io::CsvTable again = segoid::io::parse_csv(segoid::io::format_csv(table), "fuzz-roundtrip.csv");
    if (again.header != table.header || again.rows != table.rows) __builtin_trap();
  } catch (const segoid::Error&) {
  }
  return 0;
}
