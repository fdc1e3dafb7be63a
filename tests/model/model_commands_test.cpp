// SPDX-License-Identifier: MIT
// The checkpoint commands through the binary: model_info (text, JSON, a missing file), and
// import_checkpoint / export_checkpoint of a Python checkpoint.
// CTest label: e2e
#include <gtest/gtest.h>
#include <nlohmann/json.hpp>

#include "child_checkpoint.hpp"
#include "python_fixtures.hpp"
#include "segoid/model/checkpoint.hpp"
#include "test_support.hpp"

namespace segoid::model {
namespace {
namespace fs = std::filesystem;

TEST(ModelInfoTest, CommandPrintsTextAndJsonAndNamesAMissingFile) {
  test::TempDir dir;
  const fs::path path = test::write_child_checkpoint(dir.path());
  const std::string binary = "'" + test::segoid_binary().string() + "' model_info ";
  std::string output;
  ASSERT_EQ(test::run_command(binary + "'" + path.string() + "'", &output), 0) << output;
  EXPECT_NE(output.find("parents"), std::string::npos) << output;
  EXPECT_NE(output.find("data/splits/train.csv"), std::string::npos) << output;
  ASSERT_EQ(test::run_command(binary + "'" + path.string() + "' --json 2>/dev/null", &output), 0) << output;
  const nlohmann::json j = nlohmann::json::parse(output);
  EXPECT_EQ(j.at("kind"), "segoid");
  EXPECT_EQ(j.at("epochs"), 7);
  EXPECT_EQ(test::run_command(binary + "'" + (dir / "missing.pt").string() + "'", &output), 5);
  EXPECT_NE(output.find("missing.pt"), std::string::npos) << output;
}

TEST(CheckpointCommandsTest, ImportAndExportFromTheCommandLine) {
  if (!segoid::test::has_reference_fixtures()) GTEST_SKIP() << "needs /usr/bin/python3 torch and ../shared/reference";
  segoid::test::TempDir tmp;
  const std::string binary = "'" + segoid::test::segoid_binary().string() + "' ";
  const std::string pt = "'" + (tmp / "imported.pt").string() + "'";
  const std::string pth = "'" + (tmp / "exported.pth").string() + "'";
  std::string output;
  const std::string source = "'" + (segoid::test::torch_fixture_dir() / "python_segoid.pth").string() + "' ";
  ASSERT_EQ(segoid::test::run_command(binary + "import_checkpoint " + source + pt, &output), 0) << output;
  EXPECT_EQ(segoid::test::run_command(binary + "import_checkpoint " + source + pt, &output), 2) << output;
  EXPECT_NE(output.find("--force"), std::string::npos) << output;
  ASSERT_EQ(segoid::test::run_command(binary + "export_checkpoint " + pt + " " + pth, &output), 0) << output;
  EXPECT_EQ(read_checkpoint_info(tmp / "exported.pth").epoch, 10);
  EXPECT_EQ(segoid::test::run_command(binary + "export_checkpoint '" + (tmp / "missing.pt").string() + "' " + pth +
                                          " --force", &output), 5);
  EXPECT_NE(output.find("missing.pt"), std::string::npos) << output;
}

}  // namespace
}  // namespace segoid::model
