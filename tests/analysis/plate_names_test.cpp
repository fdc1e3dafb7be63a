// SPDX-License-Identifier: MIT
// File-name presets on real-looking names, user patterns, and names that must not be guessed.
#include "segoid/analysis/plate_names.hpp"

#include <gtest/gtest.h>

#include <cmath>

#include "segoid/core/error.hpp"

namespace segoid::analysis {
namespace {

WellImage parse_ok(const NamePattern& pattern, const std::string& name) {
  std::string why;
  const auto parsed = pattern.parse(name, &why);
  EXPECT_TRUE(parsed.has_value()) << name << ": " << why;
  return parsed.value_or(WellImage{});
}

TEST(PlateNamesTest, IncucyteNames) {
  const NamePattern p("incucyte");
  WellImage w = parse_ok(p, "VID1234_A1_1_00d04h00m.tif");
  EXPECT_EQ(w.plate, "VID1234");
  EXPECT_EQ(w.well, "A01");
  EXPECT_EQ(w.row, 1);
  EXPECT_EQ(w.column, 1);
  EXPECT_EQ(w.field, 1);
  EXPECT_DOUBLE_EQ(w.time_h, 4.0);
  w = parse_ok(p, "VID88_phase_H12_3_02d13h30m");  // a channel after the vessel; no extension
  EXPECT_EQ(w.plate, "VID88");
  EXPECT_EQ(w.well, "H12");
  EXPECT_EQ(w.field, 3);
  EXPECT_DOUBLE_EQ(w.time_h, 2 * 24 + 13 + 0.5);
  EXPECT_EQ(parse_ok(p, "VID5_P24_1_10d00h00m").well, "P24");  // 384-well
}

TEST(PlateNamesTest, ImageXpressNames) {
  const NamePattern p("ImageXpress");  // presets are case-insensitive
  WellImage w = parse_ok(p, "Plate1_A01_s1_w1.tif");
  EXPECT_EQ(w.plate, "Plate1");
  EXPECT_EQ(w.well, "A01");
  EXPECT_EQ(w.field, 1);
  EXPECT_FALSE(w.has_time);
  EXPECT_TRUE(std::isnan(w.time_h));
  w = parse_ok(p, "val screen_B02_s4_w3E75611A2-A874-4065-BDAC-EE2467105EEB.tif");
  EXPECT_EQ(w.plate, "val screen");
  EXPECT_EQ(w.well, "B02");
  EXPECT_EQ(w.field, 4);
  EXPECT_EQ(parse_ok(p, "C10_s2").plate, "");
}

TEST(PlateNamesTest, OperettaNames) {
  const NamePattern p("operetta", /*time_step_h=*/0.5);
  WellImage w = parse_ok(p, "r03c11f02p01-ch1sk7fk1fl1.tiff");
  EXPECT_EQ(w.well, "C11");
  EXPECT_EQ(w.row, 3);
  EXPECT_EQ(w.column, 11);
  EXPECT_EQ(w.field, 2);
  EXPECT_DOUBLE_EQ(w.time_h, 3.5);  // time point 7 x 0.5 h
  EXPECT_EQ(parse_ok(p, "r16c24f001p01-ch2sk1fk1fl1").well, "P24");
}

TEST(PlateNamesTest, CytationNames) {
  const NamePattern p("cytation");
  const WellImage w = parse_ok(p, "A1_03_1_1_Bright Field_001.tif");
  EXPECT_EQ(w.well, "A01");
  EXPECT_EQ(w.field, 1);
  EXPECT_DOUBLE_EQ(w.time_h, 1.0);
  EXPECT_EQ(parse_ok(p, "H12_01_2_4_Phase Contrast_012").field, 4);
}

TEST(PlateNamesTest, BadNamesAreReportedNotGuessed) {
  const NamePattern p("incucyte");
  std::string why;
  for (const char* name : {"VID1_A1_1.tif", "A1_03_1_1_Bright Field_001", "VID1_1A_1_00d00h00m",
                                  "VID1_A99_1_00d00h00m", "VID1_AZ1_1_00d00h00m", "notes.txt"}) {
    why.clear();
    EXPECT_FALSE(p.parse(name, &why).has_value()) << name;
    EXPECT_FALSE(why.empty()) << name;
  }
  why.clear();
  EXPECT_FALSE(p.parse("VID1_A99_1_00d00h00m", &why));
  EXPECT_NE(why.find("outside a 1536-well plate"), std::string::npos) << why;
}

TEST(PlateNamesTest, UserPatternsInPerlOrPythonSyntax) {
  const NamePattern python(R"(^(?P<plate>\w+?)-(?P<row>[A-P])(?P<col>\d+)_t(?P<hour>\d+(?:\.\d+)?)h)");
  WellImage w = parse_ok(python, "exp7-B7_t36.5h_extra");
  EXPECT_EQ(w.plate, "exp7");
  EXPECT_EQ(w.well, "B07");
  EXPECT_DOUBLE_EQ(w.time_h, 36.5);
  const NamePattern perl(R"(day(?<day>\d+)/(?<well>[a-p]\d\d))");  // searched anywhere, lower-case wells
  w = parse_ok(perl, "scan_day3/c05.png");
  EXPECT_EQ(w.well, "C05");
  EXPECT_DOUBLE_EQ(w.time_h, 72.0);
  const NamePattern numbered_rows(R"(^(?<row>\d+)-(?<col>\d+)$)");
  EXPECT_EQ(parse_ok(numbered_rows, "27-3").well, "AA03");
}

TEST(PlateNamesTest, BadPatternsGiveOneClearError) {
  const auto message = [](const std::string& spec) {
    try {
      NamePattern p(spec);
    } catch (const ConfigError& e) {
      return std::string(e.what());
    }
    return std::string("no error");
  };
  EXPECT_NE(message("(?<well>[A-H]\\d+").find("not a valid regular expression"), std::string::npos);
  EXPECT_NE(message("(?<wel>[A-H]\\d+)").find("unknown group \"wel\""), std::string::npos);
  EXPECT_NE(message("(?<plate>\\w+)_(?<row>[A-H])").find("names no well"), std::string::npos);
  EXPECT_NE(message("").find("give a preset"), std::string::npos);
  EXPECT_THROW(NamePattern("incucyte", /*time_step_h=*/0), ConfigError);
}

TEST(PlateNamesTest, WellLabels) {
  EXPECT_EQ(well_label(1, 1), "A01");
  EXPECT_EQ(well_label(26, 48), "Z48");
  EXPECT_EQ(well_label(32, 7), "AF07");
}

}  // namespace
}  // namespace segoid::analysis
