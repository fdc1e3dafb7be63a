// SPDX-License-Identifier: MIT
// `segoid config --defaults <command>`: commented default YAML from each command's config table.
#include "segoid/pipeline/config_reference.hpp"

#include "segoid/analysis/quantify.hpp"
#include "segoid/core/error.hpp"
#include "segoid/infer/predict_full.hpp"
#include "segoid/pipeline/cross_validation.hpp"
#include "segoid/pipeline/sanity_check.hpp"
#include "segoid/train/train_config.hpp"

namespace segoid::pipeline {

std::vector<std::string> config_commands() { return {"train", "predict", "quantify", "sanity_check", "cv"}; }

const core::ConfigTable& config_table_of(const std::string& command) {
  if (command == "train") return train::train_config_table();
  if (command == "predict") return infer::predict_config_table();
  if (command == "quantify") return analysis::quantify_config_table();
  if (command == "sanity_check") return sanity_config_table();
  if (command == "cv") return cv_config_table();
  throw ConfigError("no config file for '" + command + "': choose train, predict, quantify, sanity_check or cv");
}

std::string default_config_yaml(const std::string& command) {
  const core::ConfigTable& table = config_table_of(command);
  const std::string title = "SegOid " + command + " config: every key with its default (segoid config --defaults " +
                            command + ")";
  if (command == "train") {
    const train::TrainConfig defaults;
    return core::commented_yaml(table, &defaults, title);
  }
  if (command == "predict") {
    const infer::PredictConfig defaults;
    return core::commented_yaml(table, &defaults, title);
  }
  if (command == "quantify") {
    const analysis::QuantifyConfig defaults;
    return core::commented_yaml(table, &defaults, title);
  }
  if (command == "sanity_check") {
    const SanityConfig defaults;
    return core::commented_yaml(table, &defaults, title);
  }
  const CvConfig defaults;
  return core::commented_yaml(table, &defaults, title);
}

}  // namespace segoid::pipeline
