// SPDX-License-Identifier: MIT
// Tests for the synthetic plate generator (placeholder while building).
#include "segoid/data/synth_plate.hpp"

#include <gtest/gtest.h>

namespace segoid::data {
TEST(SynthPlateTest, Builds) {
  const SynthImage img = synthesize_plate(SynthConfig{}, 0);
  EXPECT_EQ(img.image.cols, 1536);
}
}  // namespace segoid::data
