// SPDX-License-Identifier: MIT
// The per-object CSV: Python SegOid's columns, calibrated in place, pixel copies after.
#include "segoid/analysis/object_table.hpp"

#include <cmath>

#include "csv_lite.hpp"
#include "segoid/core/atomic_file.hpp"

namespace segoid::analysis {
namespace {

/// A measure the pixel size rescales: its column and power of length (1 µm, 2 µm²).
struct Calibrated {
  const char* column;
  int length_power;
  double RegionProps::*value;
};

constexpr Calibrated kCalibrated[] = {
    {contract::kArea, 2, &RegionProps::area},
    {contract::kPerimeter, 1, &RegionProps::perimeter},
    {contract::kEquivalentDiameter, 1, &RegionProps::equivalent_diameter},
    {contract::kMajorAxisLength, 1, &RegionProps::major_axis_length},
    {contract::kMinorAxisLength, 1, &RegionProps::minor_axis_length},
};

// SegOid's additions, written after every column above: unitless first, then calibrated ones.
constexpr Calibrated kShapeRatios[] = {
    {contract::kSolidity, 0, &RegionProps::solidity},
    {contract::kConvexity, 0, &RegionProps::convexity},
};
constexpr Calibrated kShapeCalibrated[] = {
    {contract::kFeretDiameterMax, 1, &RegionProps::feret_diameter_max},
    {contract::kFeretDiameterMin, 1, &RegionProps::feret_diameter_min},
    {contract::kVolumeSphere, 3, &RegionProps::volume_sphere},
    {contract::kVolumeEllipsoid, 3, &RegionProps::volume_ellipsoid},
};

double scaled(const ObjectRecord& r, const Calibrated& c) {
  const double px = r.props.*c.value;
  return r.pixel_size_um > 0 ? px * std::pow(r.pixel_size_um, c.length_power) : px;
}

}  // namespace

std::vector<std::string> object_table_header() {
  std::vector<std::string> header(contract::kObjectColumns.begin(), contract::kObjectColumns.end());
  for (const Calibrated& c : kCalibrated) header.push_back(std::string(c.column) + contract::kPxSuffix);
  for (const char* extra : {contract::kPixelSizeUm, contract::kPixelSizeSource, contract::kMatchedTrueLabel,
                            contract::kMatchIou}) {
    header.emplace_back(extra);
  }
  for (const Calibrated& c : kShapeRatios) header.emplace_back(c.column);
  for (const Calibrated& c : kShapeCalibrated) header.emplace_back(c.column);
  for (const Calibrated& c : kShapeCalibrated) header.push_back(std::string(c.column) + contract::kPxSuffix);
  return header;
}

std::vector<std::string> object_table_row(const ObjectRecord& r) {
  const RegionProps& p = r.props;
  // Same order as contract::kObjectColumns.
  std::vector<std::string> row = {std::to_string(p.label),
                                  csv::number(scaled(r, kCalibrated[0])),
                                  csv::number(scaled(r, kCalibrated[1])),
                                  csv::number(scaled(r, kCalibrated[2])),
                                  csv::number(scaled(r, kCalibrated[3])),
                                  csv::number(scaled(r, kCalibrated[4])),
                                  csv::number(p.eccentricity),
                                  csv::number(p.circularity),
                                  csv::number(p.centroid_x),
                                  csv::number(p.centroid_y),
                                  std::to_string(p.bbox_min_row),
                                  std::to_string(p.bbox_min_col),
                                  std::to_string(p.bbox_max_row),
                                  std::to_string(p.bbox_max_col),
                                  r.image};
  for (const Calibrated& c : kCalibrated) row.push_back(csv::number(p.*c.value));
  row.push_back(r.pixel_size_um > 0 ? csv::number(r.pixel_size_um) : "");
  row.push_back(r.pixel_size_source);
  row.push_back(r.matched_true_label > 0 ? std::to_string(r.matched_true_label) : "");
  row.push_back(r.matched_true_label > 0 ? csv::number(r.match_iou) : "");
  for (const Calibrated& c : kShapeRatios) row.push_back(csv::number(p.*c.value));
  for (const Calibrated& c : kShapeCalibrated) row.push_back(csv::number(scaled(r, c)));
  for (const Calibrated& c : kShapeCalibrated) row.push_back(csv::number(p.*c.value));
  return row;
}

std::string object_table_csv(const std::vector<ObjectRecord>& records) {
  std::string text = csv::join_row(object_table_header());
  for (const ObjectRecord& r : records) text += csv::join_row(object_table_row(r));
  return text;
}

void write_object_table(const std::filesystem::path& path, const std::vector<ObjectRecord>& records) {
  core::write_file_atomic(path, object_table_csv(records));
}

}  // namespace segoid::analysis
