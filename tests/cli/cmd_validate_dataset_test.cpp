// SPDX-License-Identifier: MIT
// The `segoid validate` command: exit codes and the console summary.
// CTest label: e2e
#include <gtest/gtest.h>

#include <regex>

#include "data/planted_dataset.hpp"
#include "segoid/core/atomic_file.hpp"
#include "test_support.hpp"

namespace segoid {
namespace {

std::string quoted(const std::filesystem::path& p) { return "'" + p.string() + "'"; }

TEST(CmdValidateDatasetTest, PlantedFaultsExitOneAndSummaryHasCounts) {
  test::TempDir dir;
  test::write_planted_dataset(dir / "working");
  core::write_file_atomic(dir / "confirmed.txt", "# checked by eye\nempty_confirmed\n\n");
  std::string output;
  const int code = test::run_command(test::segoid_binary().string() + " validate --input-dir " +
                                         quoted(dir / "working") + " --output-dir " + quoted(dir / "splits") +
                                         " --confirm-empty-list " + quoted(dir / "confirmed.txt"),
                                     &output);
  EXPECT_EQ(code, 1) << output;
  EXPECT_TRUE(std::regex_search(output, std::regex(R"(passed\s+5\s+\(incl\. 1 confirmed empty\))"))) << output;
  EXPECT_TRUE(std::regex_search(output, std::regex(R"(failed\s+4\n)"))) << output;  // images; orphan apart
  EXPECT_TRUE(std::regex_search(output, std::regex(R"(flagged\s+1)"))) << output;
  EXPECT_TRUE(std::regex_search(output, std::regex(R"(orphan masks\s+1)"))) << output;
  EXPECT_NE(output.find("recommended patch"), std::string::npos) << output;
  EXPECT_TRUE(std::regex_search(output, std::regex(R"(FAIL  size_mismatch +size mismatch)"))) << output;
  EXPECT_TRUE(std::filesystem::exists(dir / "splits" / "qc_report.csv"));
}

TEST(CmdValidateDatasetTest, CleanFolderAndUnconfirmedEmptyMaskExitZeroUsageErrorsTwo) {
  test::TempDir dir;
  const cv::Mat mask = test::disc_mask({30, 20}, 10);
  io::write_gray_tiff(dir / "w" / "images" / "a.tif", test::planted_image(mask));
  io::write_mask_tiff(dir / "w" / "masks" / "a_mask.tif", mask);
  std::string output;
  EXPECT_EQ(test::run_command(test::segoid_binary().string() + " validate_dataset --input-dir " + quoted(dir / "w") +
                                  " --output-dir " + quoted(dir / "out"),
                              &output),
            0)
      << output;
  // As the Python SegOid: an empty mask nobody confirmed is a warning, not a failure (exit 0),
  // and the image stays in all.csv with empty_confirmed False.
  const cv::Mat empty = cv::Mat::zeros(mask.size(), CV_8UC1);
  io::write_gray_tiff(dir / "w" / "images" / "b.tif", test::planted_image(empty));
  io::write_mask_tiff(dir / "w" / "masks" / "b_mask.tif", empty);
  EXPECT_EQ(test::run_command(test::segoid_binary().string() + " validate_dataset --input-dir " + quoted(dir / "w") +
                                  " --output-dir " + quoted(dir / "out"),
                              &output),
            0)
      << output;
  EXPECT_TRUE(std::regex_search(output, std::regex(R"(flagged\s+1)"))) << output;
  const std::string all = core::read_file(dir / "out" / "all.csv");
  EXPECT_NE(all.find("\nb,"), std::string::npos) << all;
  EXPECT_NE(all.find(",False,"), std::string::npos) << all;
  EXPECT_EQ(test::run_command(test::segoid_binary().string() + " validate --output-dir x", &output), 2) << output;
  EXPECT_EQ(test::run_command(test::segoid_binary().string() + " validate --help", &output), 0) << output;
  EXPECT_NE(output.find("--confirm-empty"), std::string::npos);
}

}  // namespace
}  // namespace segoid
