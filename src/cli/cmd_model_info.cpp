// SPDX-License-Identifier: MIT
// `segoid model_info CKPT [--json]`: what a checkpoint is, where it came from.
#include <iostream>
#include <memory>

#include "command_registry.hpp"
#include "model_dirs.hpp"
#include "segoid/model/model_info.hpp"

namespace segoid::cli::cmd_model_info {
namespace {

struct ModelInfoOptions {
  std::string checkpoint;
  bool json = false;
};

const bool kRegistered = register_command({
    "model_info", {}, "Describe a checkpoint: architecture, training, manifests, parent chain, version", 94,
    [](CLI::App& sub) -> std::function<int()> {
      auto options = std::make_shared<ModelInfoOptions>();
      sub.add_option("CKPT", options->checkpoint, "SegOid .pth (or legacy .pt) or Python SegOid .pth checkpoint, or a model name (spheroid-base)")->required();
      sub.add_flag("--json", options->json, "Print a JSON object instead of text");
      return [options] {
        const model::ModelInfo description = model::describe_checkpoint(resolve_checkpoint(options->checkpoint));
        std::cout << (options->json ? model::model_description_json(description)
                                    : model::format_model_description(description));
        return 0;
      };
    }});

}  // namespace
}  // namespace segoid::cli::cmd_model_info
