// SPDX-License-Identifier: MIT
// CPU model, bf16 flags and core counts from /proc/cpuinfo text; the bf16 log line; the thread
// counts worth timing.
#include "segoid/core/cpu_info.hpp"

#include <gtest/gtest.h>

#include <fstream>
#include <sstream>

#include "test_support.hpp"

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

/// /proc/cpuinfo of one socket with `cores` cores of `per_core` threads each (the kernel numbers
/// the first thread of every core, then the second).
std::string cpuinfo_text(int cores, int per_core, bool with_core_ids = true) {
  std::string text;
  for (int t = 0; t < per_core; ++t) {
    for (int c = 0; c < cores; ++c) {
      text += "processor\t: " + std::to_string(t * cores + c) + "\nmodel name\t: AMD Ryzen 7 5800U\n";
      if (with_core_ids) text += "physical id\t: 0\ncore id\t\t: " + std::to_string(c) + "\n";
      text += "flags\t\t: avx2\n\n";
    }
  }
  return text;
}

TEST(CpuInfoTest, CountsLogicalCpusAndPhysicalCores) {
  const CpuInfo smt = parse_cpuinfo(cpuinfo_text(8, 2));
  EXPECT_EQ(smt.logical_cpus, 16);
  EXPECT_EQ(smt.physical_cores, 8);
  const CpuInfo plain = parse_cpuinfo(cpuinfo_text(2, 1));
  EXPECT_EQ(plain.logical_cpus, 2);
  EXPECT_EQ(plain.physical_cores, 2);
  // Two sockets reuse core ids: cores are (physical id, core id) pairs.
  const CpuInfo two_sockets = parse_cpuinfo(
      "processor : 0\nphysical id : 0\ncore id : 0\nprocessor : 1\nphysical id : 1\ncore id : 0\n");
  EXPECT_EQ(two_sockets.physical_cores, 2);
  EXPECT_EQ(parse_cpuinfo(cpuinfo_text(4, 2, /*with_core_ids=*/false)).physical_cores, 8) << "unknown: as logical";
  EXPECT_EQ(parse_cpuinfo("").physical_cores, 0);
}

TEST(CpuInfoTest, ThreadCandidatesAddOnePerCoreOnlyWithSmt) {
  EXPECT_EQ(thread_candidates(parse_cpuinfo(cpuinfo_text(8, 2)), 16), (std::vector<int>{16, 8}));
  EXPECT_EQ(thread_candidates(parse_cpuinfo(cpuinfo_text(2, 1)), 2), (std::vector<int>{2}));
  // A container given 4 of the host's 16 CPUs: which are siblings is unknown, so nothing to time.
  EXPECT_EQ(thread_candidates(parse_cpuinfo(cpuinfo_text(8, 2)), 4), (std::vector<int>{4}));
  EXPECT_EQ(thread_candidates(CpuInfo{}, 3), (std::vector<int>{3}));
}

// lscpu (util-linux) counts this machine's cores its own way: the parse must agree.
TEST(CpuInfoTest, CoreCountsAgreeWithLscpu) {
  std::string cores;
  std::string cpus;
  if (test::run_command("lscpu -p=Core,Socket | grep -v '^#' | sort -u | wc -l", &cores) != 0 ||
      test::run_command("lscpu -p=CPU | grep -vc '^#'", &cpus) != 0) {
    GTEST_SKIP() << "no lscpu";
  }
  EXPECT_EQ(this_cpu().physical_cores, std::stoi(cores));
  EXPECT_EQ(this_cpu().logical_cpus, std::stoi(cpus));
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
