// SPDX-License-Identifier: MIT
// CPU model and flags from /proc/cpuinfo.
#include "segoid/core/cpu_info.hpp"

#include <cstdlib>
#include <fstream>
#include <set>
#include <sstream>

namespace segoid::core {
namespace {

std::string trim(const std::string& text) {
  const auto begin = text.find_first_not_of(" \t");
  const auto end = text.find_last_not_of(" \t\r");
  return begin == std::string::npos ? "" : text.substr(begin, end - begin + 1);
}

}  // namespace

CpuInfo parse_cpuinfo(const std::string& text) {
  CpuInfo cpu;
  bool have_model = false;
  bool have_flags = false;
  std::set<std::pair<std::string, std::string>> cores;  // (physical id, core id)
  std::string physical_id;
  std::istringstream in(text);
  for (std::string line; std::getline(in, line);) {
    const auto colon = line.find(':');
    if (colon == std::string::npos) continue;
    const std::string key = trim(line.substr(0, colon));
    const std::string value = trim(line.substr(colon + 1));
    if (key == "processor") {
      ++cpu.logical_cpus;
      physical_id.clear();
    } else if (key == "physical id") {
      physical_id = value;
    } else if (key == "core id") {
      cores.emplace(physical_id, value);
    } else if (key == "model name" && !have_model) {
      have_model = true;
      if (!value.empty()) cpu.model = value;
    } else if (key == "flags" && !have_flags) {
      have_flags = true;
      std::istringstream words(value);
      std::set<std::string> flags;
      for (std::string word; words >> word;) flags.insert(word);
      cpu.avx2 = flags.count("avx2") > 0;
      cpu.avx512f = flags.count("avx512f") > 0;
      cpu.avx512_bf16 = flags.count("avx512_bf16") > 0;
      cpu.amx_bf16 = flags.count("amx_bf16") > 0;
    }
  }
  cpu.physical_cores = cores.empty() ? cpu.logical_cpus : static_cast<int>(cores.size());
  return cpu;
}

std::vector<int> thread_candidates(const CpuInfo& cpu, int hardware_threads) {
  std::vector<int> candidates{hardware_threads};
  // Only where this process sees every logical CPU of the file: a container's share says nothing
  // about which of its CPUs are siblings.
  if (cpu.logical_cpus == hardware_threads && cpu.physical_cores > 0 && cpu.physical_cores < hardware_threads) {
    candidates.push_back(cpu.physical_cores);
  }
  return candidates;
}

const CpuInfo& this_cpu() {
  static const CpuInfo cpu = [] {
    // SEGOID_CPUINFO: another description in /proc/cpuinfo's format, so that a test can run the
    // paths of a CPU it is not on (SMT).
    const char* other = std::getenv("SEGOID_CPUINFO");
    std::ifstream in(other != nullptr && *other != '\0' ? other : "/proc/cpuinfo");
    std::stringstream text;
    text << in.rdbuf();
    return parse_cpuinfo(text.str());
  }();
  return cpu;
}

std::string bf16_support_line(const CpuInfo& cpu) {
  constexpr const char* kOptIn =
      ": --inference-form folded_channels_last_bf16 can run here (opt-in; auto does not pick bf16)";
  if (cpu.amx_bf16) return std::string("CPU has AMX bf16") + kOptIn;
  if (cpu.avx512_bf16) return std::string("CPU has avx512_bf16") + kOptIn;
  return "CPU lacks avx512_bf16 and AMX: no bf16 inference here (float32 only)";
}

}  // namespace segoid::core
