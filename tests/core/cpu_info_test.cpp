// SPDX-License-Identifier: MIT
// CPU model and bf16 flags from /proc/cpuinfo text; the bf16 log line.
#include "segoid/core/cpu_info.hpp"

#include <gtest/gtest.h>

#include <fstream>
#include <sstream>

namespace segoid::core {
namespace {

// An Ice Lake server as /proc/cpuinfo shows it (flags shortened): AVX-512, no bf16, no AMX.
constexpr const char* kIceLake =
    "processor\t: 0\nvendor_id\t: GenuineIntel\nmodel name\t: Intel(R) Xeon(R) Platinum 8375C CPU @ 2.90GHz\n"
    "flags\t\t: fpu sse2 avx avx2 avx512f avx512dq avx512_vnni avx512_bitalg\n\n"
    "processor\t: 1\nmodel name\t: something else\nflags\t\t: avx512_bf16\n";
constexpr const char* kSapphireRapids =
    "model name\t: Intel(R) Xeon(R) Platinum 8480+\nflags\t\t: avx2 avx512f avx512_bf16 amx_bf16 amx_tile\n";
constexpr const char* kEpyc = "model name\t: AMD EPYC 7B13\nflags\t\t: sse2 avx avx2 fma\n";

TEST(CpuInfoTest, ReadsModelAndFlagsOfTheFirstProcessor) {
  const CpuInfo cpu = parse_cpuinfo(kIceLake);
  EXPECT_EQ(cpu.model, "Intel(R) Xeon(R) Platinum 8375C CPU @ 2.90GHz");
  EXPECT_TRUE(cpu.avx2);
  EXPECT_TRUE(cpu.avx512f);
  EXPECT_FALSE(cpu.avx512_bf16) << "the second processor's flags must not count";
  EXPECT_FALSE(cpu.has_bf16());
}

TEST(CpuInfoTest, DetectsBf16Units) {
  const CpuInfo spr = parse_cpuinfo(kSapphireRapids);
  EXPECT_TRUE(spr.avx512_bf16);
  EXPECT_TRUE(spr.amx_bf16);
  EXPECT_TRUE(spr.has_bf16());
  const CpuInfo epyc = parse_cpuinfo(kEpyc);
  EXPECT_TRUE(epyc.avx2);
  EXPECT_FALSE(epyc.avx512f);
  EXPECT_FALSE(epyc.has_bf16());
}

TEST(CpuInfoTest, MissingLinesGiveDefaults) {
  const CpuInfo cpu = parse_cpuinfo("processor : 0\n");
  EXPECT_EQ(cpu.model, "unknown");
  EXPECT_FALSE(cpu.avx2);
}

TEST(CpuInfoTest, Bf16LineSaysWhatTheCpuLacksWithoutError) {
  EXPECT_EQ(bf16_support_line(parse_cpuinfo(kIceLake)), "CPU lacks avx512_bf16 and AMX: no bf16 inference here (float32 only)");
  EXPECT_NE(bf16_support_line(parse_cpuinfo(kSapphireRapids)).find("AMX bf16: --inference-form folded_channels_last_bf16"),
            std::string::npos);
  EXPECT_NE(bf16_support_line(parse_cpuinfo("flags : avx512_bf16\n")).find("avx512_bf16: --inference-form"),
            std::string::npos);
}

TEST(CpuInfoTest, ThisCpuAgreesWithProcCpuinfo) {
  std::ifstream in("/proc/cpuinfo");
  if (!in) GTEST_SKIP() << "no /proc/cpuinfo";
  std::string flags_line;
  for (std::string line; std::getline(in, line);) {
    if (line.rfind("flags", 0) == 0) {
      flags_line = line + " ";
      break;
    }
  }
  const bool bf16 = flags_line.find(" avx512_bf16 ") != std::string::npos ||
                    flags_line.find(" amx_bf16 ") != std::string::npos;
  EXPECT_EQ(this_cpu().has_bf16(), bf16);
  EXPECT_EQ(bf16_support_line(this_cpu()).find("lacks") != std::string::npos, !bf16);
}

}  // namespace
}  // namespace segoid::core
