// SPDX-License-Identifier: MIT
// Command-line overrides of config keys, added from and applied through the table rows.
#include "key_flags.hpp"

#include <algorithm>
#include <cctype>
#include <type_traits>

#include "segoid/core/error.hpp"

namespace segoid::cli {

std::string key_help(const core::ConfigKey& key, const void* defaults) {
  std::string help = key.help_text;
  if (!help.empty()) help[0] = static_cast<char>(std::toupper(static_cast<unsigned char>(help[0])));
  return help + " [" + core::value_text(key, defaults) + "]";
}

bool offers(const core::KeyFlag& flag, const std::string& command) {
  return flag.commands.empty() || std::find(flag.commands.begin(), flag.commands.end(), command) != flag.commands.end();
}

KeyFlags::KeyFlags(CLI::App& sub, const core::ConfigTable& table, std::shared_ptr<void> parsed, std::type_index type)
    : parsed_(std::move(parsed)), type_(type) {
  void* target = parsed_.get();
  for (const core::ConfigKey& key : table) {
    for (const core::KeyFlag& flag : key.flags) {
      if (!offers(flag, sub.get_name())) continue;
      const std::string help = key_help(key, target);
      CLI::Option* option = nullptr;
      const std::string* text = nullptr;
      if (key.text_get) {
        texts_.push_back(key.text_get(target));
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
            key.field(target));
      }
      if (!key.allowed.empty()) option->check(CLI::IsMember(key.allowed));
      flags_.push_back({&key, option, text});
    }
  }
}

void KeyFlags::apply(void* config, std::type_index type) const {
  SEGOID_CHECK(type == type_, "KeyFlags::apply: a config of another type than the table's");
  for (const Flag& flag : flags_) {
    if (flag.option->count() == 0) continue;
    if (flag.text != nullptr) {
      flag.key->text_set(config, *flag.text);  // its choices were checked by IsMember
      continue;
    }
    core::validate_key(*flag.key, parsed_.get(), flag.option->get_name());
    core::copy_value(*flag.key, parsed_.get(), config);
  }
}

}  // namespace segoid::cli
