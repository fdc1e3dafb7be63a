// SPDX-License-Identifier: MIT
// The validate_dataset summary: counts, quartiles, patch recommendation and problem lines.
#include <gtest/gtest.h>

#include <cmath>

#include "segoid/data/validate_dataset.hpp"

namespace segoid::data {
namespace {

QcEntry entry(const std::string& name, QcStatus status, double coverage, int objects) {
  QcEntry e;
  e.row.basename = name;
  e.status = status;
  e.row.mask_coverage = coverage;
  e.row.object_count = objects;
  if (status != QcStatus::kPass) e.reason = "because";
  return e;
}

TEST(QcSummaryTest, CountsQuartilesAndPatch) {
  ValidationReport report;
  report.config.input_dir = "data/working";
  report.entries = {entry("a", QcStatus::kPass, 0.01, 1), entry("b", QcStatus::kPass, 0.02, 1),
                    entry("c", QcStatus::kPass, 0.03, 2), entry("d", QcStatus::kPass, 0.05, 5),
                    entry("e", QcStatus::kPass, 0.0, 0), entry("f", QcStatus::kFail, 0.5, 1),
                    entry("g", QcStatus::kFlagged, 0.0, 0)};
  report.entries[4].row.empty_confirmed = true;
  report.entries[1].warnings.push_back("odd");
  report.object_diameters_px = {40.0, 50.0, 61.0};
  EXPECT_EQ(report.count(QcStatus::kPass), 5);
  EXPECT_EQ(report.confirmed_empty(), 1);
  EXPECT_EQ(report.exit_code(), 1);
  EXPECT_DOUBLE_EQ(report.median_diameter_px(), 50.0);
  EXPECT_EQ(report.recommended_patch_px(), 128);  // ceil(2.5 * 50 / 32) * 32 = ceil(3.9) * 32
  const std::string text = format_validation_summary(report);
  // Coverage of passing images {0, .01, .02, .03, .05}: numpy quartiles 1% and 3%.
  EXPECT_NE(text.find("min 0.00%  Q1 1.00%  median 2.00%  Q3 3.00%  max 5.00%"), std::string::npos) << text;
  // Objects of passing images {0, 1, 1, 2, 5}.
  EXPECT_NE(text.find("min 0  Q1 1  median 1  Q3 2  max 5   (9 objects; 1 image without)"), std::string::npos) << text;
  EXPECT_NE(text.find("(incl. 1 confirmed empty)"), std::string::npos) << text;
  EXPECT_NE(text.find("FAIL  f  because"), std::string::npos) << text;
  EXPECT_NE(text.find("FLAG  g  because"), std::string::npos) << text;
  EXPECT_NE(text.find("WARN  b  odd"), std::string::npos) << text;
  EXPECT_NE(text.find("recommended patch     128 px"), std::string::npos) << text;
}

TEST(QcSummaryTest, NothingPassed) {
  ValidationReport report;
  report.entries = {entry("x", QcStatus::kFail, 0, 0)};
  EXPECT_EQ(report.recommended_patch_px(), 0);
  EXPECT_NE(format_validation_summary(report).find("No image passed"), std::string::npos);
}

}  // namespace
}  // namespace segoid::data
