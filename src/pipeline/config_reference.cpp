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
namespace {

[[noreturn]] void unknown(const std::string& command) {
  throw ConfigError("no config file for '" + command + "': choose train, predict, quantify, sanity_check or cv");
}

/// Calls `visit(table, defaults)` with `command`'s typed table and a default config of its type.
template <class Visit>
auto with_table(const std::string& command, Visit visit) {
  if (command == "train") return visit(train::train_config_table(), train::TrainConfig{});
  if (command == "predict") return visit(infer::predict_config_table(), infer::PredictConfig{});
  if (command == "quantify") return visit(analysis::quantify_config_table(), analysis::QuantifyConfig{});
  if (command == "sanity_check") return visit(sanity_config_table(), SanityConfig{});
  if (command == "cv") return visit(cv_config_table(), CvConfig{});
  unknown(command);
}

}  // namespace

std::vector<std::string> config_commands() { return {"train", "predict", "quantify", "sanity_check", "cv"}; }

std::vector<core::KeyRules> config_keys_of(const std::string& command) {
  return with_table(command, [](const auto& table, const auto&) { return core::rules_of(table); });
}

std::string default_config_yaml(const std::string& command) {
  const std::string title = "SegOid " + command + " config: every key with its default (segoid config --defaults " +
                            command + ")";
  return with_table(command, [&](const auto& table, const auto& defaults) {
    return core::commented_yaml(table, defaults, title);
  });
}

}  // namespace segoid::pipeline
