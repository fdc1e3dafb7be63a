// SPDX-License-Identifier: MIT
// Command-line overrides of config keys, one option per flag that a table row names (.flag()).
#pragma once

#include <CLI/CLI.hpp>

#include <deque>
#include <memory>
#include <set>
#include <string>
#include <type_traits>
#include <vector>

#include "segoid/core/config_table.hpp"

namespace segoid::cli {

/// "<Row help> [<default>]", the --help text of a flag; `default_text` is the key's default as YAML.
std::string key_help(const core::KeyRules& key, const std::string& default_text);

/// The same for `key` of a config whose defaults are `defaults`.
template <class Config>
std::string key_help(const core::ConfigKey<Config>& key, const Config& defaults) {
  return key_help(key, core::value_text(key, defaults));
}

/// Whether `command` (a registered name, e.g. "sanity_check") offers `flag`.
bool offers(const core::KeyFlag& flag, const std::string& command);

/// The options of one command that set keys of a `Config`: one per flag of the table's rows that
/// the command offers, typed as the member (a bool is a switch), choices checked by CLI::IsMember.
template <class Config>
class KeyFlags {
 public:
  /// Adds the options to `sub` (named after its command); `sub` and `table` must outlive the result.
  KeyFlags(CLI::App& sub, const core::ConfigTable<Config>& table) {
    for (const core::ConfigKey<Config>& key : table) {
      for (const core::KeyFlag& flag : key.flags) {
        if (offers(flag, sub.get_name())) add(sub, key, flag);
      }
    }
  }
  KeyFlags(const KeyFlags&) = delete;  // the options point into this object
  KeyFlags& operator=(const KeyFlags&) = delete;

  /// After parsing: checks each given flag's value by its row, as a YAML value is checked, and
  /// sets it in `config`, over what the config file said. Returns the keys given (a flag names its
  /// key as a config file does). Throws ConfigError "--flag: key must ...".
  std::set<std::string> apply(Config& config) const {
    std::set<std::string> given;
    for (const Flag& flag : flags_) {
      if (flag.option->count() == 0) continue;
      given.insert(flag.key->name);
      if (flag.text != nullptr) {
        flag.key->text_set(config, *flag.text);  // its choices were checked by IsMember
        continue;
      }
      core::validate_key(*flag.key, parsed_, flag.option->get_name());
      core::copy_value(*flag.key, parsed_, config);
    }
    return given;
  }

 private:
  struct Flag {
    const core::ConfigKey<Config>* key;
    CLI::Option* option;
    const std::string* text;  ///< the parsed text of an enum row, else null
  };

  void add(CLI::App& sub, const core::ConfigKey<Config>& key, const core::KeyFlag& flag) {
    const std::string help = key_help(key, parsed_);
    CLI::Option* option = nullptr;
    const std::string* text = nullptr;
    if (key.is_enum) {
      texts_.push_back(key.text_get(parsed_));
      text = &texts_.back();
      option = sub.add_option(flag.names, texts_.back(), help);
    } else {
      option = std::visit(
          [&](auto* member) -> CLI::Option* {
            if constexpr (std::is_same_v<decltype(member), bool*>) {
              return sub.add_flag(flag.names, *member, help);
            } else {
              return sub.add_option(flag.names, *member, help);
            }
          },
          key.field(parsed_));
    }
    if (!key.allowed.empty()) option->check(CLI::IsMember(key.allowed));
    flags_.push_back({&key, option, text});
  }

  Config parsed_;                  ///< a default Config that the options parse into
  std::deque<std::string> texts_;  ///< what enum rows parse into
  std::vector<Flag> flags_;
};

/// The key flags of `table` for the command `sub`, kept alive by the command's callback.
template <class Config>
std::shared_ptr<KeyFlags<Config>> add_key_flags(CLI::App& sub, const core::ConfigTable<Config>& table) {
  return std::make_shared<KeyFlags<Config>>(sub, table);
}

}  // namespace segoid::cli
