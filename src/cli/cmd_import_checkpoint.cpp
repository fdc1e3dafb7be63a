// SPDX-License-Identifier: MIT
// `segoid import_checkpoint PYTORCH.pth OUT.pth`: a Python SegOid checkpoint as a SegOid checkpoint.
#include <spdlog/spdlog.h>

#include "command_registry.hpp"
#include "file_conversion.hpp"
#include "segoid/model/checkpoint_interop.hpp"

namespace segoid::cli::cmd_import_checkpoint {
namespace {

void declare(CLI::App& sub, ConversionOptions& o) {
  sub.add_option("PYTORCH_PTH", o.input, "torch.save dict with model_state_dict")->required();
  sub.add_option("OUT_PT", o.output, "SegOid checkpoint to write")->required();
  sub.add_flag("--force", o.force, "Replace OUT_PT if it exists");
}

int run(ConversionOptions& o) {
  refuse_to_replace(o);
  model::import_checkpoint(o.input, o.output);
  spdlog::info("wrote {}", o.output);
  return 0;
}

const bool kRegistered = register_command(
    {"import_checkpoint", {}, "Convert a Python SegOid/smp .pth checkpoint into a SegOid checkpoint", 92,
     options_setup(declare, run)});

}  // namespace
}  // namespace segoid::cli::cmd_import_checkpoint
