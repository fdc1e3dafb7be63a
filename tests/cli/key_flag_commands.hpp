// SPDX-License-Identifier: MIT
// The commands whose flags come from config table rows, for the key-flag tests (in-process and
// through the binary): each command's table, defaults and config reader.
#pragma once

#include <yaml-cpp/yaml.h>

#include <filesystem>
#include <functional>
#include <memory>
#include <sstream>
#include <string>
#include <utility>
#include <vector>

#include "key_flags.hpp"
#include "segoid/analysis/quantify.hpp"
#include "segoid/infer/predict_full.hpp"
#include "segoid/pipeline/cross_validation.hpp"
#include "segoid/pipeline/sanity_check.hpp"
#include "segoid/train/train_config.hpp"

namespace segoid::cli::key_flag_tests {

/// A command whose key flags come from a table, and how its config is read.
struct Command {
  std::string name;
  const core::ConfigTable* table;
  std::shared_ptr<void> defaults;  ///< a default-constructed config of the table's type
  std::function<std::shared_ptr<KeyFlags>(CLI::App&)> add_flags;
  /// The emitted config after reading `yaml` (none: the defaults) and applying `flags` (if any).
  std::function<std::string(const std::filesystem::path& yaml, const KeyFlags* flags)> snapshot;
};

inline std::string emitted(const core::ConfigTable& table, const void* config) {
  YAML::Emitter out;
  out << YAML::BeginMap;
  core::emit_table(out, table, config);
  out << YAML::EndMap;
  return out.c_str();
}

template <class Config>
Command command(std::string name, const core::ConfigTable& table, std::function<Config(const std::filesystem::path&)> load) {
  Command c{std::move(name), &table, std::make_shared<Config>(), nullptr, nullptr};
  c.add_flags = [&table](CLI::App& sub) { return KeyFlags::add<Config>(sub, table); };
  c.snapshot = [&table, load](const std::filesystem::path& yaml, const KeyFlags* flags) {
    Config config = yaml.empty() ? Config{} : load(yaml);
    if (flags != nullptr) flags->apply(config);
    return emitted(table, &config);
  };
  return c;
}

inline std::vector<Command> commands() {
  return {command<infer::PredictConfig>("predict_full", infer::predict_config_table(),
                                        [](const std::filesystem::path& path) {
                                          infer::PredictConfig c;
                                          infer::load_predict_config(path, c);
                                          return c;
                                        }),
          command<analysis::QuantifyConfig>("quantify_objects", analysis::quantify_config_table(),
                                            analysis::load_quantify_config),
          command<train::TrainConfig>("train", train::train_config_table(), train::load_train_config),
          command<pipeline::SanityConfig>("sanity_check", pipeline::sanity_config_table(), pipeline::load_sanity_config),
          command<pipeline::CvConfig>("run_cv", pipeline::cv_config_table(), pipeline::load_cv_config)};
}

/// The flags of `c`'s rows that `c` offers, with their rows.
inline std::vector<std::pair<const core::ConfigKey*, const core::KeyFlag*>> offered(const Command& c) {
  std::vector<std::pair<const core::ConfigKey*, const core::KeyFlag*>> out;
  for (const core::ConfigKey& key : *c.table) {
    for (const core::KeyFlag& flag : key.flags) {
      if (offers(flag, c.name)) out.emplace_back(&key, &flag);
    }
  }
  return out;
}

/// The names of a flag ("--fill-holes,!--no-fill-holes"): positive ones, then the negations.
inline std::pair<std::vector<std::string>, std::vector<std::string>> names_of(const core::KeyFlag& flag) {
  std::pair<std::vector<std::string>, std::vector<std::string>> names;
  std::stringstream in(flag.names);
  for (std::string name; std::getline(in, name, ',');) {
    if (name[0] == '!') names.second.push_back(name.substr(1)); else names.first.push_back(name);
  }
  return names;
}

}  // namespace segoid::cli::key_flag_tests
