// SPDX-License-Identifier: MIT
// Progress text: rate and ETA from units done over all work, not per item.
#include "segoid/core/progress.hpp"

#include <gtest/gtest.h>

namespace segoid::core {
namespace {

TEST(ProgressTest, EtaComesFromTheUnitsLeftAtTheMeanRate) {
  // One 10,000^2 image: 9696 of 10816 tiles after 300 s -> 32.32 tiles/s, 1120 left -> 34.7 s.
  EXPECT_EQ(progress_text("predict", 9696, 10816, "tiles", 300.0, false, "img 1/1 big"),
            "predict 9696/10816 tiles 32.3 tiles/s ETA 34.7s  img 1/1 big");
  EXPECT_EQ(progress_text("predict", 100, 10816, "tiles", 10.0, false, ""),
            "predict 100/10816 tiles 10.0 tiles/s ETA 17m52s");
}

TEST(ProgressTest, NoEtaBeforeTheFirstUnitAndElapsedOnTheLastLine) {
  EXPECT_EQ(progress_text("predict", 0, 50, "tiles", 2.0, false, ""), "predict 0/50 tiles 0.0 tiles/s ETA ?");
  EXPECT_EQ(progress_text("predict", 50, 50, "tiles", 5.0, true, ""), "predict 50/50 tiles 10.0 tiles/s in 5.0s");
}

TEST(ProgressTest, AddTotalAdjustsAndNeverGoesNegative) {
  Progress progress("x", 10, "units", 1e9);
  progress.add_total(-4);
  EXPECT_EQ(progress.total(), 6);
  progress.add_total(-25);
  EXPECT_EQ(progress.total(), 0);
}

}  // namespace
}  // namespace segoid::core
