// SPDX-License-Identifier: MIT
// Command-line overrides of config keys, one option per flag that a table row names (.flag()).
#pragma once

#include <CLI/CLI.hpp>

#include <deque>
#include <memory>
#include <string>
#include <typeindex>
#include <vector>

#include "segoid/core/config_table.hpp"

namespace segoid::cli {

/// "<Row help> [<default>]", the --help text of a flag that sets `key`; `defaults` is a
/// default-constructed config of the table's type.
std::string key_help(const core::ConfigKey& key, const void* defaults);

/// Whether `command` (a registered name, e.g. "sanity_check") offers `flag`.
bool offers(const core::KeyFlag& flag, const std::string& command);

/// The options of one command that set config keys: one per flag of `table`'s rows that the
/// command offers, typed as the member (a bool is a switch), choices checked by CLI::IsMember.
class KeyFlags {
 public:
  /// Adds the options to `sub` (named after its command), which must outlive the result;
  /// `Config` is the table's config type.
  template <class Config>
  static std::shared_ptr<KeyFlags> add(CLI::App& sub, const core::ConfigTable& table) {
    return std::shared_ptr<KeyFlags>(new KeyFlags(sub, table, std::make_shared<Config>(), typeid(Config)));
  }

  /// After parsing: checks each given flag's value by its row, as a YAML value is checked, and
  /// sets it in `config`, over what the config file said. Throws ConfigError "--flag: key must ...".
  template <class Config>
  void apply(Config& config) const {
    apply(&config, typeid(Config));
  }

 private:
  struct Flag {
    const core::ConfigKey* key;
    CLI::Option* option;
    const std::string* text;  ///< the parsed text of an enum row, else null
  };
  KeyFlags(CLI::App& sub, const core::ConfigTable& table, std::shared_ptr<void> parsed, std::type_index type);
  void apply(void* config, std::type_index type) const;

  std::shared_ptr<void> parsed_;   ///< a default Config that the options parse into
  std::type_index type_;
  std::deque<std::string> texts_;  ///< what enum rows parse into
  std::vector<Flag> flags_;
};

}  // namespace segoid::cli
