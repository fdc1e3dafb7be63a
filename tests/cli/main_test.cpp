// SPDX-License-Identifier: MIT
// `make install` and the Python SegOid's command names: a link named after an entry point runs
// that command; a name whose command does not exist yet gives a clear error.
// CTest label: e2e
#include <gtest/gtest.h>

#include <filesystem>
#include <sstream>

#include "segoid/core/atomic_file.hpp"
#include "test_support.hpp"

namespace segoid::cli {
namespace {
namespace fs = std::filesystem;

std::vector<std::string> python_names() {
  std::string output;
  EXPECT_EQ(test::run_command(test::segoid_binary().string() + " --python-names", &output), 0);
  std::vector<std::string> names;
  std::istringstream in(output);
  for (std::string name; in >> name;) names.push_back(name);
  return names;
}

std::string without_usage(const std::string& help) {
  std::istringstream in(help);
  std::string kept;
  for (std::string line; std::getline(in, line);) {
    if (line.find("Usage") == std::string::npos) kept += line + "\n";
  }
  return kept;
}

TEST(MainTest, MakeInstallLinksThePythonNames) {
  test::TempDir dir;
  std::string output;
  const fs::path build = test::segoid_binary().parent_path();
  const std::string make = "make -s -C " + test::source_dir().string() + " install BUILD_DIR=" + build.string() +
                           " PREFIX=" + (dir / "prefix").string();
  ASSERT_EQ(test::run_command(make + " 2>&1", &output), 0) << output;
  EXPECT_TRUE(fs::exists(dir / "prefix" / "bin" / "segoid"));
  EXPECT_FALSE(fs::exists(dir / "prefix" / "bin" / "quantify_objects"));  // only on request
  ASSERT_EQ(test::run_command(make + " PYTHON_NAMES=1 2>&1", &output), 0) << output;
  const std::vector<std::string> names = python_names();
  EXPECT_EQ(names.size(), 9u);
  for (const std::string& name : names) {
    EXPECT_TRUE(fs::is_symlink(dir / "prefix" / "bin" / name)) << name;
  }
}

TEST(MainTest, PythonNamesDispatchOnArgvZero) {
  test::TempDir dir;
  for (const std::string& name : python_names()) fs::create_symlink(test::segoid_binary(), dir / name);
  // Each name runs its command exactly as `segoid <name>` does, or, for a command this build
  // lacks, says so and exits 2.
  std::string commands;
  ASSERT_EQ(test::run_command(test::segoid_binary().string() + " --help", &commands), 0);
  for (const std::string& name : python_names()) {
    std::string direct, linked;
    const bool exists = commands.find("\n  " + name + " ") != std::string::npos ||
                        commands.find("\n  " + name + ",") != std::string::npos;
    const int linked_status = test::run_command((dir / name).string() + " --help 2>&1", &linked);
    if (exists) {
      EXPECT_EQ(test::run_command(test::segoid_binary().string() + " " + name + " --help", &direct), 0) << direct;
      EXPECT_EQ(linked_status, 0) << name << ": " << linked;
      // The same options are listed (the usage line names the program, which differs).
      EXPECT_EQ(without_usage(linked), without_usage(direct)) << name;
    } else {
      EXPECT_EQ(linked_status, 2) << name << ": " << linked;
      EXPECT_NE(linked.find("\"" + name + "\" is a Python SegOid command"), std::string::npos) << linked;
    }
  }
  // A real run: the Python command line verbatim, options and all.
  std::string output;
  EXPECT_EQ(test::run_command((dir / "quantify_objects").string() + " --pred-mask-dir " + (dir / "nowhere").string() +
                                  " --output-dir " + (dir / "m").string() + " 2>&1",
                              &output),
            3)
      << output;
  EXPECT_NE(output.find("nowhere"), std::string::npos) << output;
}

// argparse's habits, which the Python SegOid's scripts may rely on: an option given twice takes
// the last value, a unique prefix of a long option stands for it, an ambiguous one is an error.
TEST(MainTest, ArgparseHabitsLastValueAndAbbreviations) {
  test::TempDir dir;
  std::string manifest = "basename,image_path\n";
  for (int i = 0; i < 5; ++i) manifest += "img" + std::to_string(i) + ",images/img" + std::to_string(i) + ".tif\n";
  core::write_file_atomic(dir / "all.csv", manifest);
  const std::string segoid = test::segoid_binary().string();
  std::string output;
  ASSERT_EQ(test::run_command(segoid + " make_splits --manifest " + (dir / "all.csv").string() + " --output-dir " +
                                  (dir / "a").string() + " --seed 1 --seed 7 2>&1",
                              &output),
            0)
      << output;
  EXPECT_NE(core::read_file(dir / "a" / "split_meta.yaml").find("seed: 7"), std::string::npos);
  ASSERT_EQ(test::run_command(segoid + " make_splits --manif " + (dir / "all.csv").string() + " --output-d=" +
                                  (dir / "b").string() + " --se 3 2>&1",
                              &output),
            0)
      << output;
  EXPECT_NE(core::read_file(dir / "b" / "split_meta.yaml").find("seed: 3"), std::string::npos);
  EXPECT_EQ(test::run_command(segoid + " make_splits --manifest " + (dir / "all.csv").string() + " --output-dir " +
                                  (dir / "c").string() + " --s 3 2>&1",
                              &output),
            2);
  EXPECT_NE(output.find("ambiguous option: --s could match --seed, --stratify"), std::string::npos) << output;
  EXPECT_FALSE(fs::exists(dir / "c"));
  // Exact names win over prefixes (--output-dir is also a prefix of nothing else), and an
  // unknown option is still refused.
  EXPECT_EQ(test::run_command(segoid + " make_splits --manifest " + (dir / "all.csv").string() + " --output-dir " +
                                  (dir / "d").string() + " --sead 3 2>&1",
                              &output),
            2);
}

}  // namespace
}  // namespace segoid::cli
