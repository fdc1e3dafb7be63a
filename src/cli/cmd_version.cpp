// SPDX-License-Identifier: MIT
// `segoid version`: prints version, git hash and the libraries in use.
#include <iostream>

#include "command_registry.hpp"
#include "segoid/core/version.hpp"

namespace segoid::cli::cmd_version {
namespace {

const bool kRegistered = register_command({
    "version", {}, "Print the SegOid version and git hash", 1000, [](CLI::App&) -> std::function<int()> {
      return [] {
        std::cout << core::version_banner() << "\n";
        return 0;
      };
    }});

}  // namespace
}  // namespace segoid::cli::cmd_version
