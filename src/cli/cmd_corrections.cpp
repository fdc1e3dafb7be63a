// SPDX-License-Identifier: MIT
// `segoid export_for_correction` and `segoid import_corrections`: the Fiji round trip.
#include <fmt/format.h>

#include <cstdlib>
#include <iostream>

#include "command_registry.hpp"
#include "segoid/data/corrections.hpp"

namespace segoid::cli::cmd_corrections {
namespace {

std::string user_name() {
  for (const char* variable : {"USER", "LOGNAME", "USERNAME"}) {
    if (const char* value = std::getenv(variable); value != nullptr && *value != '\0') return value;
  }
  return "unknown";
}

void declare_export(CLI::App& sub, data::ExportCorrectionConfig& config) {
  sub.add_option("--flagged", config.flagged,
                 "Flagged list from review_predictions --output-flagged (one image name per line) or its CSV")
      ->required()
      ->check(CLI::ExistingFile);
  auto* image_dir = sub.add_option("--image-dir", config.image_dir, "Folder holding the flagged images");
  auto* manifest = sub.add_option("--manifest", config.manifest, "Manifest CSV listing the images instead")
                       ->check(CLI::ExistingFile);
  image_dir->excludes(manifest);
  sub.add_option("--data-root", config.data_root, "Base of relative manifest paths")->capture_default_str();
  sub.add_option("--pred-mask-dir", config.pred_mask_dir, "predict_full output (<basename>_pred_mask.tif)")
      ->required();
  sub.add_option("--output-dir", config.output_dir, "The workspace to write")->required();
  sub.add_option("--source-model", config.source_model, "Checkpoint that made the predictions (recorded)");
  sub.add_flag("--force", config.force, "Replace the files of an existing workspace (corrected masks are kept)");
}

int run_export(data::ExportCorrectionConfig& config) {
  const auto entries = data::export_for_correction(config);
  std::cout << fmt::format("wrote a correction workspace of {} image(s) to {}\n"
                           "correct the masks in Fiji as {}/README.md says, then run\n"
                           "  segoid import_corrections --workspace {}\n",
                           entries.size(), config.output_dir.string(), config.output_dir.string(),
                           config.output_dir.string());
  return 0;
}

void declare_import(CLI::App& sub, data::ImportCorrectionConfig& config) {
  sub.add_option("--workspace", config.workspace, "Folder written by export_for_correction")
      ->required()
      ->check(CLI::ExistingDirectory);
  sub.add_option("--target-dir", config.target_dir, "Dataset folder with images/ and masks/")->capture_default_str();
  sub.add_option("--corrector", config.corrector, "Who corrected the masks (default: the user name)");
  sub.add_option("--source-model", config.source_model,
                 "Checkpoint that made the predictions (overrides the workspace's)");
}

int run_import(data::ImportCorrectionConfig& config) {
  if (config.corrector.empty()) config.corrector = user_name();
  const data::ImportCorrectionResult result = data::import_corrections(config);
  std::cout << fmt::format("imported {} corrected pair(s) into {} ({} pending); provenance in {}\n"
                           "next: segoid validate_dataset --input-dir {}\n",
                           result.imported.size(), config.target_dir.string(), result.pending.size(),
                           result.registry.string(), config.target_dir.string());
  return 0;
}

const bool kExportRegistered =
    register_command({"export_for_correction", {}, "Write a correction workspace of flagged images for Fiji", 66,
                      options_setup(declare_export, run_export)});

const bool kImportRegistered =
    register_command({"import_corrections", {}, "Validate corrected masks of a workspace and add them to data/working/",
                      67, options_setup(declare_import, run_import)});

}  // namespace
}  // namespace segoid::cli::cmd_corrections
