// SPDX-License-Identifier: MIT
// `segoid import_checkpoint PYTORCH.pth OUT.pth`: a Python SegOid checkpoint as a SegOid checkpoint.
#include <spdlog/spdlog.h>

#include <filesystem>
#include <memory>

#include "command_registry.hpp"
#include "segoid/core/error.hpp"
#include "segoid/model/checkpoint_interop.hpp"

namespace segoid::cli {
namespace {

struct ImportOptions {
  std::string input;
  std::string output;
  bool force = false;
};

const bool kRegistered = register_command({
    "import_checkpoint", {}, "Convert a Python SegOid/smp .pth checkpoint into a SegOid checkpoint", 92,
    [](CLI::App& sub) -> std::function<int()> {
      auto options = std::make_shared<ImportOptions>();
      sub.add_option("PYTORCH_PTH", options->input, "torch.save dict with model_state_dict")->required();
      sub.add_option("OUT_PT", options->output, "SegOid checkpoint to write")->required();
      sub.add_flag("--force", options->force, "Replace OUT_PT if it exists");
      return [options] {
        if (std::filesystem::exists(options->output) && !options->force) {
          throw ConfigError("\"" + options->output + "\" exists; pass --force to replace it");
        }
        model::import_checkpoint(options->input, options->output);
        spdlog::info("wrote {}", options->output);
        return 0;
      };
    }});

}  // namespace
}  // namespace segoid::cli
