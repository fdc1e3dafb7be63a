// SPDX-License-Identifier: MIT
// Private to io/: an owned libtiff handle whose error and warning messages are collected per file.
#pragma once

#include <tiffio.h>

#include <filesystem>
#include <memory>
#include <string>
#include <vector>

#include "segoid/io/image_io.hpp"

namespace segoid::io::detail {

/// libtiff's messages for one open file. libtiff reports through callbacks; collecting them here
/// (instead of libtiff's default print to stderr) lets the IoError carry the real reason.
struct TiffMessages {
  std::vector<std::string> errors;
  std::vector<std::string> warnings;
};

/// RAII owner of a TIFF*. Opening uses TIFFOpenExt with per-handle handlers, so concurrent
/// reads on different threads keep their messages apart.
class TiffHandle {
 public:
  /// Opens `path` with libtiff `mode` ("r", "w", "w8"). Throws IoError naming the file.
  TiffHandle(const std::filesystem::path& path, const char* mode);
  ~TiffHandle();
  TiffHandle(const TiffHandle&) = delete;
  TiffHandle& operator=(const TiffHandle&) = delete;

  TIFF* get() const { return tif_; }
  const TiffMessages& messages() const { return *messages_; }
  /// libtiff errors so far joined by "; ", or `fallback` when there are none.
  std::string error_text(const std::string& fallback) const;
  /// True when libtiff reported any error on this file.
  bool has_errors() const { return !messages_->errors.empty(); }
  /// Closes the file (flushing writes). Returns false when libtiff reported an error.
  bool close();

 private:
  TIFF* tif_ = nullptr;
  std::unique_ptr<TiffMessages> messages_;  // stable address handed to libtiff as user data
  TiffMessages* previous_ = nullptr;
};

/// "cannot read \"<path>\": <problem>" as an IoError.
[[noreturn]] void throw_read_error(const std::filesystem::path& path, const std::string& problem);

/// True when the first bytes are a TIFF or BigTIFF signature (II*, MM*, II+, MM+).
bool has_tiff_signature(const std::filesystem::path& path);

/// Gray from the first three channels by BT.601 luma (0.299 R + 0.587 G + 0.114 B), computed in
/// float and rounded to the input depth; `bgr` says the channel order is B, G, R (OpenCV).
/// OpenCV's cvtColor is not used because its 16-bit fixed-point path is off by up to 1.4 levels.
cv::Mat luma_bt601(const cv::Mat& colour, bool bgr);

/// Why an image of width x height x samples of `bits` each must not be decoded (it exceeds
/// core::input_limits().max_image_pixels), or empty when it may. Called before any allocation.
std::string image_size_problem(std::uint64_t width, std::uint64_t height, std::uint64_t samples, int bits);

/// Reads a TIFF's first page (header only when `header_only`; pixels stay empty then).
Image read_tiff(const std::filesystem::path& path, bool header_only);

}  // namespace segoid::io::detail
