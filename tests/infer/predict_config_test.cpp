// SPDX-License-Identifier: MIT
// predict_full's config file: unknown keys are refused naming the nearest, the shipped file loads.
#include <gtest/gtest.h>

#include <string>

#include "segoid/core/atomic_file.hpp"
#include "segoid/core/error.hpp"
#include "segoid/infer/predict_full.hpp"
#include "test_support.hpp"

namespace segoid::infer {
namespace {

TEST(PredictConfigTest, ConfigFileIsStrict) {
  test::TempDir dir;
  core::write_file_atomic(dir / "p.yaml", "inference:\n  tile_size: 128\n  overlapp: 0.3\n");
  PredictConfig config;
  try {
    load_predict_config(dir / "p.yaml", config);
    FAIL() << "expected ConfigError";
  } catch (const ConfigError& e) {
    EXPECT_NE(std::string(e.what()).find("overlap"), std::string::npos) << e.what();
  }
  PredictConfig shipped;
  load_predict_config(test::source_dir() / "configs" / "predict.yaml", shipped);
  EXPECT_EQ(shipped.tiling.overlap, 0.25);
  EXPECT_EQ(to_string(shipped.tiling.blend), "gaussian");
}

}  // namespace
}  // namespace segoid::infer
