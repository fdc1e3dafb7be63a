// SPDX-License-Identifier: MIT
// `segoid validate_dataset` (alias `validate`): checks image/mask pairs, writes all.csv and qc_report.csv.
#include <iostream>

#include "command_registry.hpp"
#include "segoid/core/atomic_file.hpp"
#include "segoid/data/validate_dataset.hpp"

namespace segoid::cli::cmd_validate_dataset {
namespace {

/// Basenames from a text file: one per line; blank lines and lines starting with '#' ignored.
std::vector<std::string> read_basename_list(const std::filesystem::path& path) {
  std::vector<std::string> names;
  std::string content = core::read_file(path);
  std::size_t start = 0;
  while (start <= content.size()) {
    std::size_t end = content.find('\n', start);
    if (end == std::string::npos) end = content.size();
    std::string line = content.substr(start, end - start);
    while (!line.empty() && (line.back() == '\r' || line.back() == ' ' || line.back() == '\t')) line.pop_back();
    const std::size_t first = line.find_first_not_of(" \t");
    if (first != std::string::npos && line[first] != '#') names.push_back(line.substr(first));
    start = end + 1;
  }
  return names;
}

struct ValidateOptions {
  data::CurateConfig config;
  std::string confirm_file;
};

void declare(CLI::App& sub, ValidateOptions& o) {
  data::CurateConfig& config = o.config;
  sub.add_option("--input-dir", config.input_dir, "Folder with images/ and masks/ (<basename>_mask.<ext>)")
      ->required();
  sub.add_option("--output-dir", config.output_dir, "Where all.csv and qc_report.csv are written")->required();
  sub.add_option("--confirm-empty", config.confirm_empty,
                 "Basename whose empty mask is a true negative (repeatable; also comma-separated)")
      ->delimiter(',');
  sub.add_option("--confirm-empty-list", o.confirm_file,
                 "Text file of basenames with confirmed empty masks, one per line ('#' comments)")
      ->check(CLI::ExistingFile);
  sub.footer(
      "Exit status: 0 when no image failed, 1 when any failed, 2 on usage errors. An empty mask not yet\n"
      "confirmed is flagged with a warning and kept in all.csv (empty_confirmed False), as the Python tool.\n"
      "Empty masks already marked empty_confirmed in <output-dir>/all.csv stay confirmed.");
}

int run(ValidateOptions& o) {
  if (!o.confirm_file.empty()) {
    for (auto& name : read_basename_list(o.confirm_file)) o.config.confirm_empty.push_back(std::move(name));
  }
  const data::ValidationReport report = data::validate_dataset(o.config);
  std::cout << data::format_validation_summary(report) << std::flush;
  return report.exit_code();
}

const bool kRegistered = register_command({"validate_dataset", {"validate"},
                                           "Check image/mask pairs and write all.csv and qc_report.csv", 10,
                                           options_setup(declare, run)});

}  // namespace
}  // namespace segoid::cli::cmd_validate_dataset
