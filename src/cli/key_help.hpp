// SPDX-License-Identifier: MIT
// --help text of a flag that sets a config key, from the key's table row (help and default).
#pragma once

#include <cctype>
#include <string>

#include "segoid/core/config_table.hpp"

namespace segoid::cli {

/// "<row help> [<default>]" for the flag that overrides `name`; `defaults` is a default-constructed
/// config of the table's type. The flag's value is then checked by the same row.
inline std::string key_help(const core::ConfigTable& table, const std::string& name, const void* defaults) {
  const core::ConfigKey& key = core::find_key(table, name);
  std::string help = key.help_text;
  if (!help.empty()) help[0] = static_cast<char>(std::toupper(static_cast<unsigned char>(help[0])));
  return help + " [" + core::value_text(key, defaults) + "]";
}

}  // namespace segoid::cli
