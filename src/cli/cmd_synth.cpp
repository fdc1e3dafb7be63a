// SPDX-License-Identifier: MIT
// `segoid synth`: writes synthetic well-plate images with exact masks (for trying SegOid and tests).
#include <fmt/format.h>

#include <filesystem>
#include <iostream>
#include <memory>
#include <regex>

#include "command_registry.hpp"
#include "segoid/core/error.hpp"
#include "segoid/synth/synth_plate.hpp"

namespace segoid::cli::cmd_synth {
namespace {

struct SynthOptions {
  std::filesystem::path out;
  int images = 8;
  std::string size;
  std::string bit_depth = "16";
  bool force = false;
  synth::SynthConfig config;
};

void apply_size(const std::string& text, synth::SynthConfig& config) {
  static const std::regex kSize(R"((\d+)[xX](\d+))");
  std::smatch match;
  if (!std::regex_match(text, match, kSize)) {
    throw ConfigError(fmt::format("--size must look like 1536x1408 (width x height, px), got \"{}\"", text));
  }
  config.width = std::stoi(match[1]);
  config.height = std::stoi(match[2]);
}

void declare(CLI::App& sub, SynthOptions& opt) {
  synth::SynthConfig& c = opt.config;
  sub.option_defaults()->always_capture_default();  // every option shows its default in --help
  sub.add_option("--out", opt.out, "Output folder; writes OUT/working/images and OUT/working/masks")->required();
  sub.add_option("--images", opt.images, "Number of images")->check(CLI::Range(1, 100000));
  sub.add_option("--seed", c.seed, "Base seed; image i uses a seed mixed from (seed, i)");
  sub.add_option("--style", c.style,
                 "Acquisition style: flat-well (today's plates), ula-round-bottom, fluorescence, "
                 "phase-contrast, matrigel-dome, rgb-jpeg, or mixed (one style per image, seeded)");
  sub.add_option("--size", opt.size, "Image size WxH in px (default 1536x1408)");
  sub.add_option("--bit-depth", opt.bit_depth, "8, 16, or mixed (8-bit and 16-bit images alternate)")
      ->check(CLI::IsMember({"8", "16", "mixed"}));
  sub.add_option("--sensor-bits", c.sensor_bits, "Significant bits of 16-bit images (12 = 12-bit camera)")
      ->check(CLI::Range(8, 16));
  sub.add_option("--empty-fraction", c.empty_fraction, "Fraction of wells without a spheroid")
      ->check(CLI::Range(0.0, 1.0));
  sub.add_option("--overlay-fraction", c.overlay_fraction,
                 "Fraction of styled images with a burned-in scale bar and time stamp (rgb-jpeg: all)")
      ->check(CLI::Range(0.0, 1.0));
  sub.add_option("--min-diameter", c.min_diameter, "Smallest spheroid equivalent diameter, px");
  sub.add_option("--max-diameter", c.max_diameter, "Largest spheroid equivalent diameter, px");
  sub.add_option("--max-eccentricity", c.max_eccentricity, "Largest spheroid eccentricity");
  sub.add_option("--well-rows", c.well_rows, "Rows of wells (0 = as many as fit)");
  sub.add_option("--well-cols", c.well_cols, "Columns of wells (0 = as many as fit)");
  sub.add_option("--debris", c.debris_per_well_max, "Most single cells/specks per well");
  sub.add_option("--clumps", c.clumps_per_well_max, "Most small cell clumps per well");
  sub.add_flag("--force", opt.force, "Replace the images and masks of an existing OUT/working");
}

int run(SynthOptions& opt) {
  synth::SynthConfig config = opt.config;
  if (!opt.size.empty()) apply_size(opt.size, config);
  config.mixed_bit_depth = opt.bit_depth == "mixed";
  if (!config.mixed_bit_depth) config.bit_depth = std::stoi(opt.bit_depth);
  const auto summary = synth::write_synthetic_set(opt.out, opt.images, config, opt.force);
  const int n = static_cast<int>(summary.images.size());
  if (config.style != "flat-well") {
    std::cout << fmt::format(
        "synth: wrote {} {} images ({}x{} px) and {} masks with {} objects to {}, seed {}, {:.0f} ms/image\n"
        "       truth table {}\n       config {}\n",
        n, config.style, config.width, config.height, summary.masks.size(), summary.spheroids,
        (opt.out / "working").string(), config.seed, summary.milliseconds_per_image,
        summary.truth_csv.string(), summary.config_yaml.string());
    return 0;
  }
  std::cout << fmt::format(
      "synth: wrote {} images ({} 8-bit, {} 16-bit, {}x{} px) and {} masks to {}\n"
      "       {} spheroids in {} wells ({} empty), seed {}, {:.0f} ms/image\n"
      "       truth table {}\n       config {}\n",
      n, summary.eight_bit_images, n - summary.eight_bit_images, config.width, config.height,
      summary.masks.size(), (opt.out / "working").string(), summary.spheroids, summary.wells,
      summary.wells - summary.spheroids, config.seed, summary.milliseconds_per_image,
      summary.truth_csv.string(), summary.config_yaml.string());
  return 0;
}

const bool kRegistered = register_command(
    {"synth", {}, "Write synthetic well-plate images with exact spheroid masks", 5, options_setup(declare, run)});

}  // namespace
}  // namespace segoid::cli::cmd_synth
