// SPDX-License-Identifier: MIT
// libFuzzer target: YAML configs (train, cross-validation, predict, quantify) through their readers.
#include <cstdint>
#include <string>

#include "fuzz_support.hpp"
#include "segoid/analysis/quantify.hpp"
#include "segoid/core/error.hpp"
#include "segoid/infer/predict_full.hpp"
#include "segoid/pipeline/cross_validation.hpp"
#include "segoid/train/train_config.hpp"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  segoid::fuzz::init_once();
  const std::string text(reinterpret_cast<const char*>(data), size);
  try {
    const segoid::train::TrainConfig config = segoid::train::parse_train_config(text, "fuzz.yaml");
    segoid::train::validate_train_config(config, "fuzz.yaml");
    // An accepted config reads back from its own snapshot (what checkpoints and run folders store).
    const segoid::train::TrainConfig again = segoid::train::parse_train_config(segoid::train::to_yaml(config), "snapshot");
    if (segoid::train::to_yaml(again) != segoid::train::to_yaml(config)) __builtin_trap();
  } catch (const segoid::Error&) {
  }
  try {
    (void)segoid::pipeline::parse_cv_config(text, "fuzz.yaml");
  } catch (const segoid::Error&) {
  }
  const auto path = segoid::fuzz::write_scratch("config.yaml", data, size);
  try {
    segoid::infer::PredictConfig predict;
    segoid::infer::load_predict_config(path, predict);
    segoid::infer::validate_predict_config(predict);
  } catch (const segoid::Error&) {
  }
  try {
    segoid::analysis::validate_quantify_config(segoid::analysis::load_quantify_config(path));
  } catch (const segoid::Error&) {
  }
  return 0;
}
