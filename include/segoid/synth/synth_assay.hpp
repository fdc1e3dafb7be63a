// SPDX-License-Identifier: MIT
// A synthetic plate assay with known answers: one spheroid per round-bottom well, growing at a known
// exponential rate that a known four-parameter dose-response per compound sets.
#pragma once

#include <cstdint>
#include <filesystem>
#include <string>
#include <vector>

namespace segoid::synth {

/// A compound and its true dose-response: a well at concentration c grows (spheroid area) at
/// rate(c) = bottom + (top - bottom) / (1 + (c / ic50)^hill), in 1/h.
struct AssayCompound {
  std::string name;
  double ic50 = 1.0;     ///< same unit as the concentrations (µM)
  double hill = 1.0;
  double top = 0.03;     ///< 1/h: the rate without compound
  double bottom = 0.01;  ///< 1/h: the rate at saturating concentration
};

/// Rate of a compound at concentration `c` (c = 0: top).
double assay_rate(const AssayCompound& compound, double c);

/// What write_synthetic_assay draws.
struct SynthAssayConfig {
  std::vector<AssayCompound> compounds = {{"cmpd-A", 0.3, 1.2, 0.025, 0.008}, {"cmpd-B", 3.0, 1.0, 0.025, 0.010}};
  std::vector<double> concentrations = {0.01, 0.03, 0.1, 0.3, 1, 3, 10, 30};  ///< µM, every compound
  int replicates = 1;          ///< rows of wells per compound
  int control_wells = 2;       ///< vehicle wells (concentration 0, compound "vehicle", rate control_rate)
  double control_rate = 0.025;  ///< 1/h
  std::vector<double> times_h = {0, 24, 48, 72, 96};  ///< acquisition times, hours
  double initial_diameter = 50;  ///< px at time 0 (nominal equivalent diameter), mean over wells
  double initial_jitter = 0.1;   ///< well-to-well spread of the initial diameter: uniform +-this, relative
  int image_size = 512;          ///< px, square images (the largest spheroid stays under 40% of its well)
  std::string plate = "VID1";    ///< Incucyte vessel name
  std::uint64_t seed = 7;        ///< well w draws its look from (seed, w) at every time point
};

/// Throws ConfigError naming the field: empty lists, rates <= 0, sizes, and spheroids that would
/// leave the 20..300 px range the models know or outgrow half their well's width (wider than the
/// ULA images the models learned from).
void validate_synth_assay(const SynthAssayConfig& config);

/// What write_synthetic_assay wrote.
struct SynthAssaySummary {
  std::filesystem::path images_dir;   ///< out/images/<plate>_<well>_1_<DD>d<HH>h<MM>m.tif
  std::filesystem::path masks_dir;    ///< out/masks/<same stem>_mask.tif (exact, 0/255)
  std::filesystem::path layout_csv;   ///< out/layout.csv: plate, well, compound, concentration, unit, replicate
  std::filesystem::path wells_csv;    ///< out/assay_wells.csv: the true rate and initial size of every well
  std::filesystem::path truth_csv;    ///< out/assay_truth.csv: the true dose-response of every compound
  std::filesystem::path images_csv;   ///< out/assay_images.csv: every image's true spheroid area (px)
  int wells = 0;
  int images = 0;
  double min_diameter = 0, max_diameter = 0;  ///< px, nominal, over all images
};

/// Draws every well at every time point (data's ula-round-bottom style with the diameter and
/// well radius fixed) and writes images, masks, the layout and the truth tables under `out_dir`,
/// atomically. Refuses (ConfigError) a non-empty out_dir/images unless `overwrite`. Wells are
/// filled row by row on a 96-well plate (384 when they do not fit): each compound's concentrations
/// along a row per replicate, then the control wells.
SynthAssaySummary write_synthetic_assay(const std::filesystem::path& out_dir, const SynthAssayConfig& config,
                                        bool overwrite = false);

}  // namespace segoid::synth
