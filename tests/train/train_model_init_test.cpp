// SPDX-License-Identifier: MIT
// Building the network for training: missing ImageNet weights are an error that says how to
// provide them.
#include <gtest/gtest.h>

#include <string>

#include "../../src/train/trainer_internal.hpp"
#include "segoid/core/error.hpp"
#include "test_support.hpp"
#include "tiny_training.hpp"

namespace segoid::train {
namespace {

TEST(TrainModelInitTest, MissingImagenetWeightsSayHowToProvideThem) {
  test::TempDir dir;
  TrainConfig c = test::tiny_train_config(dir / "runs", /*seed=*/11, /*epochs=*/1);
  c.model.encoder_weights = "imagenet";
  try {
    build_model(c, dir / "no-weights-here", nullptr);
    FAIL() << "expected ModelError";
  } catch (const ModelError& e) {
    EXPECT_NE(std::string(e.what()).find("SEGOID_WEIGHTS_DIR"), std::string::npos) << e.what();
  }
}

}  // namespace
}  // namespace segoid::train
