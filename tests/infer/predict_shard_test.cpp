// SPDX-License-Identifier: MIT
// --shard i/n: which inputs a shard predicts and how its run files are named (the command:
// predict_full_shard_test.cpp).
#include <gtest/gtest.h>

#include <string>

#include "segoid/core/error.hpp"
#include "segoid/infer/predict_full.hpp"

namespace segoid::infer {
namespace {

TEST(PredictShardTest, ParseShardAcceptsOnlyValidRanges) {
  int index = 0;
  int count = 0;
  parse_shard("2/4", index, count);
  EXPECT_EQ(index, 2);
  EXPECT_EQ(count, 4);
  parse_shard("1/1", index, count);
  EXPECT_EQ(index, 1);
  EXPECT_EQ(count, 1);
  for (const char* bad : {"3/2", "0/4", "1/0", "2", "-1/4", "a/b", "2/4/1", ""}) {
    try {
      parse_shard(bad, index, count);
      ADD_FAILURE() << "accepted --shard " << bad;
    } catch (const ConfigError& e) {
      EXPECT_NE(std::string(e.what()).find("--shard"), std::string::npos) << e.what();
    }
  }
}

TEST(PredictShardTest, ShardsPartitionPositionsDeterministically) {
  for (int count = 1; count <= 5; ++count) {
    for (std::size_t position = 0; position < 23; ++position) {
      int owners = 0;
      for (int index = 1; index <= count; ++index) {
        const bool mine = in_shard(position, index, count);
        EXPECT_EQ(mine, in_shard(position, index, count));  // a pure function of its arguments
        EXPECT_EQ(mine, static_cast<int>(position % count) == index - 1);
        owners += mine ? 1 : 0;
      }
      EXPECT_EQ(owners, 1) << "position " << position << " of " << count << " shards";
    }
  }
  EXPECT_TRUE(in_shard(7, 0, 1));
  EXPECT_EQ(shard_file_name("pixel_metrics.csv", 2, 4), "pixel_metrics.shard-2-of-4.csv");
  EXPECT_EQ(shard_file_name("predict_meta.yaml", 3, 3), "predict_meta.shard-3-of-3.yaml");
  EXPECT_EQ(shard_file_name("errors.csv", 0, 1), "errors.csv");
}

}  // namespace
}  // namespace segoid::infer
