// SPDX-License-Identifier: MIT
// Acquisition styles of the synthesizer: round-bottom wells, fluorescence, phase contrast, Matrigel
// domes and colour JPEGs beside today's flat-well plates, each with an exact mask.
#pragma once

#include <cstdint>
#include <string>
#include <utility>
#include <vector>

#include <opencv2/core.hpp>

#include "segoid/synth/synth_plate.hpp"

namespace segoid::synth {

/// How a synthetic image was acquired (see `segoid synth --help` and src/synth/README.md).
enum class SynthStyle {
  kFlatWell,        ///< today's flat-bottom well plates (synthesize_plate, unchanged)
  kUlaRoundBottom,  ///< one spheroid in a round-bottom ULA well: dark vignetting, glare arcs on the wall
  kFluorescence,    ///< bright spheroids with a soft glow on a dark background, dim autofluorescent debris
  kPhaseContrast,   ///< dark objects with bright halos, shade-off inside large objects
  kMatrigelDome,    ///< no wells; many organoids 20-300 px, hollow cysts, out-of-focus blobs, touching pairs
  kRgbJpeg,         ///< colour (stained or unbalanced white) whole-well JPEG with a scale bar and text
};

/// Number of styles, all of them drawn by "mixed".
constexpr int kSynthStyleCount = 6;

/// The style's name on the command line and in synth_truth.csv ("flat-well", "ula-round-bottom", ...).
std::string synth_style_name(SynthStyle style);
/// All style names in enum order.
std::vector<std::string> synth_style_names();
/// Parses a style name; throws ConfigError listing the valid names.
SynthStyle parse_synth_style(const std::string& name);
/// Style of image `image_index` for a style name or "mixed": mixed draws every style once per round
/// of kSynthStyleCount images, in an order seeded by (seed, round), so any 6 consecutive images hold
/// all styles. Throws ConfigError for an unknown name.
SynthStyle style_of_image(const std::string& style_or_mixed, std::uint64_t seed, std::uint64_t image_index);

/// How the pixels are stored.
enum class SynthFileType {
  kUint8,       ///< 8-bit gray TIFF
  kUint12In16,  ///< 12 significant bits in a 16-bit gray TIFF
  kUint16,      ///< 16-bit gray TIFF
  kFloat32,     ///< 32-bit float gray TIFF (arbitrary positive scale)
  kJpegRgb,     ///< 8-bit RGB JPEG (rgb-jpeg only)
};

/// "uint8", "uint12in16", "uint16", "float32", "jpeg-rgb".
std::string synth_file_type_name(SynthFileType type);

/// One object in the mask.
struct StyledObject {
  cv::Point2d center;          ///< centroid of its mask pixels, px
  double equivalent_diameter;  ///< sqrt(4 area / pi) of its mask pixels, px
  int area = 0;                ///< mask pixels (exactly one 8-connected component)
  std::string kind;            ///< round, elliptical, lobed, budding, cyst; "+touching" when it touches another
  bool cut_by_border = false;  ///< part of the object lies outside the image
};

/// A styled image, its mask and what was drawn.
struct StyledImage {
  SynthStyle style = SynthStyle::kFlatWell;
  SynthFileType file_type = SynthFileType::kUint16;
  cv::Mat image;        ///< CV_8UC1, CV_16UC1, CV_32FC1, or CV_8UC3 (BGR, decoded from `jpeg`)
  std::string jpeg;     ///< the encoded file for kJpegRgb (empty otherwise)
  cv::Mat mask;         ///< CV_8UC1 0/255; objects that touch in the image are split by a thin gap
  std::vector<StyledObject> objects;                     ///< one per mask component
  std::vector<std::pair<std::string, double>> params;  ///< the image's drawn parameters, in a fixed order
  SynthImage plate;     ///< the flat-well plate (wells, bit depth) when style is kFlatWell
};

/// Draws image `image_index` in `style`. kFlatWell returns synthesize_plate(config, image_index)
/// byte for byte; other styles use config.width, config.height and config.seed only and draw
/// magnification (6x object-size range), defocus, uneven illumination, gamma, file type, shot and
/// read noise, debris, fibres, bubbles and shapes per image. Deterministic for (seed, index, style).
/// Throws ConfigError for an invalid config (flat-well: validate_synth_config; others: validate_styled_size).
StyledImage synthesize_styled(const SynthConfig& config, SynthStyle style, std::uint64_t image_index);

/// Checks the image size of the styles other than flat-well (their only size limits: width and
/// height in [64, 32768] px); throws ConfigError naming the field.
void validate_styled_size(const SynthConfig& config);

/// File name stem of image `index` (0-based) of `style`: "synth_plate_001" for flat-well (as
/// synth_image_name), else "synth_<style with underscores>_001", e.g. "synth_rgb_jpeg_004".
std::string styled_image_name(SynthStyle style, int index);

/// The style whose styled_image_name() prefix `basename` carries; throws DataError when none does.
SynthStyle style_of_basename(const std::string& basename);

}  // namespace segoid::synth
