// SPDX-License-Identifier: MIT
// NumpyRandomState against NumPy 1.24's legacy RandomState (fixtures from /usr/bin/python3).
#include "segoid/core/numpy_random.hpp"

#include <gtest/gtest.h>

#include <algorithm>
#include <map>

#include "numpy_split_fixtures.hpp"
#include "segoid/core/error.hpp"

namespace segoid::core {
namespace {

TEST(NumpyRandomTest, PermutationsEqualNumpysForManySizesAndSeeds) {
  const auto records = test::numpy_split_records("perm");
  ASSERT_GE(records.size(), 200u);
  for (const auto& r : records) {
    const std::uint64_t seed = std::stoull(r[0]);
    const std::int64_t n = std::stoll(r[1]);
    EXPECT_EQ(NumpyRandomState(seed).permutation(n), test::fixture_ints(r[2])) << "seed " << seed << " n " << n;
  }
}

TEST(NumpyRandomTest, PandasSampleFracOneIsThePermutation) {
  const auto records = test::numpy_split_records("sample");
  ASSERT_GE(records.size(), 20u);
  for (const auto& r : records) {
    const std::uint64_t seed = std::stoull(r[0]);
    EXPECT_EQ(NumpyRandomState(seed).permutation(std::stoll(r[1])), test::fixture_ints(r[2])) << "seed " << seed;
  }
}

TEST(NumpyRandomTest, RawStreamIsMt19937) {
  // The reference MT19937 value: the 10000th output of init_genrand(5489) is 4123659995
  // (C++ standard, [rand.predef]).
  NumpyRandomState state(5489);
  std::uint32_t value = 0;
  for (int i = 0; i < 10000; ++i) value = state.next_u32();
  EXPECT_EQ(value, 4123659995u);
}

TEST(NumpyRandomTest, IntervalIsUniformAndInRange) {
  NumpyRandomState state(1);
  std::map<std::uint64_t, int> counts;
  constexpr int kDraws = 50000;
  for (int i = 0; i < kDraws; ++i) counts[state.interval(4)]++;  // mask 7: values 5..7 redrawn
  ASSERT_EQ(counts.size(), 5u);
  for (const auto& [value, count] : counts) EXPECT_NEAR(count, kDraws / 5, 500) << value;
  EXPECT_EQ(state.interval(0), 0u);
  EXPECT_LE(state.interval(std::uint64_t{1} << 40), std::uint64_t{1} << 40);  // the 64-bit path
}

TEST(NumpyRandomTest, SeedAboveNumpysRangeIsRefused) {
  EXPECT_NO_THROW(NumpyRandomState{kNumpyMaxSeed});
  try {
    NumpyRandomState state(kNumpyMaxSeed + 1);
    FAIL() << "no error";
  } catch (const ConfigError& e) {
    EXPECT_NE(std::string(e.what()).find("4294967295"), std::string::npos) << e.what();
  }
}

}  // namespace
}  // namespace segoid::core
