// SPDX-License-Identifier: MIT
// Flags generated from config table rows, in process: a flag sets its key exactly as the YAML key
// does, and a bad value is refused naming the flag (cmd_key_flags_test runs the binary).
#include "key_flags.hpp"

#include <fmt/format.h>
#include <gtest/gtest.h>

#include <cmath>
#include <map>
#include <optional>
#include <sstream>

#include "segoid/core/atomic_file.hpp"
#include "segoid/core/error.hpp"
#include "segoid/infer/predict_full.hpp"
#include "key_flag_commands.hpp"
#include "test_support.hpp"

namespace segoid::cli {
namespace {
namespace fs = std::filesystem;

using key_flag_tests::Command;
using key_flag_tests::commands;
using key_flag_tests::names_of;
using key_flag_tests::offered;
using key_flag_tests::parsed_predict;

std::string long_name(const core::KeyFlag& flag) {
  for (const std::string& name : names_of(flag).first) {
    if (name.rfind("--", 0) == 0) return name;
  }
  return names_of(flag).first.front();
}

/// A valid value of `key`, other than its default `current`, as YAML / command-line text.
std::string other_value(const core::KeyRules& key, const std::string& current) {
  for (const std::string& choice : key.allowed) {
    if (choice != current) return choice;
  }
  // The one free-text key, calibration.pixel_size_um (a number, auto or null), takes a number.
  if (key.is_enum && key.allowed.empty()) return current == "0.5" ? "0.25" : "0.5";
  const std::string type = key.type_name();
  if (type == "bool") return current == "true" ? "false" : "true";
  const double lo = std::isfinite(key.min) ? key.min : 0.0;
  const double hi = std::isfinite(key.max) ? key.max : lo + 1000;
  if (type == "int") {
    const int step = key.multiple > 0 ? key.multiple : 1;
    for (int v = static_cast<int>(std::ceil(lo)); v <= hi; v += step) {
      const bool fits = (key.multiple == 0 || v % key.multiple == 0) && !(key.min_exclusive && v == lo);
      if (fits && std::to_string(v) != current) return std::to_string(v);
    }
  }
  if (type == "number") return fmt::format("{}", lo + (hi - lo) * 0.375);
  return "flag/value";
}

/// The command-line words that set `key` to `value` through `flag`.
std::string flag_words(const core::KeyRules& key, const core::KeyFlag& flag, const std::string& value) {
  if (key.type_name() != "bool") return long_name(flag) + " " + value;
  if (value == "true") return long_name(flag);
  const auto negations = names_of(flag).second;
  return negations.empty() ? long_name(flag) + "=false" : negations.front();
}

/// `key` set to `value`, as a YAML file's text.
std::string yaml_of(const core::KeyRules& key, const std::string& value) {
  std::string text, indent;
  std::stringstream in(key.name);
  std::vector<std::string> parts;
  for (std::string part; std::getline(in, part, '.');) parts.push_back(part);
  for (std::size_t i = 0; i + 1 < parts.size(); ++i, indent += "  ") text += indent + parts[i] + ":\n";
  return text + indent + parts.back() + ": " + value + "\n";
}

TEST(KeyFlagsTest, EveryCommandOffersTheFlagsItHadBeforeTheTable) {
  // The Python SegOid's spellings are a compatibility promise: these are generated now.
  const std::map<std::string, std::vector<std::string>> expected = {
      {"predict_full",
       {"--checkpoint", "--manifest", "--data-root", "--tile-size", "--overlap", "--threshold", "--batch-size",
        "--blend", "--edge-margin", "--tta", "--skip-background", "--scale", "--min-object-area", "--fill-holes,!--no-fill-holes",
        "--smooth-radius", "--split-touching", "--min-mean-probability", "--output-dir,-o", "--device", "--threads", "--inference-form"}},
      {"quantify_objects",
       {"--pred-mask-dir", "--gt-manifest", "--data-root", "--min-object-area", "--iou-threshold", "--pixel-size",
        "--output-dir", "--roiset"}},
      {"train", {"--train-manifest", "--val-manifest", "--epochs", "--memory-format", "--max-minutes", "--run-dir"}},
      {"sanity_check",
       {"--train-manifest", "--val-manifest", "--patch-size", "--patches-per-image", "--epochs", "--batch-size",
        "--learning-rate", "--num-workers", "--output-dir"}},
      {"run_cv", {}}};
  for (const Command& c : commands()) {
    std::vector<std::string> names;
    for (const auto& [key, flag] : offered(c)) names.push_back(flag->names);
    EXPECT_EQ(names, expected.at(c.name)) << c.name;
  }
}

TEST(KeyFlagsTest, SettingAKeyByFlagGivesTheSameConfigAsByYaml) {
  test::TempDir dir;
  int checked = 0;
  for (const Command& c : commands()) {
    const std::string defaults = c.snapshot({}, std::nullopt);
    for (const auto& [key, flag] : offered(c)) {
      SCOPED_TRACE(c.name + " " + flag->names);
      const std::string value = other_value(*key, c.default_text(*key));
      const fs::path yaml = dir / "config.yaml";
      core::write_file_atomic(yaml, yaml_of(*key, value));
      const std::string by_yaml = c.snapshot(yaml, std::nullopt);
      const std::string by_flag = c.snapshot({}, flag_words(*key, *flag, value));
      EXPECT_EQ(by_flag, by_yaml) << value;
      EXPECT_NE(by_flag, defaults) << value << " is the default";
      ++checked;
    }
  }
  EXPECT_GE(checked, 37);
}

TEST(KeyFlagsTest, FlagsOverrideTheConfigFileAndAbsentFlagsKeepIt) {
  test::TempDir dir;
  core::write_file_atomic(dir / "predict.yaml", "inference:\n  tile_size: 256\n  overlap: 0.5\n");
  infer::PredictConfig config;
  infer::load_predict_config(dir / "predict.yaml", config);
  parsed_predict("--tile-size 512 --no-fill-holes").flags->apply(config);
  EXPECT_EQ(config.tiling.tile_size, 512);
  EXPECT_FALSE(config.postprocess.fill_holes);
  EXPECT_DOUBLE_EQ(config.tiling.overlap, 0.5);
}

TEST(KeyFlagsTest, OutOfRangeFlagValuesAreRefusedNamingTheFlag) {
  int checked = 0;
  for (const Command& c : commands()) {
    for (const auto& [key, flag] : offered(c)) {
      const std::string type = key->type_name();
      if ((type != "int" && type != "number") || !std::isfinite(key->max)) continue;
      SCOPED_TRACE(c.name + " " + flag->names);
      const double above = key->max_exclusive ? key->max : key->max + 1;
      const std::string value = type == "int" ? std::to_string(static_cast<long long>(above)) : fmt::format("{}", above);
      try {
        c.snapshot({}, long_name(*flag) + " " + value);
        ADD_FAILURE() << value << " was accepted";
      } catch (const ConfigError& e) {
        const std::string message = e.what();
        EXPECT_EQ(message.rfind(long_name(*flag) + ": " + key->name + " must be", 0), 0u) << message;
        EXPECT_NE(message.find(value), std::string::npos) << message;
      }
      ++checked;
    }
  }
  EXPECT_GE(checked, 19);
  // A multiple-of rule and a choice, as YAML checks them.
  try {
    infer::PredictConfig config;
    parsed_predict("--tile-size 33").flags->apply(config);
    ADD_FAILURE() << "--tile-size 33 was accepted";
  } catch (const ConfigError& e) {
    EXPECT_STREQ(e.what(), "--tile-size: inference.tile_size must be a multiple of 32, got 33");
  }
  EXPECT_THROW(parsed_predict("--blend median"), CLI::ValidationError);
}

}  // namespace
}  // namespace segoid::cli
