// SPDX-License-Identifier: MIT
// `segoid synth_assay`: a synthetic plate time series with a known growth rate per well and a
// known dose-response per compound (images, exact masks, layout.csv and the truth tables).
#include <fmt/format.h>

#include <iostream>
#include <sstream>

#include "command_registry.hpp"
#include "segoid/core/error.hpp"
#include "segoid/synth/synth_assay.hpp"

namespace segoid::cli::cmd_synth_assay {
namespace {

struct AssayOptions {
  std::filesystem::path out;
  std::vector<std::string> compounds;
  std::string concentrations, times;
  bool force = false;
  synth::SynthAssayConfig config;
};

std::vector<double> numbers(const std::string& text, const std::string& flag) {
  std::vector<double> out;
  std::istringstream in(text);
  for (std::string item; std::getline(in, item, ',');) {
    try {
      std::size_t used = 0;
      out.push_back(std::stod(item, &used));
      if (used != item.size()) throw std::invalid_argument(item);
    } catch (const std::exception&) {
      throw ConfigError(fmt::format("{}: \"{}\" is not a number (give a comma-separated list)", flag, item));
    }
  }
  return out;
}

synth::AssayCompound compound(const std::string& text) {
  const auto pos = text.find(',');
  const std::vector<double> v = pos == std::string::npos ? std::vector<double>() : numbers(text.substr(pos + 1), "--compound");
  if (v.size() != 4) {
    throw ConfigError("--compound must be NAME,IC50,HILL,TOP,BOTTOM (rates in 1/h), got \"" + text + "\"");
  }
  return {text.substr(0, pos), v[0], v[1], v[2], v[3]};
}

void declare(CLI::App& sub, AssayOptions& opt) {
  synth::SynthAssayConfig& c = opt.config;
  sub.add_option("--out", opt.out, "Output folder: images/, masks/, layout.csv, assay_*.csv")->required();
  sub.add_option("--compound", opt.compounds,
                 "NAME,IC50,HILL,TOP,BOTTOM: growth rate (1/h) = BOTTOM + (TOP - BOTTOM) / (1 + (c/IC50)^HILL); "
                 "repeat for several (default cmpd-A,0.3,1.2,0.025,0.008 and cmpd-B,3,1,0.025,0.01)");
  sub.add_option("--concentrations", opt.concentrations, "Comma-separated concentrations (µM), every compound "
                                                          "(default 0.01,0.03,0.1,0.3,1,3,10,30)");
  sub.add_option("--times", opt.times, "Comma-separated acquisition times in hours (default 0,24,48,72,96)");
  sub.add_option("--replicates", c.replicates, "Wells per compound and concentration")->capture_default_str();
  sub.add_option("--control-wells", c.control_wells, "Vehicle wells (concentration 0)")->capture_default_str();
  sub.add_option("--control-rate", c.control_rate, "Growth rate of the vehicle wells, 1/h")->capture_default_str();
  sub.add_option("--initial-diameter", c.initial_diameter, "Spheroid diameter at the first time point, px")
      ->capture_default_str();
  sub.add_option("--image-size", c.image_size, "Image width and height, px")->capture_default_str();
  sub.add_option("--plate", c.plate, "Plate (Incucyte vessel) name")->capture_default_str();
  sub.add_option("--seed", c.seed, "Seed; well w draws its look from (seed, w)")->capture_default_str();
  sub.add_flag("--force", opt.force, "Replace the images and masks of an earlier run in --out");
}

int run(AssayOptions& opt) {
  synth::SynthAssayConfig config = opt.config;
  if (!opt.compounds.empty()) {
    config.compounds.clear();
    for (const std::string& text : opt.compounds) config.compounds.push_back(compound(text));
  }
  if (!opt.concentrations.empty()) config.concentrations = numbers(opt.concentrations, "--concentrations");
  if (!opt.times.empty()) config.times_h = numbers(opt.times, "--times");
  const synth::SynthAssaySummary s = synth::write_synthetic_assay(opt.out, config, opt.force);
  std::cout << fmt::format(
      "synth_assay: wrote {} images of {} wells ({} time points, spheroids {:.0f}-{:.0f} px) to {}\n"
      "  layout: {}\n  truth: {} (compounds), {} (wells), {} (images)\n",
      s.images, s.wells, config.times_h.size(), s.min_diameter, s.max_diameter, s.images_dir.string(),
      s.layout_csv.string(), s.truth_csv.string(), s.wells_csv.string(), s.images_csv.string());
  return 0;
}

const bool kRegistered = register_command(
    {"synth_assay", {},
     "Write a synthetic plate assay with known growth rates and IC50s (ULA wells, Incucyte names, layout.csv)", 6,
     options_setup(declare, run)});

}  // namespace
}  // namespace segoid::cli::cmd_synth_assay
