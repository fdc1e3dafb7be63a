// SPDX-License-Identifier: MIT
// Tests for atomic writes: the target appears complete or not at all.
#include "segoid/core/atomic_file.hpp"

#include <gtest/gtest.h>

#include "segoid/core/error.hpp"
#include "test_support.hpp"

namespace segoid::core {
namespace fs = std::filesystem;

TEST(AtomicFileTest, CommitReplacesTargetAndLeavesNoTemp) {
  test::TempDir dir;
  const fs::path target = dir / "sub/out.txt";
  write_file_atomic(target, "old");
  write_file_atomic(target, "new content");
  EXPECT_EQ(read_file(target), "new content");
  int files = 0;
  for (const auto& entry : fs::directory_iterator(target.parent_path())) {
    (void)entry;
    ++files;
  }
  EXPECT_EQ(files, 1);
}

TEST(AtomicFileTest, UncommittedWriteLeavesTargetUntouched) {
  test::TempDir dir;
  const fs::path target = dir / "keep.txt";
  write_file_atomic(target, "original");
  {
    AtomicFile file(target);
    file.stream() << "half-written";
    // Destroyed without commit, as when an exception unwinds.
  }
  EXPECT_EQ(read_file(target), "original");
  EXPECT_FALSE(fs::exists(fs::path(target.string() + ".tmp")));
}

TEST(AtomicFileTest, ReadMissingFileNamesIt) {
  test::TempDir dir;
  try {
    read_file(dir / "absent.csv");
    FAIL() << "expected IoError";
  } catch (const IoError& e) {
    EXPECT_NE(std::string(e.what()).find("absent.csv"), std::string::npos);
    EXPECT_NE(std::string(e.what()).find("no such file"), std::string::npos);
  }
}

TEST(ErrorTest, ExitCodesPerType) {
  EXPECT_EQ(exit_code_for(ConfigError("x")), 2);
  EXPECT_EQ(exit_code_for(IoError("x")), 3);
  EXPECT_EQ(exit_code_for(DataError("x")), 4);
  EXPECT_EQ(exit_code_for(ModelError("x")), 5);
  EXPECT_EQ(exit_code_for(std::runtime_error("x")), 1);
}

}  // namespace segoid::core
