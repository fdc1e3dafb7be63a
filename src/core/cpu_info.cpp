// SPDX-License-Identifier: MIT
// CPU model and flags from /proc/cpuinfo.
#include "segoid/core/cpu_info.hpp"

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
  std::istringstream in(text);
  for (std::string line; std::getline(in, line) && !(have_model && have_flags);) {
    const auto colon = line.find(':');
    if (colon == std::string::npos) continue;
    const std::string key = trim(line.substr(0, colon));
    const std::string value = trim(line.substr(colon + 1));
    if (key == "model name" && !have_model) {
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
  return cpu;
}

const CpuInfo& this_cpu() {
  static const CpuInfo cpu = [] {
    std::ifstream in("/proc/cpuinfo");
    std::stringstream text;
    text << in.rdbuf();
    return parse_cpuinfo(text.str());
  }();
  return cpu;
}

std::string bf16_support_line(const CpuInfo& cpu) {
  constexpr const char* kOptIn = ": --inference-form folded_channels_last_bf16 can run here (opt-in; auto stays float32)";
  if (cpu.amx_bf16) return std::string("CPU has AMX bf16") + kOptIn;
  if (cpu.avx512_bf16) return std::string("CPU has avx512_bf16") + kOptIn;
  return "CPU lacks avx512_bf16 and AMX: no bf16 inference here (float32 only)";
}

}  // namespace segoid::core
