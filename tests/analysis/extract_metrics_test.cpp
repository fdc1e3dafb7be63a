// SPDX-License-Identifier: MIT
// extract_metrics: describe() by hand and against pandas, and the tables it writes.
#include "segoid/analysis/extract_metrics.hpp"

#include <gtest/gtest.h>
#include <opencv2/imgproc.hpp>

#include <algorithm>
#include <cmath>

#include "segoid/core/atomic_file.hpp"
#include "segoid/core/error.hpp"
#include "prediction_masks.hpp"
#include "segoid/io/image_io.hpp"
#include "python_columns.hpp"
#include "test_support.hpp"

namespace segoid::analysis {
namespace {
namespace fs = std::filesystem;

TEST(ExtractMetricsTest, DescribeMatchesHandComputedValues) {
  const io::CsvTable table = io::parse_csv("a,b\n1,10\n2,\n3,30\n4,40\n", "t.csv");
  const DescribeTable d = describe_columns(table, {"a", "b"}, "t.csv");
  ASSERT_EQ(d.statistics.size(), 8u);
  EXPECT_EQ(d.statistics[4], "25%");
  // a = 1, 2, 3, 4: sample std sqrt(5/3); quartiles at positions 0.75, 1.5, 2.25.
  EXPECT_DOUBLE_EQ(d.values[0][0], 4);
  EXPECT_DOUBLE_EQ(d.values[1][0], 2.5);
  EXPECT_DOUBLE_EQ(d.values[2][0], std::sqrt(5.0 / 3.0));
  EXPECT_DOUBLE_EQ(d.values[3][0], 1);
  EXPECT_DOUBLE_EQ(d.values[4][0], 1.75);
  EXPECT_DOUBLE_EQ(d.values[5][0], 2.5);
  EXPECT_DOUBLE_EQ(d.values[6][0], 3.25);
  EXPECT_DOUBLE_EQ(d.values[7][0], 4);
  // b has a missing cell: 10, 30, 40.
  EXPECT_DOUBLE_EQ(d.values[0][1], 3);
  EXPECT_DOUBLE_EQ(d.values[4][1], 20);
  EXPECT_DOUBLE_EQ(d.values[5][1], 30);
  const std::string text = format_describe_csv(d);
  EXPECT_EQ(text.substr(0, text.find('\n')), ",a,b");
  EXPECT_NE(text.find("\n25%,1.75,20\n"), std::string::npos) << text;
}

TEST(ExtractMetricsTest, SingleValueHasNoStdAndTextCellNamesTheFile) {
  const DescribeTable one = describe_columns(io::parse_csv("a\n5\n", "t.csv"), {"a"}, "t.csv");
  EXPECT_TRUE(std::isnan(one.values[2][0]));
  EXPECT_DOUBLE_EQ(one.values[6][0], 5);
  try {
    describe_columns(io::parse_csv("a\nfive\n", "t.csv"), {"a"}, "objects.csv");
    FAIL() << "expected DataError";
  } catch (const DataError& e) {
    EXPECT_NE(std::string(e.what()).find("objects.csv"), std::string::npos) << e.what();
  }
}

TEST(ExtractMetricsTest, DescribedColumnsArePythonsWithoutImageAndObjectId) {
  std::vector<std::string> expected = test::python::kObjects;
  expected.erase(std::remove(expected.begin(), expected.end(), "image"), expected.end());
  expected.erase(std::remove(expected.begin(), expected.end(), "object_id"), expected.end());
  EXPECT_EQ(described_columns(), expected);
  EXPECT_EQ(expected.size(), 13u);
}

TEST(ExtractMetricsTest, WritesTablesAndSummaryStatistics) {
  test::TempDir dir;
  ExtractMetricsConfig config;
  config.pred_mask_dir = test::write_prediction_masks(dir.path());
  config.output_dir = dir / "metrics";
  config.min_object_area = 1;
  config.pixel_size_um = 0.65;
  const QuantifySummary summary = run_extract_metrics(config);
  EXPECT_EQ(summary.images.size(), 3u);
  EXPECT_EQ(summary.n_objects, 5);
  EXPECT_TRUE(fs::exists(dir / "metrics/per_image/a_objects.csv"));
  EXPECT_TRUE(fs::exists(dir / "metrics/per_image/c_objects.csv"));
  EXPECT_FALSE(fs::exists(dir / "metrics/instance_eval.csv"));
  const io::CsvTable stats = io::read_csv(dir / "metrics/summary_statistics.csv");
  ASSERT_EQ(stats.rows.size(), 8u);
  EXPECT_EQ(stats.header[0], "");
  EXPECT_EQ(stats.rows[0][0], "count");
  EXPECT_EQ(stats.rows[7][0], "max");
  const int area = stats.column_index("area");
  const int circularity = stats.column_index("circularity");
  ASSERT_GT(area, 0);
  ASSERT_GT(circularity, 0);
  // Python's columns only; --pixel-size: area in µm², the bounding box in pixels.
  EXPECT_EQ(stats.column_index("area_px"), -1);
  EXPECT_EQ(stats.column_index("object_id"), -1);
  EXPECT_EQ(stats.column_index("pixel_size_um"), -1);
  const int bbox = stats.column_index("bbox_max_col");
  ASSERT_GT(bbox, 0);
  EXPECT_EQ(stats.rows[0][area], "5");
  EXPECT_EQ(stats.rows[0][circularity], "4");  // the 2 px speck has no circularity
  EXPECT_NEAR(std::stod(stats.rows[3][area]), 2 * 0.65 * 0.65, 1e-12);  // min: the speck, 2 px, in µm²
  EXPECT_EQ(stats.rows[7][bbox], "152");  // max: the speck's right edge (exclusive), pixels
}

TEST(ExtractMetricsTest, SummaryStatisticsEqualPandasDescribe) {
  if (!test::python_has("pandas")) GTEST_SKIP() << "needs /usr/bin/python3 with pandas";
  test::TempDir dir;
  ExtractMetricsConfig config;
  config.pred_mask_dir = test::write_prediction_masks(dir.path());
  config.output_dir = dir / "metrics";
  config.min_object_area = 1;
  config.pixel_size_um = 0.5;
  run_extract_metrics(config);
  // pandas reads all_objects.csv itself, picks the measure columns by its own rule and describes them.
  const std::string script = R"(
import sys
import numpy as np
import pandas as pd
out = sys.argv[1]
objects = pd.read_csv(out + "/all_objects.csv")
python_columns = sys.argv[2].split(",")
expected = objects[python_columns].drop(columns=["image", "object_id"]).describe()
measures = expected.columns
actual = pd.read_csv(out + "/summary_statistics.csv", index_col=0)
assert list(actual.index) == list(expected.index), (list(actual.index), list(expected.index))
assert list(actual.columns) == list(expected.columns), (list(actual.columns), list(expected.columns))
e, a = expected.to_numpy(float), actual.to_numpy(float)
assert np.array_equal(np.isnan(e), np.isnan(a)), "missing values differ"
ok = np.isclose(a, e, rtol=1e-9, atol=1e-12) | np.isnan(e)
assert ok.all(), "differences:\n" + str((actual - expected)[~ok].dropna(how="all"))
print("ok", len(objects), "objects", len(measures), "measures")
)";
  core::write_file_atomic(dir / "check.py", script);
  std::string output;
  std::string columns;
  for (const std::string& c : test::python::kObjects) columns += (columns.empty() ? "" : ",") + c;
  EXPECT_EQ(test::run_command("/usr/bin/python3 '" + (dir / "check.py").string() + "' '" +
                                  (dir / "metrics").string() + "' " + columns,
                              &output),
            0)
      << output;
  EXPECT_NE(output.find("ok 5 objects"), std::string::npos) << output;
}

}  // namespace
}  // namespace segoid::analysis
