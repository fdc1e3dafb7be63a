// SPDX-License-Identifier: MIT
// Synthetic brightfield well-plate images with exact spheroid masks, for tests and the demo.
#pragma once

#include <cstdint>
#include <filesystem>
#include <opencv2/core.hpp>
#include <string>
#include <vector>

namespace segoid::synth {

/// Everything that shapes a synthetic plate image. Ranges [min, max] are sampled uniformly per
/// image (or per spheroid / per speck) from the image's own seeded generator.
struct SynthConfig {
  int width = 1536;              ///< image width, px
  int height = 1408;             ///< image height, px
  int bit_depth = 16;            ///< 8 or 16 bits per pixel (ignored when mixed_bit_depth)
  bool mixed_bit_depth = false;  ///< alternate 8-bit (even index) and 16-bit (odd index) images
  int sensor_bits = 16;          ///< significant bits in 16-bit output (12 mimics a 12-bit camera
                                 ///< stored in 16-bit files; pair with percentile normalization)
  std::uint64_t seed = 42;       ///< base seed; image i draws from core::mix_seed(seed, i)
  std::string style = "flat-well";  ///< acquisition style of write_synthetic_set (synth_style.hpp) or "mixed"

  int well_rows = 0;                     ///< wells per column of the grid; 0 = as many as fit
  int well_cols = 0;                     ///< wells per row of the grid; 0 = as many as fit
  double target_well_pitch = 250.0;      ///< px between well centres when rows/cols are automatic
  double well_diameter_fraction = 0.88;  ///< well diameter / pitch
  double empty_fraction = 0.15;          ///< probability that a well holds no spheroid, [0, 1]

  double min_diameter = 45.0;     ///< spheroid equivalent diameter, px (diameter of equal-area disk)
  double max_diameter = 90.0;     ///< largest equivalent diameter, px
  double max_eccentricity = 0.7;  ///< of the spheroid's underlying ellipse, [0, 1)
  double lobe_amplitude = 0.05;   ///< max relative radius modulation of each harmonic (3..6)
  double rim_width_min = 2.0;     ///< dark rim width inside the outline, px
  double rim_width_max = 4.0;     ///< widest rim, px

  int debris_per_well_max = 6;      ///< single cells / dust specks per well, 0..max
  int clumps_per_well_max = 2;      ///< small cell clumps per well, 0..max
  double debris_max_extent = 14.0;  ///< largest debris/clump extent, px (kept well below spheroids)

  double blur_sigma_min = 0.4;    ///< optical blur, Gaussian sigma, px
  double blur_sigma_max = 0.9;    ///< largest blur sigma, px
  double contrast_min = 0.75;     ///< scale of all structure against the background, relative
  double contrast_max = 1.25;     ///< upper end of the contrast range
  double exposure_min = 0.40;     ///< well-centre background as a fraction of full scale
  double exposure_max = 0.70;     ///< upper end, fraction of full scale
  double photons_min = 400.0;     ///< photons per pixel at the background (shot noise 1/sqrt)
  double photons_max = 4000.0;    ///< upper end, photons per pixel
  double read_noise_min = 0.002;  ///< Gaussian read noise, fraction of full scale (sd)
  double read_noise_max = 0.008;  ///< upper end, fraction of full scale
  double vignetting_min = 0.08;   ///< brightness loss at the image corners, fraction
  double vignetting_max = 0.25;   ///< upper end, fraction
  double gradient_max = 0.12;     ///< peak-to-peak linear illumination gradient, fraction
  double mottling_max = 0.08;     ///< sd of the blotchy large-scale background variation, fraction
  double grain = 0.015;           ///< sd of the fine fixed-pattern background grain, fraction

  /// Fraction of styled images (not flat-well) with a burned-in scale bar and time stamp, as
  /// instrument exports have; rgb-jpeg images always have them. [0, 1]
  double overlay_fraction = 0.4;

  /// ula-round-bottom only, for synthetic assays (synth/synth_assay): > 0 fixes the spheroid's
  /// nominal equivalent diameter, px, instead of drawing it (everything else is drawn as before).
  double ula_spheroid_diameter = 0.0;
  /// ula-round-bottom only: > 0 fixes the well radius, px, so a growing spheroid keeps its well.
  double ula_well_radius = 0.0;
};

/// One spheroid as drawn.
struct SynthSpheroid {
  cv::Point2d center;          ///< centroid of its mask pixels, px (x right, y down)
  double equivalent_diameter;  ///< sqrt(4 area / pi) of the continuous outline, px; the mask
                               ///< (pixel centres inside it) matches within ~1%
  int well_index;              ///< row-major index of its well in the grid
};

/// A synthetic image, its exact mask and what was drawn.
struct SynthImage {
  cv::Mat image;                         ///< height x width, CV_8UC1 or CV_16UC1
  cv::Mat mask;                          ///< height x width, CV_8UC1, 0 background / 255 spheroid
  std::vector<SynthSpheroid> spheroids;  ///< one per non-empty well, row-major well order
  int well_count = 0;                    ///< wells in the grid (well_rows x well_cols)
  int well_rows = 0;                     ///< rows of the grid (well_index / well_cols)
  int well_cols = 0;                     ///< columns of the grid (well_index % well_cols)
  int bit_depth = 8;                     ///< 8 or 16, as in `image`
};

/// Draws one plate image. The mask is the rasterized spheroid shapes before blur and noise: each
/// spheroid one 8-connected component, no two touching, none touching the border; debris is never
/// in the mask. Deterministic for (config.seed, image_index). Throws ConfigError for an invalid
/// configuration (naming the field).
SynthImage synthesize_plate(const SynthConfig& config, std::uint64_t image_index);

/// Checks every field of `config`; throws ConfigError naming the first bad field.
void validate_synth_config(const SynthConfig& config);

/// File name stem of image `index` (0-based) in a set: "synth_plate_001", ...
std::string synth_image_name(int index);

/// Plate-style name of a well: row letter(s) and 1-based column, "A1", "B12", "AA3".
std::string well_name(int well_index, int well_cols);

/// What write_synthetic_set wrote.
struct SynthSetSummary {
  std::vector<std::filesystem::path> images;  ///< out_dir/working/images/<name>.tif
  std::vector<std::filesystem::path> masks;   ///< out_dir/working/masks/<name>_mask.tif
  std::filesystem::path truth_csv;            ///< out_dir/synth_truth.csv (one row per spheroid)
  std::filesystem::path config_yaml;          ///< out_dir/synth_config.yaml (resolved config)
  int spheroids = 0;                          ///< total drawn
  int wells = 0;                              ///< total wells
  int eight_bit_images = 0;                   ///< images written as 8-bit
  std::vector<std::string> styles;            ///< style of each image (synth_style_name)
  double milliseconds_per_image = 0.0;        ///< synthesis time only (no file writing)
};

/// Synthesizes `n_images` images of `config.style` (one style per image, see style_of_image) and
/// writes them under `out_dir/working/` (images 8-, 12-in-16-, 16-bit or float TIFF, or RGB JPEG
/// for rgb-jpeg; masks 0/255 LZW TIFF), plus `synth_truth.csv` (one row per object, with the
/// image's style, file type and drawn parameters) and `synth_config.yaml` in `out_dir`. Every file is written atomically. Refuses (ConfigError) when `out_dir/working`
/// exists and is not empty, unless `overwrite`, which first removes `working/images` and
/// `working/masks`. Throws IoError when a file cannot be written.
SynthSetSummary write_synthetic_set(const std::filesystem::path& out_dir, int n_images,
                                    const SynthConfig& config, bool overwrite = false);

}  // namespace segoid::synth
