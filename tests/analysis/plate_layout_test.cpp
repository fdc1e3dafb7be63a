// SPDX-License-Identifier: MIT
// Plate layouts: wells to conditions, and the refusals that name the well or line.
#include "segoid/analysis/plate_layout.hpp"

#include <gtest/gtest.h>

#include "segoid/core/atomic_file.hpp"
#include "segoid/core/error.hpp"
#include "test_support.hpp"

namespace segoid::analysis {
namespace {

std::string refusal(const std::string& csv, int format = 0) {
  try {
    parse_plate_layout(csv, "layout.csv", format);
  } catch (const DataError& e) {
    return e.what();
  }
  return "accepted";
}

TEST(PlateLayoutTest, MapsWellsToConditions) {
  test::TempDir dir;
  core::write_file_atomic(dir / "layout.csv",
                          "well,compound,concentration,unit,replicate\n"
                          "a1,drug X,0.1,uM,1\n"
                          "A02,drug X,1e-1,uM,2\n"
                          "H12, DMSO ,,,\n");
  const PlateLayout layout = read_plate_layout(dir / "layout.csv");
  EXPECT_EQ(layout.columns, (std::vector<std::string>{"compound", "concentration", "unit", "replicate"}));
  EXPECT_EQ(layout.format.wells, 96);  // the smallest that holds H12
  const auto* a1 = layout.find("any plate", "A01");
  ASSERT_NE(a1, nullptr);
  EXPECT_EQ((*a1)[0], "drug X");
  EXPECT_EQ((*layout.find("", "A02"))[1], "1e-1");
  EXPECT_EQ((*layout.find("", "H12"))[0], "DMSO");  // trimmed
  EXPECT_EQ(layout.find("", "B01"), nullptr);
  EXPECT_EQ(layout.column_index("unit"), 2);
}

TEST(PlateLayoutTest, PlatesKeepTheirOwnWells) {
  const PlateLayout layout = parse_plate_layout("plate,well,compound\np1,B3,a\np2,B3,b\n,C1,everywhere\n", "l.csv");
  EXPECT_EQ((*layout.find("p1", "B03"))[0], "a");
  EXPECT_EQ((*layout.find("p2", "B03"))[0], "b");
  EXPECT_EQ((*layout.find("p3", "C01"))[0], "everywhere");
  EXPECT_EQ(layout.find("p3", "B03"), nullptr);
}

TEST(PlateLayoutTest, FormatFromColumnFlagOrWells) {
  EXPECT_EQ(parse_plate_layout("well,x\nP24,1\n", "l.csv").format.wells, 384);
  EXPECT_EQ(parse_plate_layout("well,plate_format\nA1,1536\n", "l.csv").format.wells, 1536);
  EXPECT_EQ(parse_plate_layout("well,x\nA1,1\n", "l.csv", 384).format.wells, 384);
  EXPECT_THROW(plate_format(100), ConfigError);
}

TEST(PlateLayoutTest, RefusalsNameTheWellAndLine) {
  std::string why = refusal("well,compound\nA1,x\nB2,y\na01,z\n");
  EXPECT_NE(why.find("line 4: well A01 is listed twice (also line 2)"), std::string::npos) << why;
  why = refusal("well,compound\nA1,x\nI1,y\n", 96);
  EXPECT_NE(why.find("line 3: well I01 lies outside a 96-well plate"), std::string::npos) << why;
  why = refusal("well,plate_format\nA13,96\n");
  EXPECT_NE(why.find("well A13 lies outside a 96-well plate"), std::string::npos) << why;
  why = refusal("well,concentration\nA1,1\nA2,ten\n");
  EXPECT_NE(why.find("line 3: well A02 has concentration \"ten\""), std::string::npos) << why;
  why = refusal("well,concentration\nA1,-1\n");
  EXPECT_NE(why.find("non-negative"), std::string::npos) << why;
  why = refusal("well,plate_format\nA1,96\nA2,384\n");
  EXPECT_NE(why.find("differs"), std::string::npos) << why;
  why = refusal("well,x\nA1,1\nZZ9,2\n");
  EXPECT_NE(why.find("line 3: well \"ZZ9\""), std::string::npos) << why;
  why = refusal("plate,x\np,1\n");
  EXPECT_NE(why.find("no column \"well\""), std::string::npos) << why;
  EXPECT_NE(refusal("well,x\nA1,1\nA2\n").find("layout.csv"), std::string::npos);  // ragged row: the CSV reader's error
}

}  // namespace
}  // namespace segoid::analysis
