// SPDX-License-Identifier: MIT
// `segoid config --defaults <command>`: prints the fully commented default config of a command.
#include <iostream>

#include "command_registry.hpp"
#include "segoid/pipeline/config_reference.hpp"

namespace segoid::cli::cmd_config {
namespace {

std::function<int()> setup(CLI::App& sub) {
  auto command = std::make_shared<std::string>();
  sub.add_option("--defaults", *command, "Print every key of this command's config with default, help and range")
      ->required()
      ->check(CLI::IsMember(pipeline::config_commands()));
  return [command] {
    std::cout << pipeline::default_config_yaml(*command);
    return 0;
  };
}

const bool kRegistered = register_command(
    {"config", {}, "Print a command's config reference (every key, default, help, range)", 900, setup});

}  // namespace
}  // namespace segoid::cli::cmd_config
