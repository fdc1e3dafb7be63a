// SPDX-License-Identifier: MIT
// argparse compatibility of the command line: last value wins, unique prefixes of long options.
#include "argv_compat.hpp"

#include <algorithm>

namespace segoid::cli {

void take_last_values(CLI::App& app) {
  for (CLI::App* sub : app.get_subcommands([](const CLI::App*) { return true; })) {
    for (CLI::Option* option : sub->get_options([](const CLI::Option*) { return true; })) {
      if (option->get_expected_max() <= 1) option->multi_option_policy(CLI::MultiOptionPolicy::TakeLast);
    }
  }
}

namespace {

const CLI::App* find_subcommand(const CLI::App& app, const std::string& name) {
  for (const CLI::App* sub : app.get_subcommands([](const CLI::App*) { return true; })) {
    if (sub->check_name(name)) return sub;
  }
  return nullptr;
}

}  // namespace

std::vector<std::string> expand_abbreviations(const CLI::App& app, const std::vector<std::string>& args) {
  std::vector<std::string> out = args;
  const CLI::App* sub = nullptr;
  std::size_t first = 0;
  for (std::size_t i = 1; i < out.size() && sub == nullptr; ++i) {
    sub = find_subcommand(app, out[i]);
    first = i + 1;
  }
  if (sub == nullptr) return out;
  std::vector<std::string> names;  // long names without "--"
  for (const CLI::Option* option : sub->get_options()) {
    for (const std::string& name : option->get_lnames()) names.push_back(name);
  }
  for (std::size_t i = first; i < out.size(); ++i) {
    const std::string& arg = out[i];
    if (arg == "--") break;
    if (arg.size() <= 2 || arg.compare(0, 2, "--") != 0) continue;
    const std::size_t equals = arg.find('=');
    const std::string given = arg.substr(2, equals == std::string::npos ? std::string::npos : equals - 2);
    if (std::find(names.begin(), names.end(), given) != names.end()) continue;
    std::vector<std::string> matches;
    for (const std::string& name : names) {
      if (name.compare(0, given.size(), given) == 0) matches.push_back("--" + name);
    }
    if (matches.size() == 1) {
      out[i] = matches.front() + (equals == std::string::npos ? "" : arg.substr(equals));
    } else if (matches.size() > 1) {
      std::string list;
      for (const std::string& match : matches) list += (list.empty() ? "" : ", ") + match;
      throw CLI::ValidationError("ambiguous option: --" + given + " could match " + list);
    }
  }
  return out;
}

}  // namespace segoid::cli
