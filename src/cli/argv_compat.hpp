// SPDX-License-Identifier: MIT
// argparse's command-line habits, which the Python SegOid's scripts rely on: the last of an option
// given twice wins, and a long option may be shortened to any unique prefix.
#pragma once

#include <CLI/CLI.hpp>

#include <string>
#include <vector>

namespace segoid::cli {

/// Makes every single-value option and flag of `app`'s subcommands take the last value given
/// (`--threshold 0.3 --threshold 0.7` is 0.7), as argparse does; CLI11 would refuse it.
void take_last_values(CLI::App& app);

/// argv with each abbreviated long option of the subcommand expanded to its full name, as
/// argparse's allow_abbrev does (`--pred-mask` for `--pred-mask-dir`, `--thr=0.3` for
/// `--threshold=0.3`). The subcommand is the first argument naming one of app's subcommands (or
/// an alias). A prefix of several options throws CLI::ValidationError naming them; unknown ones
/// are left for CLI11 to report; nothing after "--" changes.
std::vector<std::string> expand_abbreviations(const CLI::App& app, const std::vector<std::string>& args);

}  // namespace segoid::cli
