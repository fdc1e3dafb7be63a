// SPDX-License-Identifier: MIT
// The run folder: a unique train_YYYYMMDD_HHMMSS name even for two runs in one second.
#include <gtest/gtest.h>

#include <ctime>

#include "../../src/train/train_run_dir.hpp"
#include "test_support.hpp"

namespace segoid::train {
namespace {

TEST(TrainRunDirTest, RunFoldersAreUniqueWithinOneSecond) {
  namespace fs = std::filesystem;
  test::TempDir dir;
  const std::time_t now = 1765000000;  // an injected clock: both runs start in the same second
  const fs::path a = create_unique_run_dir(dir / "runs", now);
  const fs::path b = create_unique_run_dir(dir / "runs", now);
  EXPECT_NE(a, b);
  EXPECT_EQ(a.filename().string().rfind("train_", 0), 0u);
  // Within one second the second folder gets the suffix _2, the third _3; the next second a new stamp.
  EXPECT_EQ(b.string(), a.string() + "_2");
  EXPECT_EQ(create_unique_run_dir(dir / "runs", now).string(), a.string() + "_3");
  const fs::path next = create_unique_run_dir(dir / "runs", now + 1);
  EXPECT_NE(next.filename().string().rfind(a.filename().string(), 0), 0u) << next;
  EXPECT_EQ(next.filename().string().size(), a.filename().string().size()) << "no suffix on a free stamp";
  // The real clock still works.
  EXPECT_TRUE(fs::is_directory(create_unique_run_dir(dir / "runs")));
}

}  // namespace
}  // namespace segoid::train
