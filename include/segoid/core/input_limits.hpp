// SPDX-License-Identifier: MIT
// Limits on what an input file may claim, checked before anything is allocated for it.
#pragma once

#include <cstdint>

namespace segoid::core {

/// Upper bounds for untrusted headers (image sizes, archive records, pickles). A file that claims
/// more is refused with an error naming the file, the claim and the limit, before allocation.
/// Process-wide: the defaults suit any microscope image and checkpoint; `segoid` sets them once
/// from its global flags (--max-image-pixels, --max-record-mb) before running a command.
struct InputLimits {
  /// Largest image (width x height x samples per pixel) decoded; 2^30 = a 32768 x 32768 plate.
  std::uint64_t max_image_pixels = std::uint64_t{1} << 30;
  /// Largest record (data.pkl, one tensor storage) read from a torch.save zip archive: 8 GiB.
  std::uint64_t max_record_bytes = std::uint64_t{8} << 30;
  /// Deepest nesting of lists/dicts/tuples a pickle may build (state dicts nest 3-4 deep).
  int max_pickle_depth = 200;
  /// Most memo entries a pickle may store (a ResNet state dict uses about 1000).
  std::uint64_t max_pickle_memo = std::uint64_t{1} << 20;
};

/// The limits in force (defaults until set_input_limits is called).
const InputLimits& input_limits();

/// Replaces the limits; call before any reading starts (not synchronised with readers).
void set_input_limits(const InputLimits& limits);

}  // namespace segoid::core
