// SPDX-License-Identifier: MIT
// Subcommands register themselves here, so that each lives in its own file and main() stays a loop.
#pragma once

#include <CLI/CLI.hpp>

#include <functional>
#include <memory>
#include <string>
#include <vector>

namespace segoid::cli {

/// Declares the options of one subcommand on `sub` and returns the action to run after parsing.
/// The action fills the stage's config struct from the parsed values, makes one library call and
/// returns the process exit code.
using CommandSetup = std::function<std::function<int()>(CLI::App& sub)>;

struct CommandSpec {
  std::string name;                  ///< e.g. "validate_dataset"
  std::vector<std::string> aliases;  ///< e.g. {"validate"}
  std::string description;           ///< one line for --help
  int order = 100;                   ///< position in --help (pipeline order)
  CommandSetup setup;
};

/// The setup of a command whose parsed values live in one struct: `declare` binds the flags to the
/// members of a fresh `Options`, and `run` gets it after parsing and returns the exit code. A
/// command file then holds its struct, its flags and its action, and no registration plumbing.
template <class Options>
CommandSetup options_setup(void (*declare)(CLI::App&, Options&), int (*run)(Options&)) {
  return [declare, run](CLI::App& sub) -> std::function<int()> {
    auto options = std::make_shared<Options>();
    declare(sub, *options);
    return [options, run] { return run(*options); };
  };
}

/// Adds a command; call from a namespace-scope initializer in the command's file.
bool register_command(CommandSpec spec);
/// All registered commands in pipeline order.
std::vector<CommandSpec>& registered_commands();

}  // namespace segoid::cli
