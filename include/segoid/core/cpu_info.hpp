// SPDX-License-Identifier: MIT
// What the CPU is: model name and the vector-unit flags that speed choices depend on.
#pragma once

#include <string>
#include <vector>

namespace segoid::core {

/// The CPU as /proc/cpuinfo describes it (first processor).
struct CpuInfo {
  std::string model = "unknown";  ///< "model name", e.g. "AMD EPYC 7B13"
  bool avx2 = false;
  bool avx512f = false;
  bool avx512_bf16 = false;  ///< AVX-512 bfloat16 dot products (Cooper Lake, Zen 4, Sapphire Rapids)
  bool amx_bf16 = false;     ///< AMX tiles with bfloat16 (Sapphire Rapids and later)
  int logical_cpus = 0;      ///< "processor" entries; 0 when unknown
  /// Distinct (physical id, core id) pairs: fewer than logical_cpus with SMT (hyper-threading);
  /// logical_cpus when the file does not say; 0 when unknown.
  int physical_cores = 0;
  /// True when bfloat16 matrix products run in hardware (avx512_bf16 or amx_bf16).
  bool has_bf16() const { return avx512_bf16 || amx_bf16; }
};

/// Parses /proc/cpuinfo text: the first "model name" and "flags" lines, and the processor and core
/// counts. Missing lines leave the defaults ("unknown", no flags, 0).
CpuInfo parse_cpuinfo(const std::string& text);

/// This machine's CPU (reads /proc/cpuinfo, or the file $SEGOID_CPUINFO names; defaults when it
/// cannot be read).
const CpuInfo& this_cpu();

/// Intra-op thread counts worth timing when the user leaves the count to SegOid: all
/// `hardware_threads` (what runs by default), and one per physical core where SMT gives each core
/// two or more threads (convolutions that fill a core's vector units often run faster without its
/// sibling). One entry means nothing to measure.
std::vector<int> thread_candidates(const CpuInfo& cpu, int hardware_threads);

/// The line to log about bfloat16: which unit could run the opt-in bf16 form, or that the CPU
/// lacks both.
std::string bf16_support_line(const CpuInfo& cpu);

}  // namespace segoid::core
