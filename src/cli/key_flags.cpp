// SPDX-License-Identifier: MIT
// Command-line overrides of config keys: the help text and which commands offer a flag.
#include "key_flags.hpp"

#include <algorithm>
#include <cctype>

namespace segoid::cli {

std::string key_help(const core::KeyRules& key, const std::string& default_text) {
  std::string help = key.help_text;
  if (!help.empty()) help[0] = static_cast<char>(std::toupper(static_cast<unsigned char>(help[0])));
  return help + " [" + default_text + "]";
}

bool offers(const core::KeyFlag& flag, const std::string& command) {
  return flag.commands.empty() || std::find(flag.commands.begin(), flag.commands.end(), command) != flag.commands.end();
}

}  // namespace segoid::cli
