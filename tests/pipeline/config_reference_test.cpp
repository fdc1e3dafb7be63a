// SPDX-License-Identifier: MIT
// The config tables against the shipped configs/*.yaml and the generated reference.
//
// "Against the reference" means: (1) every shipped config loads through its command's table
// (every key known, every value in range); (2) the files that document the defaults
// (train.yaml, predict.yaml, quantify.yaml, dataset.yaml) state exactly the tables' defaults for
// every key they set, except the example paths listed below; (3) `segoid config --defaults X`
// loads back to the defaults. A shipped file need not list every key (a new key touches its row
// and its use only).
#include "segoid/pipeline/config_reference.hpp"

#include <gtest/gtest.h>

#include <set>

#include "segoid/analysis/quantify.hpp"
#include "segoid/core/atomic_file.hpp"
#include "segoid/core/error.hpp"
#include "segoid/infer/predict_full.hpp"
#include "segoid/pipeline/cross_validation.hpp"
#include "segoid/pipeline/sanity_check.hpp"
#include "segoid/train/train_config.hpp"
#include "test_support.hpp"

namespace segoid::pipeline {
namespace {
namespace fs = std::filesystem;

/// value_text of every row of `table` for `config`.
template <class Config>
std::map<std::string, std::string> collect(const core::ConfigTable<Config>& table, const Config& config) {
  std::map<std::string, std::string> out;
  for (const core::ConfigKey<Config>& key : table) out[key.name] = core::value_text(key, config);
  return out;
}

/// value_text of every row of `command`'s table, for the file at `path` (empty: the defaults).
std::map<std::string, std::string> values_of(const std::string& command, const fs::path& path) {
  if (command == "train") {
    const train::TrainConfig c = path.empty() ? train::TrainConfig{} : train::load_train_config(path);
    return collect(train::train_config_table(), c);
  }
  if (command == "predict") {
    infer::PredictConfig c;
    if (!path.empty()) infer::load_predict_config(path, c);
    return collect(infer::predict_config_table(), c);
  }
  if (command == "quantify") {
    const analysis::QuantifyConfig c = path.empty() ? analysis::QuantifyConfig{} : analysis::load_quantify_config(path);
    return collect(analysis::quantify_config_table(), c);
  }
  if (command == "sanity_check") {
    const SanityConfig c = path.empty() ? SanityConfig{} : load_sanity_config(path);
    return collect(sanity_config_table(), c);
  }
  const CvConfig c = path.empty() ? CvConfig{} : load_cv_config(path);
  return collect(cv_config_table(), c);
}

/// Dotted names of the leaves a YAML file sets.
void leaves(const YAML::Node& node, const std::string& prefix, std::vector<std::string>& out) {
  for (const auto& entry : node) {
    const std::string name = prefix + entry.first.as<std::string>();
    if (entry.second.IsMap()) leaves(entry.second, name + ".", out); else out.push_back(name);
  }
}

TEST(ConfigReferenceTest, ShippedConfigsLoadThroughTheirTables) {
  const std::vector<std::pair<std::string, std::string>> files = {
      {"train.yaml", "train"},       {"production_train.yaml", "train"}, {"demo.yaml", "train"},
      {"predict.yaml", "predict"},   {"quantify.yaml", "quantify"},      {"sanity_check.yaml", "sanity_check"},
      {"cv_config.yaml", "cv"}};
  for (const auto& [file, command] : files) {
    SCOPED_TRACE(file);
    EXPECT_NO_THROW(values_of(command, test::source_dir() / "configs" / file));
  }
}

TEST(ConfigReferenceTest, DefaultFilesStateTheTableDefaults) {
  // Example paths the shipped quantify.yaml fills in where the defaults are empty.
  const std::set<std::string> examples = {"input.pred_mask_dir", "input.gt_manifest", "output.output_dir"};
  for (const auto& [file, command] : std::vector<std::pair<std::string, std::string>>{
           {"train.yaml", "train"}, {"predict.yaml", "predict"}, {"quantify.yaml", "quantify"}}) {
    SCOPED_TRACE(file);
    const fs::path path = test::source_dir() / "configs" / file;
    const auto loaded = values_of(command, path);
    const auto defaults = values_of(command, {});
    std::vector<std::string> set;
    leaves(YAML::LoadFile(path.string()), "", set);
    EXPECT_GT(set.size(), 5u);
    for (const std::string& name : set) {
      if (command == "quantify" && examples.count(name) != 0) continue;
      EXPECT_EQ(loaded.at(name), defaults.at(name)) << name;
    }
  }
  // dataset.yaml documents train.yaml's dataset section (and two training keys) on its own.
  const fs::path dataset = test::source_dir() / "configs" / "dataset.yaml";
  const auto defaults = values_of("train", {});
  std::vector<std::string> set;
  leaves(YAML::LoadFile(dataset.string()), "", set);
  const YAML::Node file = YAML::LoadFile(dataset.string());
  for (const std::string& name : set) {
    const std::string row = defaults.count("dataset." + name) ? "dataset." + name : "training." + name;
    ASSERT_EQ(defaults.count(row), 1u) << name << " is no train.yaml key";
    YAML::Node value = YAML::Clone(file);
    for (std::size_t start = 0, dot = 0; dot != std::string::npos; start = dot + 1) {
      dot = name.find('.', start);
      value.reset(value[name.substr(start, dot == std::string::npos ? std::string::npos : dot - start)]);
    }
    EXPECT_EQ(YAML::Node(YAML::Load(defaults.at(row))).as<std::string>(), value.as<std::string>()) << name;
  }
}

TEST(ConfigReferenceTest, GeneratedDefaultsLoadBackToTheDefaults) {
  test::TempDir dir;
  for (const std::string& command : config_commands()) {
    SCOPED_TRACE(command);
    const std::string text = default_config_yaml(command);
    EXPECT_NE(text.find(" # "), std::string::npos) << "keys carry their help";
    const fs::path path = dir / (command + ".yaml");
    core::write_file_atomic(path, text);
    EXPECT_EQ(values_of(command, path), values_of(command, {}));
  }
  EXPECT_THROW(default_config_yaml("demo"), ConfigError);
}

TEST(ConfigReferenceTest, TablesHaveUniqueKeysHelpAndContiguousSections) {
  for (const std::string& command : config_commands()) {
    SCOPED_TRACE(command);
    std::set<std::string> names;
    std::set<std::string> closed;  // sections already left
    std::string current = "-";
    for (const core::KeyRules& key : config_keys_of(command)) {
      EXPECT_TRUE(names.insert(key.name).second) << "duplicate " << key.name;
      EXPECT_FALSE(key.help_text.empty()) << key.name;
      const std::string section = key.section().substr(0, key.section().find('.'));
      if (section != current) {
        EXPECT_EQ(closed.count(section), 0u) << key.name << ": section " << section << " appears twice";
        closed.insert(current);
        current = section;
      }
    }
  }
}

}  // namespace
}  // namespace segoid::pipeline
