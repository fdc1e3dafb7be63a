// SPDX-License-Identifier: MIT
// What the CPU is: model name and the vector-unit flags that speed choices depend on.
#pragma once

#include <string>

namespace segoid::core {

/// The CPU as /proc/cpuinfo describes it (first processor).
struct CpuInfo {
  std::string model = "unknown";  ///< "model name", e.g. "AMD EPYC 7B13"
  bool avx2 = false;
  bool avx512f = false;
  bool avx512_bf16 = false;  ///< AVX-512 bfloat16 dot products (Cooper Lake, Zen 4, Sapphire Rapids)
  bool amx_bf16 = false;     ///< AMX tiles with bfloat16 (Sapphire Rapids and later)
  /// True when bfloat16 matrix products run in hardware (avx512_bf16 or amx_bf16).
  bool has_bf16() const { return avx512_bf16 || amx_bf16; }
};

/// Parses /proc/cpuinfo text: the first "model name" and "flags" lines. Missing lines leave the
/// defaults ("unknown", no flags).
CpuInfo parse_cpuinfo(const std::string& text);

/// This machine's CPU (reads /proc/cpuinfo; defaults when it cannot be read).
const CpuInfo& this_cpu();

/// The line to log about bfloat16: which unit could run the opt-in bf16 form, or that the CPU
/// lacks both.
std::string bf16_support_line(const CpuInfo& cpu);

}  // namespace segoid::core
