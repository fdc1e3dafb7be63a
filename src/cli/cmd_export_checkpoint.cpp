// SPDX-License-Identifier: MIT
// `segoid export_checkpoint CKPT OUT.pth`: any checkpoint (a legacy .pt too) as a SegOid .pth for Python.
#include <spdlog/spdlog.h>

#include <filesystem>
#include <memory>

#include "command_registry.hpp"
#include "file_conversion.hpp"
#include "model_dirs.hpp"
#include "segoid/model/checkpoint_interop.hpp"
#include "segoid/model/checkpoint_info.hpp"

namespace segoid::cli::cmd_export_checkpoint {
namespace {

/// export_checkpoint's values: the conversion's, and whether to store float16 weights.
struct ExportOptions : ConversionOptions {
  bool half = false;
};

const bool kRegistered = register_command({
    "export_checkpoint", {}, "Write a SegOid checkpoint as a .pth that loads into smp.Unet in Python", 93,
    [](CLI::App& sub) -> std::function<int()> {
      auto options = std::make_shared<ExportOptions>();
      sub.add_option("CKPT_PT", options->input, "SegOid checkpoint, or a model name (spheroid-base)")->required();
      sub.add_option("OUT_PTH", options->output, ".pth to write (dict with model_state_dict)")->required();
      sub.add_flag("--force", options->force, "Replace OUT_PTH if it exists");
      sub.add_flag("--half", options->half,
                   "Store the weights as float16 (half the file; loaded back as float32, as the shipped model is)");
      return [options] {
        refuse_to_replace(*options);
        const std::filesystem::path input = resolve_checkpoint(options->input);
        model::export_checkpoint(input, options->output, options->half);
        spdlog::info("wrote {} (Python: model.load_state_dict(torch.load(path)['model_state_dict']))",
                     options->output);
        // The Python tool knows no model.image_scale: its users must resize by hand.
        const double scale = model::read_model_description(input).image_scale;
        if (scale != 1.0) {
          spdlog::warn("{} saw its images resized by {} (model.image_scale); Python SegOid predicts images as "
                       "they are, so resize them by {} first",
                       input.string(), scale, scale);
        }
        return 0;
      };
    }});

}  // namespace
}  // namespace segoid::cli::cmd_export_checkpoint
