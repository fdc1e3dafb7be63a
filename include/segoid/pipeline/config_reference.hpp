// SPDX-License-Identifier: MIT
// The generated config reference: every key of a command's config file with its default, help and
// range, printed by `segoid config --defaults <command>`; all derived from the config tables.
#pragma once

#include <string>
#include <vector>

#include "segoid/core/config_table.hpp"

namespace segoid::pipeline {

/// The commands with a config file: train, predict, quantify, sanity_check, cv.
std::vector<std::string> config_commands();

/// The rules (name, help, range, ...) of every key of `command`'s config file, in table order.
/// Throws ConfigError naming the command when unknown.
std::vector<core::KeyRules> config_keys_of(const std::string& command);

/// Fully commented YAML of `command`'s defaults (loads back to the defaults).
/// Throws ConfigError naming the command when unknown.
std::string default_config_yaml(const std::string& command);

}  // namespace segoid::pipeline
