// SPDX-License-Identifier: MIT
// The `segoid` executable: parses the command line, runs one subcommand, maps errors to exit codes.
#include <spdlog/spdlog.h>

#include <algorithm>
#include <cstdint>
#include <filesystem>
#include <iostream>
#include <string>
#include <vector>

#include "argv_compat.hpp"
#include "command_registry.hpp"
#include "segoid/core/error.hpp"
#include "segoid/core/input_limits.hpp"
#include "segoid/core/version.hpp"

namespace segoid::cli {

bool register_command(CommandSpec spec) {
  registered_commands().push_back(std::move(spec));
  return true;
}

std::vector<CommandSpec>& registered_commands() {
  static std::vector<CommandSpec> commands;
  return commands;
}

namespace {

/// The Python SegOid's console entry points. `make install PYTHON_NAMES=1` links each to
/// `segoid`; started under one of these names, segoid runs that command, so the Python tool's
/// documented command lines work verbatim.
constexpr const char* kPythonEntryPoints[] = {"validate_dataset", "make_splits",      "sanity_check",
                                              "train",            "predict_full",     "quantify_objects",
                                              "extract_metrics",  "run_cv",           "review_predictions"};

/// The command named by argv[0] when it is a Python entry point, else empty.
std::string python_entry_point(const char* argv0) {
  const std::string name = std::filesystem::path(argv0 ? argv0 : "").filename().string();
  for (const char* entry : kPythonEntryPoints) {
    if (name == entry) return name;
  }
  return {};
}

}  // namespace
}  // namespace segoid::cli

int main(int argc, char** argv) {
  using namespace segoid;
  if (argc == 2 && std::string(argv[1]) == "--python-names") {  // for make install
    for (const char* entry : cli::kPythonEntryPoints) std::cout << entry << "\n";
    return 0;
  }
  // Started as a Python entry point (a link named e.g. quantify_objects): run that command.
  std::vector<char*> args(argv, argv + argc);
  std::string entry = cli::python_entry_point(argc > 0 ? argv[0] : nullptr);
  if (!entry.empty()) {
    const auto& known = cli::registered_commands();
    const bool exists = std::any_of(known.begin(), known.end(), [&](const cli::CommandSpec& c) { return c.name == entry; });
    if (!exists) {
      std::cerr << "segoid: \"" << entry << "\" is a Python SegOid command that this build of segoid ("
                << core::version() << ") does not provide yet; run `segoid --help` for the commands it has\n";
      return 2;
    }
    args.insert(args.begin() + 1, entry.data());
    argc = static_cast<int>(args.size());
    argv = args.data();
  }
  CLI::App app{"SegOid: spheroid segmentation and quantification for well-plate microscopy"};
  app.set_version_flag("--version", core::version_banner());
  app.require_subcommand(1);
  bool verbose = false;
  app.add_flag("-v,--verbose", verbose, "Debug logging");
  // Limits on what input headers may claim (refused before allocation); see core/input_limits.hpp.
  core::InputLimits limits;
  std::uint64_t max_record_mb = limits.max_record_bytes >> 20;
  app.add_option("--max-image-pixels", limits.max_image_pixels,
                 "Refuse images whose header claims more than this many pixels x samples")
      ->capture_default_str()->check(CLI::PositiveNumber);
  app.add_option("--max-record-mb", max_record_mb,
                 "Refuse checkpoints/.pth archives declaring a record or tensor larger than this (MiB)")
      ->capture_default_str()->check(CLI::PositiveNumber);

  auto& commands = cli::registered_commands();
  std::stable_sort(commands.begin(), commands.end(),
                   [](const cli::CommandSpec& a, const cli::CommandSpec& b) { return a.order < b.order; });
  std::vector<std::pair<CLI::App*, std::function<int()>>> actions;
  for (const auto& spec : commands) {
    CLI::App* sub = app.add_subcommand(spec.name, spec.description);
    for (const auto& alias : spec.aliases) sub->alias(alias);
    actions.emplace_back(sub, spec.setup(*sub));
  }

  // argparse's habits, which Python SegOid scripts rely on (README, "Differences").
  cli::take_last_values(app);
  try {
    const std::vector<std::string> given(argv, argv + argc);
    std::vector<std::string> expanded = cli::expand_abbreviations(app, given);
    app.name(expanded.front());                          // as parse(argc, argv) names it
    std::reverse(expanded.begin() + 1, expanded.end());  // CLI11 takes the arguments last first,
    expanded.erase(expanded.begin());                    // without the program name
    app.parse(expanded);
  } catch (const CLI::ParseError& e) {
    const int code = app.exit(e);
    return code == 0 ? 0 : 2;
  }
  limits.max_record_bytes = max_record_mb << 20;
  core::set_input_limits(limits);
  spdlog::set_pattern("%^[%l]%$ %v");
  spdlog::set_level(verbose ? spdlog::level::debug : spdlog::level::info);

  for (auto& [sub, action] : actions) {
    if (!sub->parsed()) continue;
    try {
      return action();
    } catch (const std::exception& e) {
      std::cerr << "segoid " << sub->get_name() << ": error: " << e.what() << std::endl;
      return exit_code_for(e);
    }
  }
  return 2;
}
