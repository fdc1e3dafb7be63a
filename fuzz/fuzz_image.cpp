// SPDX-License-Identifier: MIT
// libFuzzer target: PNG, JPEG and BMP bytes through the image reader (OpenCV behind SegOid's checks).
#include <cstdint>

#include "fuzz_support.hpp"
#include "segoid/core/error.hpp"
#include "segoid/io/image_io.hpp"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  segoid::fuzz::init_once();
  // TIFF has its own target; here the first bytes pick the OpenCV path by content, as read_image does.
  if (size >= 2 && ((data[0] == 'I' && data[1] == 'I') || (data[0] == 'M' && data[1] == 'M'))) return 0;
  const auto path = segoid::fuzz::write_scratch("input.img", data, size);
  try {
    const segoid::io::Image image = segoid::io::read_image(path);
    if (image.pixels.channels() != 1) __builtin_trap();
  } catch (const segoid::Error&) {
  }
  return 0;
}
