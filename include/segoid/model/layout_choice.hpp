// SPDX-License-Identifier: MIT
// Training memory layout (contiguous or channels_last), chosen by a short measurement per machine.
#pragma once

#include <filesystem>
#include <map>
#include <string>

#include "segoid/model/unet.hpp"

namespace segoid::model {

inline constexpr const char* kContiguous = "contiguous";
inline constexpr const char* kChannelsLast = "channels_last";

/// LibTorch's version, "1.13.1".
std::string torch_version();

/// A speed choice and where it came from.
struct SpeedChoice {
  std::string choice;  ///< e.g. "channels_last"
  /// "forced" (config or flag), "measured", "cached" (an earlier measurement on this machine),
  /// "resumed" (recorded in the checkpoint), "device" (not measured off the CPU).
  std::string source;
  std::map<std::string, double> rates;  ///< measured units per second, when measured or cached
  /// "channels_last (measured: contiguous 2.57 patches/s, channels_last 2.13 patches/s)".
  std::string describe(const std::string& unit) const;
};

/// What to train in: `requested` "contiguous" | "channels_last" is forced; "auto" looks up
/// `cache_dir`/choices.json for this CPU, thread count, LibTorch version and probe shape and
/// otherwise measures (a few forward/backward steps of a fresh `options` Unet per layout, about
/// a second or two) and stores the winner. Off the CPU it returns "contiguous" (source "device").
/// An empty cache_dir measures every time. Throws ConfigError for another word.
SpeedChoice choose_training_layout(const std::string& requested, const UnetOptions& options, int patch_size,
                                   int batch_size, int threads, bool on_cpu, const std::filesystem::path& cache_dir);

/// Training patches per second (forward and backward of a batch of 2 patches of
/// min(patch_size, 128)² px; `batch_size` is not used yet) of each layout, best of a few
/// interleaved rounds after a warm-up. Uses (and changes) torch's
/// global random generator for the throw-away model: seed after calling it.
std::map<std::string, double> measure_training_layouts(const UnetOptions& options, int patch_size, int batch_size);

/// Puts every 4-D weight of `unet` in `layout` ("channels_last" or "contiguous"), in place: the
/// tensors keep their identity, so an optimizer's parameter groups and state still match.
void set_weight_layout(Unet& unet, const std::string& layout);

/// `tensor` (4-D) copied into `layout`; to() rather than contiguous(), since a 1-channel NCHW
/// tensor already counts as channels_last-contiguous and contiguous() would not copy it.
torch::Tensor to_layout(const torch::Tensor& tensor, const std::string& layout);

}  // namespace segoid::model
