// SPDX-License-Identifier: MIT
// The commands whose flags come from config table rows, for the key-flag tests (in-process and
// through the binary): each command's table, defaults and config reader.
#pragma once

#include <CLI/CLI.hpp>
#include <yaml-cpp/yaml.h>

#include <filesystem>
#include <functional>
#include <memory>
#include <optional>
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
namespace fs = std::filesystem;

/// A command whose key flags come from a table, and how its config is read (its Config type
/// erased into closures).
struct Command {
  std::string name;
  std::vector<core::KeyRules> rules;
  std::function<std::string(const core::KeyRules&)> default_text;  ///< the key's default as YAML
  /// The emitted config after reading `yaml` (none: the defaults) and applying the flags parsed
  /// from `words` (none: no flags). Parsing throws CLI11's errors, applying ConfigError.
  std::function<std::string(const fs::path& yaml, const std::optional<std::string>& words)> snapshot;
};

/// An app with one command's key flags, after parsing.
template <class Config>
struct Parsed {
  std::unique_ptr<CLI::App> app;  ///< owns the options that `flags` reads
  std::shared_ptr<KeyFlags<Config>> flags;
};

/// Parses `words` (after the command name) into a fresh app holding `table`'s flags for `name`.
template <class Config>
Parsed<Config> parsed(const std::string& name, const core::ConfigTable<Config>& table, const std::string& words) {
  Parsed<Config> out{std::make_unique<CLI::App>(), nullptr};
  out.flags = add_key_flags(*out.app->add_subcommand(name), table);
  out.app->parse(name + " " + words);
  return out;
}

/// predict_full's flags parsed from `words`.
inline Parsed<infer::PredictConfig> parsed_predict(const std::string& words) {
  return parsed("predict_full", infer::predict_config_table(), words);
}

template <class Config>
inline std::string emitted(const core::ConfigTable<Config>& table, const Config& config) {
  YAML::Emitter out;
  out << YAML::BeginMap;
  core::emit_table(out, table, config);
  out << YAML::EndMap;
  return out.c_str();
}

template <class Config>
inline Command command(std::string name, const core::ConfigTable<Config>& table, std::function<Config(const fs::path&)> load) {
  Command c{name, core::rules_of(table), nullptr, nullptr};
  c.default_text = [&table](const core::KeyRules& key) {
    return core::value_text(core::find_key(table, key.name), Config{});
  };
  c.snapshot = [name, &table, load](const fs::path& yaml, const std::optional<std::string>& words) {
    Config config = yaml.empty() ? Config{} : load(yaml);
    if (words) parsed(name, table, *words).flags->apply(config);
    return emitted(table, config);
  };
  return c;
}

inline std::vector<Command> commands() {
  return {command<infer::PredictConfig>("predict_full", infer::predict_config_table(),
                                        [](const fs::path& path) {
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
inline std::vector<std::pair<const core::KeyRules*, const core::KeyFlag*>> offered(const Command& c) {
  std::vector<std::pair<const core::KeyRules*, const core::KeyFlag*>> out;
  for (const core::KeyRules& key : c.rules) {
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
