// SPDX-License-Identifier: MIT
// Writes a synthetic plate set: image/mask TIFF pairs, a truth table and the resolved config.
#include <fmt/format.h>
#include <spdlog/spdlog.h>
#include <yaml-cpp/yaml.h>

#include <chrono>
#include <sstream>

#include "segoid/core/atomic_file.hpp"
#include "segoid/core/error.hpp"
#include "segoid/core/progress.hpp"
#include "segoid/core/provenance.hpp"
#include "segoid/synth/synth_plate.hpp"
#include "segoid/synth/synth_style.hpp"
#include "segoid/io/image_io.hpp"
#include "segoid/data/contract.hpp"

namespace segoid::synth {
namespace {

namespace fs = std::filesystem;

bool is_non_empty_dir(const fs::path& dir) {
  std::error_code ec;
  return fs::is_directory(dir, ec) && fs::directory_iterator(dir, ec) != fs::directory_iterator();
}

std::string config_yaml(const SynthConfig& c, int n_images) {
  YAML::Emitter provenance;
  provenance << YAML::BeginMap;
  core::emit_provenance(provenance, /*with_time=*/false);  // the same seed gives the same files
  provenance << YAML::EndMap;
  std::ostringstream out;
  out << "# segoid synth: resolved configuration\n"
      << provenance.c_str() << "\n"
      << "images: " << n_images << "\n"
      << "seed: " << c.seed << "\n"
      << "style: " << c.style << "\n"
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
                     c.grain)
      << fmt::format("overlay_fraction: {}\n", c.overlay_fraction);
  return out.str();
}

int bit_depth_of(SynthFileType type) {
  switch (type) {
    case SynthFileType::kUint8:
    case SynthFileType::kJpegRgb: return 8;
    case SynthFileType::kUint12In16: return 12;
    case SynthFileType::kUint16: return 16;
    case SynthFileType::kFloat32: return 32;
  }
  return 0;
}

}  // namespace

SynthSetSummary write_synthetic_set(const fs::path& out_dir, int n_images, const SynthConfig& config,
                                    bool overwrite) {
  if (n_images < 1)
    throw ConfigError(
        fmt::format("synthetic plate set: the number of images must be >= 1, got {}", n_images));
  // Plate limits (wells must hold spheroids) apply only where flat-well images are drawn.
  if (config.style == "mixed" || parse_synth_style(config.style) == SynthStyle::kFlatWell) {
    validate_synth_config(config);
  } else {
    validate_styled_size(config);
  }
  const fs::path working = out_dir / "working";
  if (is_non_empty_dir(working)) {
    if (!overwrite) {
      throw ConfigError(
          fmt::format("\"{}\" exists and is not empty; choose another folder or pass "
                      "--force to replace its images/ and masks/",
                      working.string()));
    }
    std::error_code ec;
    for (const char* sub : {data::contract::kImagesDir, data::contract::kMasksDir}) {
      fs::remove_all(working / sub, ec);
      if (ec) throw IoError(fmt::format("cannot remove \"{}\": {}", (working / sub).string(), ec.message()));
    }
    spdlog::info("synth: replaced the images/ and masks/ in \"{}\"", working.string());
  }
  std::error_code ec;
  fs::create_directories(working / "images", ec);
  if (!ec) fs::create_directories(working / data::contract::kMasksDir, ec);
  if (ec) throw IoError(fmt::format("cannot create \"{}\": {}", working.string(), ec.message()));

  SynthSetSummary summary;
  std::ostringstream truth;
  truth << "basename,well,well_index,center_x,center_y,equivalent_diameter_px,bit_depth,"
           "style,file_type,area_px,kind,cut_by_border,params\n";
  double synth_ms = 0.0;
  core::Progress progress("synth", n_images, "images");
  for (int i = 0; i < n_images; ++i) {
    const auto start = std::chrono::steady_clock::now();
    const SynthStyle style = style_of_image(config.style, config.seed, static_cast<std::uint64_t>(i));
    const StyledImage synth = synthesize_styled(config, style, static_cast<std::uint64_t>(i));
    synth_ms += std::chrono::duration<double, std::milli>(std::chrono::steady_clock::now() - start).count();
    const std::string name = styled_image_name(style, i);
    const bool jpeg = synth.file_type == SynthFileType::kJpegRgb;
    const fs::path image_path = working / data::contract::kImagesDir / (name + (jpeg ? ".jpg" : ".tif"));
    const fs::path mask_path = working / data::contract::kMasksDir / (name + data::contract::kMaskStemSuffix + ".tif");
    if (jpeg) {
      core::write_file_atomic(image_path, synth.jpeg);
    } else if (synth.file_type == SynthFileType::kFloat32) {
      io::write_float_tiff(image_path, synth.image);
    } else {
      io::write_gray_tiff(image_path, synth.image);
    }
    io::write_mask_tiff(mask_path, synth.mask);
    summary.images.push_back(image_path);
    summary.masks.push_back(mask_path);
    summary.styles.push_back(synth_style_name(style));
    summary.spheroids += static_cast<int>(synth.objects.size());
    summary.wells += style == SynthStyle::kFlatWell ? synth.plate.well_count : 0;
    summary.eight_bit_images += synth.image.depth() == CV_8U ? 1 : 0;
    const int bit_depth = style == SynthStyle::kFlatWell ? synth.plate.bit_depth : bit_depth_of(synth.file_type);
    std::string params;
    for (const auto& [key, value] : synth.params) params += fmt::format("{}{}={:.4g}", params.empty() ? "" : ";", key, value);
    for (std::size_t k = 0; k < synth.objects.size(); ++k) {
      const StyledObject& s = synth.objects[k];
      const bool plate = style == SynthStyle::kFlatWell;
      const int well_index = plate ? synth.plate.spheroids[k].well_index : -1;
      truth << fmt::format("{},{},{},{:.2f},{:.2f},{:.2f},{},{},{},{},{},{},{}\n", name,
                           plate ? well_name(well_index, synth.plate.well_cols) : "", well_index, s.center.x,
                           s.center.y, s.equivalent_diameter, bit_depth, synth_style_name(style),
                           synth_file_type_name(synth.file_type), s.area, s.kind, s.cut_by_border ? 1 : 0, params);
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

}  // namespace segoid::synth
