// SPDX-License-Identifier: MIT
// The `segoid split` command: outputs, determinism across runs and usage errors.
// CTest label: e2e
#include <gtest/gtest.h>

#include "segoid/core/atomic_file.hpp"
#include "segoid/data/manifest.hpp"
#include "test_support.hpp"

namespace segoid {
namespace {

TEST(CmdMakeSplitsTest, WritesSplitsDeterministically) {
  test::TempDir dir;
  data::Manifest manifest;
  for (int i = 0; i < 12; ++i) {
    data::ManifestRow row;
    row.basename = "w" + std::to_string(i);
    row.image_path = "images/" + row.basename + ".tif";
    row.mask_coverage = 0.01 * i;
    manifest.rows.push_back(row);
  }
  data::write_manifest(dir / "all.csv", manifest);
  const std::string base = test::segoid_binary().string() + " split --manifest '" + (dir / "all.csv").string() +
                           "' --seed 5 --stratify coverage --output-dir ";
  std::string output;
  ASSERT_EQ(test::run_command(base + "'" + (dir / "a").string() + "'", &output), 0) << output;
  ASSERT_EQ(test::run_command(base + "'" + (dir / "b").string() + "'", &output), 0) << output;
  for (const char* name : {"train.csv", "val.csv", "test.csv"}) {
    EXPECT_EQ(core::read_file(dir / "a" / name), core::read_file(dir / "b" / name)) << name;
  }
  EXPECT_TRUE(std::filesystem::exists(dir / "a" / "split_meta.yaml"));
  EXPECT_EQ(test::run_command(base + "x --ratios 0.7,0.2,0.2", &output), 2) << output;
  EXPECT_NE(output.find("sum to 1"), std::string::npos) << output;
  EXPECT_EQ(test::run_command(base + "x --stratify random", &output), 2) << output;

  // The Python SegOid's spelling gives the same split: separate ratio flags and a bare --stratify.
  const std::string python_style = test::segoid_binary().string() + " make_splits --manifest '" +
                                   (dir / "all.csv").string() + "' --seed 5 --train-ratio 0.6 --val-ratio 0.2 " +
                                   "--test-ratio 0.2 --stratify --output-dir '" + (dir / "py").string() + "'";
  ASSERT_EQ(test::run_command(python_style, &output), 0) << output;
  for (const char* name : {"train.csv", "val.csv", "test.csv"}) {
    EXPECT_EQ(core::read_file(dir / "a" / name), core::read_file(dir / "py" / name)) << name;
  }
  const std::string unstratified = test::segoid_binary().string() + " split --manifest '" +
                                   (dir / "all.csv").string() + "' --seed 5 --train-ratio 0.5 --val-ratio 0.25 " +
                                   "--test-ratio 0.25 --output-dir '" + (dir / "halves").string() + "'";
  ASSERT_EQ(test::run_command(unstratified, &output), 0) << output;
  EXPECT_EQ(data::read_manifest(dir / "halves" / "train.csv").rows.size(), 6u);

  // --help names the real default (none), not the value of a bare --stratify.
  ASSERT_EQ(test::run_command(test::segoid_binary().string() + " make_splits --help", &output), 0);
  EXPECT_EQ(output.find("coverage]"), std::string::npos) << output;
  EXPECT_EQ(output.find("=coverage"), std::string::npos) << output;
  EXPECT_NE(output.find("[none]"), std::string::npos) << output;
}

}  // namespace
}  // namespace segoid
