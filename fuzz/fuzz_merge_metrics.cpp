// SPDX-License-Identifier: MIT
// libFuzzer target: merge_metrics over fuzzed tables. The input is split at lines "=====" into up to
// four files: two pixel_metrics shards, an instance_eval table and an all_objects table.
#include <cstdint>
#include <filesystem>
#include <string>

#include "fuzz_support.hpp"
#include "segoid/analysis/merge_metrics.hpp"
#include "segoid/core/error.hpp"

namespace fs = std::filesystem;

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  segoid::fuzz::init_once();
  static const char* kNames[] = {"a/pixel_metrics.shard-1-of-2.csv", "b/pixel_metrics.shard-2-of-2.csv",
                                 "a/instance_eval.csv", "b/all_objects.csv"};
  const fs::path root = segoid::fuzz::scratch_dir() / "merge";
  std::error_code ec;
  fs::remove_all(root, ec);
  fs::create_directories(root / "a");
  fs::create_directories(root / "b");
  const std::string text(reinterpret_cast<const char*>(data), size);
  std::size_t start = 0;
  for (const char* name : kNames) {
    if (start > text.size()) break;
    std::size_t end = text.find("\n=====\n", start);
    if (end == std::string::npos) end = text.size();
    const std::string part = text.substr(start, end - start);
    segoid::fuzz::write_scratch(std::string("merge/") + name, reinterpret_cast<const std::uint8_t*>(part.data()),
                                part.size());
    start = end + 7;
  }
  segoid::analysis::MergeConfig config;
  config.inputs = {root / "a", root / "b"};
  config.output_dir = root / "out";
  try {
    const segoid::analysis::MergeResult result = segoid::analysis::merge_metrics(config);
    (void)segoid::analysis::format_merge_result(result, config);
  } catch (const segoid::Error&) {
  }
  return 0;
}
