// SPDX-License-Identifier: MIT
// libFuzzer target: manifest files (all.csv, train.csv, ...) through data::read_manifest.
#include <cstdint>

#include "fuzz_support.hpp"
#include "segoid/core/error.hpp"
#include "segoid/data/manifest.hpp"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  segoid::fuzz::init_once();
  const auto path = segoid::fuzz::write_scratch("manifest.csv", data, size);
  try {
    const segoid::data::Manifest manifest = segoid::data::read_manifest(path);
    for (const auto& row : manifest.rows) (void)segoid::data::resolve_data_path(row.image_path, "data");
    // A manifest SegOid accepted survives its own rewrite: same images in the same order.
    const auto copy = segoid::fuzz::scratch_dir() / "manifest_copy.csv";
    segoid::data::write_manifest(copy, manifest);
    const segoid::data::Manifest again = segoid::data::read_manifest(copy);
    if (again.rows.size() != manifest.rows.size()) __builtin_trap();
    for (std::size_t i = 0; i < again.rows.size(); ++i) {
      if (again.rows[i].basename != manifest.rows[i].basename || again.rows[i].image_path != manifest.rows[i].image_path ||
          again.rows[i].mask_path != manifest.rows[i].mask_path) {
        __builtin_trap();
      }
    }
  } catch (const segoid::Error&) {
  }
  return 0;
}
