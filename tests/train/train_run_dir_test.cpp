// SPDX-License-Identifier: MIT
// The run folder: a unique train_YYYYMMDD_HHMMSS name even for two runs in one second.
#include <gtest/gtest.h>

#include "../../src/train/train_run_dir.hpp"
#include "test_support.hpp"

namespace segoid::train {
namespace {

TEST(TrainRunDirTest, RunFoldersAreUniqueWithinOneSecond) {
  test::TempDir dir;
  const std::filesystem::path a = create_unique_run_dir(dir / "runs");
  const std::filesystem::path b = create_unique_run_dir(dir / "runs");
  EXPECT_NE(a, b);
  EXPECT_EQ(a.filename().string().rfind("train_", 0), 0u);
  // Within one second the second folder gets the suffix _2 (across a second boundary, a new stamp).
  if (b.filename().string().rfind(a.filename().string(), 0) == 0) {
    EXPECT_EQ(b.string(), a.string() + "_2");
  }
}

}  // namespace
}  // namespace segoid::train
