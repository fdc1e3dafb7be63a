// SPDX-License-Identifier: MIT
// Flags generated from config table rows, through the binary: each command lists them in --help
// with their defaults, and a bad value exits 2 naming the flag.
// CTest label: e2e
#include <gtest/gtest.h>

#include <string>

#include "key_flag_commands.hpp"
#include "test_support.hpp"

namespace segoid::cli {
namespace {
using key_flag_tests::Command;
using key_flag_tests::commands;
using key_flag_tests::names_of;
using key_flag_tests::offered;

/// The --help of `segoid <command>`.
std::string help_of(const std::string& command) {
  std::string help;
  EXPECT_EQ(test::run_command(test::segoid_binary().string() + " " + command + " --help", &help), 0) << help;
  return help;
}

TEST(KeyFlagsTest, EveryFlaggedRowIsInTheCommandLineHelpWithItsDefault) {
  for (const Command& c : commands()) {
    const std::string help = help_of(c.name);
    for (const auto& [key, flag] : offered(c)) {
      const auto [names, negations] = names_of(*flag);
      for (const std::string& name : names) EXPECT_NE(help.find(name), std::string::npos) << c.name << " " << name;
      for (const std::string& name : negations) EXPECT_NE(help.find(name), std::string::npos) << c.name << " " << name;
      const std::string text = key_help(*key, c.default_text(*key));
      EXPECT_NE(help.find(text), std::string::npos) << c.name << ": no \"" << text << "\" in\n" << help;
    }
  }
  EXPECT_NE(help_of("predict_full")
                .find("Tile side, pixels; 0 = the checkpoint's training patch size; an image smaller than a tile "
                      "gets the largest multiple of 32 that fits [0]"),
            std::string::npos);
}

TEST(KeyFlagsTest, BadFlagValueOnTheCommandLineExitsTwoNamingTheFlag) {
  test::TempDir dir;
  std::string output;
  const std::string command = test::segoid_binary().string() + " predict_full --checkpoint " +
                              (dir / "none.pt").string() + " --input " + dir.path().string() +
                              " --overlap 1 2>&1";
  EXPECT_EQ(test::run_command(command, &output), 2) << output;
  EXPECT_NE(output.find("--overlap: inference.overlap must be in [0, 1), got 1"), std::string::npos) << output;
}

}  // namespace
}  // namespace segoid::cli
