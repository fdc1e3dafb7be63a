// SPDX-License-Identifier: MIT
// choices.json: entries found only under an equal machine key; broken files count as empty.
#include "segoid/core/choice_cache.hpp"

#include <gtest/gtest.h>

#include "segoid/core/atomic_file.hpp"
#include "test_support.hpp"

namespace segoid::core {
namespace {

MachineKey key(int threads) { return {"AMD EPYC 7B13", threads, "1.13.0", "train resnet18 128px x4"}; }

TEST(ChoiceCacheTest, StoredChoiceIsFoundUnderTheSameKeyOnly) {
  test::TempDir dir;
  const ChoiceCache cache(dir / "cache");
  EXPECT_FALSE(cache.find("training_layout", key(2)).has_value());
  cache.store("training_layout", key(2), {"contiguous", {{"contiguous", 2.57}, {"channels_last", 2.13}}});
  ASSERT_TRUE(std::filesystem::exists(dir / "cache" / "choices.json"));
  const auto found = ChoiceCache(dir / "cache").find("training_layout", key(2));
  ASSERT_TRUE(found.has_value());
  EXPECT_EQ(found->choice, "contiguous");
  EXPECT_DOUBLE_EQ(found->rates.at("channels_last"), 2.13);
  EXPECT_FALSE(cache.find("training_layout", key(4)).has_value()) << "another thread count";
  MachineKey other_torch = key(2);
  other_torch.torch_version = "2.1.0";
  EXPECT_FALSE(cache.find("training_layout", other_torch).has_value()) << "another LibTorch";
  MachineKey other_cpu = key(2);
  other_cpu.cpu_model = "Intel(R) Xeon(R) Platinum 8375C CPU @ 2.90GHz";
  EXPECT_FALSE(cache.find("training_layout", other_cpu).has_value()) << "another CPU";
  EXPECT_FALSE(cache.find("inference_form", key(2)).has_value()) << "another kind";
}

TEST(ChoiceCacheTest, EntriesOfOtherKeysSurviveAStore) {
  test::TempDir dir;
  const ChoiceCache cache(dir.path());
  cache.store("training_layout", key(2), {"contiguous", {}});
  cache.store("training_layout", key(4), {"channels_last", {}});
  cache.store("inference_form", key(2), {"folded_channels_last", {}});
  EXPECT_EQ(cache.find("training_layout", key(2))->choice, "contiguous");
  EXPECT_EQ(cache.find("training_layout", key(4))->choice, "channels_last");
  EXPECT_EQ(cache.find("inference_form", key(2))->choice, "folded_channels_last");
}

TEST(ChoiceCacheTest, MalformedFileCountsAsEmptyAndIsReplaced) {
  test::TempDir dir;
  write_file_atomic(dir / "choices.json", "{not json");
  const ChoiceCache cache(dir.path());
  EXPECT_FALSE(cache.find("training_layout", key(2)).has_value());
  cache.store("training_layout", key(2), {"channels_last", {}});
  EXPECT_EQ(cache.find("training_layout", key(2))->choice, "channels_last");
}

TEST(ChoiceCacheTest, EmptyFolderMeansNoCache) {
  const ChoiceCache cache("");
  cache.store("training_layout", key(2), {"contiguous", {}});
  EXPECT_FALSE(cache.find("training_layout", key(2)).has_value());
}

TEST(ChoiceCacheTest, FastestPicksTheHighestRate) {
  EXPECT_EQ(fastest({{"channels_last", 2.13}, {"contiguous", 2.57}}), "contiguous");
  EXPECT_EQ(fastest({{"a", 1.0}, {"b", 1.0}}), "a");
  EXPECT_EQ(format_rates({{"a", 1.0}, {"b", 2.5}}, "tiles"), "a 1.00 tiles/s, b 2.50 tiles/s");
}

}  // namespace
}  // namespace segoid::core
