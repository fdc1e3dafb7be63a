// SPDX-License-Identifier: MIT
// Training layout choice: forced choices are honoured, measurements are cached per machine key.
#include "segoid/model/layout_choice.hpp"

#include <gtest/gtest.h>

#include "segoid/core/choice_cache.hpp"
#include "segoid/core/cpu_info.hpp"
#include "segoid/core/error.hpp"
#include "test_support.hpp"

namespace segoid::model {
namespace {

constexpr int kPatch = 32;  // the smallest legal patch: a probe takes milliseconds
constexpr int kBatch = 1;

TEST(LayoutChoiceTest, ForcedChoiceIsHonouredWithoutMeasuring) {
  test::TempDir dir;
  for (const char* forced : {kContiguous, kChannelsLast}) {
    const SpeedChoice c = choose_training_layout(forced, {}, kPatch, kBatch, 2, true, dir.path());
    EXPECT_EQ(c.choice, forced);
    EXPECT_EQ(c.source, "forced");
    EXPECT_TRUE(c.rates.empty());
  }
  EXPECT_FALSE(std::filesystem::exists(dir / "choices.json")) << "a forced choice measures nothing";
  EXPECT_THROW(choose_training_layout("nhwc", {}, kPatch, kBatch, 2, true, dir.path()), ConfigError);
}

TEST(LayoutChoiceTest, MeasuredOnceThenCachedAndRemeasuredForAnotherKey) {
  test::TempDir dir;
  const SpeedChoice first = choose_training_layout("auto", {}, kPatch, kBatch, 2, true, dir.path());
  EXPECT_EQ(first.source, "measured");
  ASSERT_EQ(first.rates.size(), 2u);
  EXPECT_GT(first.rates.at(kContiguous), 0.0);
  EXPECT_GT(first.rates.at(kChannelsLast), 0.0);
  EXPECT_EQ(first.choice, core::fastest(first.rates));
  ASSERT_TRUE(std::filesystem::exists(dir / "choices.json"));

  const SpeedChoice second = choose_training_layout("auto", {}, kPatch, kBatch, 2, true, dir.path());
  EXPECT_EQ(second.source, "cached");
  EXPECT_EQ(second.choice, first.choice);
  EXPECT_EQ(second.rates, first.rates);

  // A planted entry is what the cache returns: the second call really read the file.
  const core::MachineKey key{core::this_cpu().model, 3, torch_version(), "train resnet18 32px x2"};
  core::ChoiceCache(dir.path()).store("training_layout", key, {kChannelsLast, {{kChannelsLast, 1.0}}});
  EXPECT_EQ(choose_training_layout("auto", {}, kPatch, kBatch, 3, true, dir.path()).choice, kChannelsLast);

  const SpeedChoice other = choose_training_layout("auto", {}, kPatch, kBatch, 1, true, dir.path());
  EXPECT_EQ(other.source, "measured") << "another thread count is another key";
}

TEST(LayoutChoiceTest, OffTheCpuTheChoiceIsContiguousUnmeasured) {
  const SpeedChoice c = choose_training_layout("auto", {}, kPatch, kBatch, 2, /*on_cpu=*/false, "");
  EXPECT_EQ(c.choice, kContiguous);
  EXPECT_EQ(c.source, "device");
}

TEST(LayoutChoiceTest, SetWeightLayoutRewritesEveryFourDimensionalWeight) {
  Unet unet{UnetOptions{}};
  set_weight_layout(unet, kChannelsLast);
  // conv1 has one input channel: only a real channels_last copy has stride 1 on dim 1.
  EXPECT_EQ(unet->encoder->conv1->weight.stride(1), 1);
  EXPECT_TRUE(unet->decoder->parameters().front().is_contiguous(torch::MemoryFormat::ChannelsLast));
  set_weight_layout(unet, kContiguous);
  EXPECT_EQ(unet->encoder->conv1->weight.stride(1), 49);
  for (const auto& p : unet->parameters()) EXPECT_TRUE(p.is_contiguous());
}

}  // namespace
}  // namespace segoid::model
