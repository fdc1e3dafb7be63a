// SPDX-License-Identifier: MIT
// libFuzzer target: TIFF bytes through SegOid's libtiff wrapper (header, then full decode).
#include <cstdint>

#include "fuzz_support.hpp"
#include "segoid/core/error.hpp"
#include "segoid/io/image_io.hpp"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  segoid::fuzz::init_once();
  const auto path = segoid::fuzz::write_scratch("input.tif", data, size);
  try {
    const segoid::io::ImageMeta meta = segoid::io::read_image_meta(path);
    const segoid::io::Image image = segoid::io::read_image(path);
    // What a reader promises: one channel of a supported depth, the header's size.
    if (image.pixels.channels() != 1 || image.pixels.cols != meta.width || image.pixels.rows != meta.height) {
      __builtin_trap();
    }
  } catch (const segoid::Error&) {
    // A clear, typed error is the expected outcome for hostile bytes.
  }
  return 0;
}
