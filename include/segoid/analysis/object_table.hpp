// SPDX-License-Identifier: MIT
// The per-object table (per_image/<basename>_objects.csv, all_objects.csv): one writer, the
// columns of analysis/contract.hpp, used by quantify_objects and extract_metrics.
#pragma once

#include <filesystem>
#include <limits>
#include <string>
#include <vector>

#include "segoid/analysis/contract.hpp"
#include "segoid/analysis/region_props.hpp"

namespace segoid::analysis {

/// One measured object and what decides its row.
struct ObjectRecord {
  std::string image;                                 ///< the image's basename (column `image`)
  RegionProps props;                                 ///< in pixels
  double pixel_size_um = 0.0;                        ///< µm per px; 0 = uncalibrated
  std::string pixel_size_source = contract::kSourceNone;  ///< contract::kSource*
  int matched_true_label = 0;                        ///< 0 = no accepted match (or no truth)
  double match_iou = std::numeric_limits<double>::quiet_NaN();  ///< NaN without a match
};

/// The header: contract::kObjectColumns (Python's order), then area_px, perimeter_px,
/// equivalent_diameter_px, major_axis_length_px, minor_axis_length_px, pixel_size_um,
/// pixel_size_source, matched_true_label, match_iou; then SegOid's solidity, convexity,
/// feret_diameter_max, feret_diameter_min, volume_sphere, volume_ellipsoid (µm / µm³ with a pixel
/// size) and the pixel values of the last four in *_px.
std::vector<std::string> object_table_header();

/// One row for `record`. With a pixel size, area is µm² and perimeter, equivalent diameter and
/// the axes are µm (as the Python SegOid's --pixel-size); the *_px columns always hold pixels.
/// Centroids and bounding boxes stay in pixels. NaN (circularity of a 1-2 px object) is "".
std::vector<std::string> object_table_row(const ObjectRecord& record);

/// The whole table as CSV text (header included).
std::string object_table_csv(const std::vector<ObjectRecord>& records);

/// Writes object_table_csv(records) to `path` atomically. Throws IoError.
void write_object_table(const std::filesystem::path& path, const std::vector<ObjectRecord>& records);

}  // namespace segoid::analysis
