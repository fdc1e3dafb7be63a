// SPDX-License-Identifier: MIT
// What travels with the pixels from io to analysis: where they came from and what they were.
#pragma once

#include <filesystem>
#include <string>

namespace segoid::io {

/// Description of an image as read from disk.
struct ImageMeta {
  std::filesystem::path path;    ///< source file
  int width = 0;                 ///< pixels
  int height = 0;                ///< pixels
  int channels = 1;              ///< samples per pixel in the file (1 gray, 3 RGB, 4 RGBA)
  int bits_per_sample = 8;       ///< 8, 16 or 32
  bool is_float = false;         ///< IEEE float samples (SAMPLEFORMAT_IEEEFP)
  int pages = 1;                 ///< pages/directories in the file; only the first is read
  double pixel_size_um = 0.0;    ///< µm per pixel from the file's resolution tags; 0 when unknown
};

}  // namespace segoid::io
