// SPDX-License-Identifier: MIT
// `segoid extract_metrics` through the binary: outputs, and a missing folder's exit code.
// CTest label: e2e
#include <gtest/gtest.h>

#include "../analysis/prediction_masks.hpp"
#include "segoid/io/csv.hpp"
#include "test_support.hpp"

namespace segoid::cli {
namespace {

TEST(ExtractMetricsTest, CommandWritesOutputs) {
  test::TempDir dir;
  test::write_prediction_masks(dir.path());
  std::string output;
  const std::string command = "'" + test::segoid_binary().string() + "' extract_metrics --pred-mask-dir '" +
                              (dir / "pred").string() + "' --output-dir '" + (dir / "out").string() +
                              "' --min-object-area 100";
  ASSERT_EQ(test::run_command(command, &output), 0) << output;
  const io::CsvTable stats = io::read_csv(dir / "out/summary_statistics.csv");
  EXPECT_EQ(stats.rows[0][stats.column_index("area")], "4");  // the speck is below 100 px
  EXPECT_EQ(test::run_command("'" + test::segoid_binary().string() + "' extract_metrics --pred-mask-dir '" +
                                  (dir / "nowhere").string() + "' --output-dir '" + (dir / "out2").string() + "'",
                              &output),
            3);
  EXPECT_NE(output.find("nowhere"), std::string::npos) << output;
}

}  // namespace
}  // namespace segoid::cli
