// SPDX-License-Identifier: MIT
// Writes a synthetic plate set: image/mask TIFF pairs, a truth table and the resolved config.
#include <fmt/format.h>
#include <spdlog/spdlog.h>

#include <chrono>
#include <sstream>

#include "segoid/core/atomic_file.hpp"
#include "segoid/core/error.hpp"
#include "segoid/core/progress.hpp"
#include "segoid/core/version.hpp"
#include "segoid/data/synth_plate.hpp"
#include "segoid/io/image_io.hpp"
#include "segoid/data/contract.hpp"

namespace segoid::data {
namespace {

namespace fs = std::filesystem;

bool is_non_empty_dir(const fs::path& dir) {
  std::error_code ec;
  return fs::is_directory(dir, ec) && fs::directory_iterator(dir, ec) != fs::directory_iterator();
}

std::string config_yaml(const SynthConfig& c, int n_images) {
  std::ostringstream out;
  out << "# segoid synth: resolved configuration\n"
      << "segoid_version: " << core::version() << "\n"
      << "git_hash: " << core::git_hash() << "\n"
      << "images: " << n_images << "\n"
      << "seed: " << c.seed << "\n"
      << "width: " << c.width << "\n"
      << "height: " << c.height << "\n"
      << "bit_depth: " << (c.mixed_bit_depth ? std::string("mixed") : std::to_string(c.bit_depth)) << "\n"
      << "sensor_bits: " << c.sensor_bits << "\n"
      << "well_rows: " << c.well_rows << "\n"
      << "well_cols: " << c.well_cols << "\n"
      << fmt::format("target_well_pitch: {}\n", c.target_well_pitch)
      << fmt::format("well_diameter_fraction: {}\n", c.well_diameter_fraction)
      << fmt::format("empty_fraction: {}\n", c.empty_fraction)
      << fmt::format("min_diameter: {}\nmax_diameter: {}\n", c.min_diameter, c.max_diameter)
      << fmt::format("max_eccentricity: {}\nlobe_amplitude: {}\n", c.max_eccentricity, c.lobe_amplitude)
      << fmt::format("rim_width_min: {}\nrim_width_max: {}\n", c.rim_width_min, c.rim_width_max)
      << fmt::format("debris_per_well_max: {}\nclumps_per_well_max: {}\n", c.debris_per_well_max,
                     c.clumps_per_well_max)
      << fmt::format("debris_max_extent: {}\n", c.debris_max_extent)
      << fmt::format("blur_sigma_min: {}\nblur_sigma_max: {}\n", c.blur_sigma_min, c.blur_sigma_max)
      << fmt::format("contrast_min: {}\ncontrast_max: {}\n", c.contrast_min, c.contrast_max)
      << fmt::format("exposure_min: {}\nexposure_max: {}\n", c.exposure_min, c.exposure_max)
      << fmt::format("photons_min: {}\nphotons_max: {}\n", c.photons_min, c.photons_max)
      << fmt::format("read_noise_min: {}\nread_noise_max: {}\n", c.read_noise_min, c.read_noise_max)
      << fmt::format("vignetting_min: {}\nvignetting_max: {}\n", c.vignetting_min, c.vignetting_max)
      << fmt::format("gradient_max: {}\nmottling_max: {}\ngrain: {}\n", c.gradient_max, c.mottling_max,
                     c.grain);
  return out.str();
}

}  // namespace

SynthSetSummary write_synthetic_set(const fs::path& out_dir, int n_images, const SynthConfig& config,
                                    bool overwrite) {
  if (n_images < 1)
    throw ConfigError(
        fmt::format("synthetic plate set: the number of images must be >= 1, got {}", n_images));
  validate_synth_config(config);
  const fs::path working = out_dir / "working";
  if (is_non_empty_dir(working)) {
    if (!overwrite) {
      throw ConfigError(
          fmt::format("\"{}\" exists and is not empty; choose another folder or pass "
                      "--force to replace its images/ and masks/",
                      working.string()));
    }
    std::error_code ec;
    for (const char* sub : {contract::kImagesDir, contract::kMasksDir}) {
      fs::remove_all(working / sub, ec);
      if (ec) throw IoError(fmt::format("cannot remove \"{}\": {}", (working / sub).string(), ec.message()));
    }
    spdlog::info("synth: replaced the images/ and masks/ in \"{}\"", working.string());
  }
  std::error_code ec;
  fs::create_directories(working / "images", ec);
  if (!ec) fs::create_directories(working / contract::kMasksDir, ec);
  if (ec) throw IoError(fmt::format("cannot create \"{}\": {}", working.string(), ec.message()));

  SynthSetSummary summary;
  std::ostringstream truth;
  truth << "basename,well,well_index,center_x,center_y,equivalent_diameter_px,bit_depth\n";
  double synth_ms = 0.0;
  core::Progress progress("synth", n_images, "images");
  for (int i = 0; i < n_images; ++i) {
    const auto start = std::chrono::steady_clock::now();
    const SynthImage synth = synthesize_plate(config, static_cast<std::uint64_t>(i));
    synth_ms += std::chrono::duration<double, std::milli>(std::chrono::steady_clock::now() - start).count();
    const std::string name = synth_image_name(i);
    const fs::path image_path = working / contract::kImagesDir / (name + ".tif");
    const fs::path mask_path = working / contract::kMasksDir / (name + contract::kMaskStemSuffix + ".tif");
    io::write_gray_tiff(image_path, synth.image);
    io::write_mask_tiff(mask_path, synth.mask);
    summary.images.push_back(image_path);
    summary.masks.push_back(mask_path);
    summary.spheroids += static_cast<int>(synth.spheroids.size());
    summary.wells += synth.well_count;
    summary.eight_bit_images += synth.bit_depth == 8 ? 1 : 0;
    for (const auto& s : synth.spheroids) {
      truth << fmt::format("{},{},{},{:.2f},{:.2f},{:.2f},{}\n", name,
                           well_name(s.well_index, synth.well_cols), s.well_index, s.center.x, s.center.y,
                           s.equivalent_diameter, synth.bit_depth);
    }
    progress.advance();
  }
  progress.finish();
  summary.milliseconds_per_image = synth_ms / n_images;
  summary.truth_csv = out_dir / "synth_truth.csv";
  summary.config_yaml = out_dir / "synth_config.yaml";
  core::write_file_atomic(summary.truth_csv, truth.str());
  core::write_file_atomic(summary.config_yaml, config_yaml(config, n_images));
  return summary;
}

}  // namespace segoid::data
