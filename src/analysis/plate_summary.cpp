// SPDX-License-Identifier: MIT
// plate_summary: the metrics' objects grouped by plate, well and time point; then growth,
// conditions and dose-response (plate_growth.cpp) and the files (plate_output.cpp).
#include "segoid/analysis/plate_summary.hpp"

#include <fmt/format.h>
#include <fmt/ranges.h>
#include <spdlog/spdlog.h>
#include <yaml-cpp/yaml.h>
#include <opencv2/core.hpp>

#include <algorithm>
#include <cmath>
#include <limits>
#include <map>
#include <set>
#include <tuple>

#include "csv_lite.hpp"
#include "plate_internal.hpp"
#include "segoid/core/error.hpp"
#include "segoid/core/numbers.hpp"
#include "segoid/infer/contract.hpp"
#include "segoid/io/image_io.hpp"

namespace segoid::analysis {
namespace fs = std::filesystem;
namespace {

using core::kNaN;
using core::kPi;

// Column indices of all_objects.csv that plate_summary reads; -1 for optional ones absent.
struct ObjectColumns {
  int image, object_id, area, diameter, circularity, x, y, pixel_size, solidity, volume;
};

ObjectColumns find_columns(const io::CsvTable& table, const fs::path& path) {
  const auto need = [&](const char* name) {
    const int index = table.column_index(name);
    if (index < 0) throw DataError("\"" + path.string() + "\" has no column \"" + name + "\" (not written by quantify_objects?)");
    return index;
  };
  return {need(contract::kImage),       need(contract::kObjectId),   need(contract::kArea),
          need(contract::kEquivalentDiameter), need(contract::kCircularity), need(contract::kCentroidX),
          need(contract::kCentroidY),   table.column_index(contract::kPixelSizeUm),
          table.column_index(contract::kSolidity), table.column_index(contract::kVolumeSphere)};
}

double cell_number(const io::CsvTable& table, std::size_t row, int column, const fs::path& path) {
  if (column < 0) return kNaN;
  const std::string& cell = table.rows[row][column];
  if (cell.empty()) return kNaN;
  const double value = csv::parse_number(cell);
  if (!std::isnan(value)) return value;
  throw DataError(fmt::format("\"{}\" line {}: column \"{}\" holds \"{}\", expected a number", path.string(),
                              table.row_lines[row], table.header[column], cell));
}

// The measured images: per_image/<basename>_objects.csv (images without objects included), else
// the image column of all_objects.csv.
std::vector<std::string> measured_images(const fs::path& metrics, const io::CsvTable& objects, int image_column) {
  std::set<std::string> names;
  const fs::path dir = metrics / contract::kPerImageDir;
  const std::string suffix = contract::kObjectsSuffix;
  std::error_code ec;
  if (fs::is_directory(dir, ec)) {
    for (const auto& entry : fs::directory_iterator(dir)) {
      const std::string name = entry.path().filename().string();
      if (name.size() > suffix.size() && name.compare(name.size() - suffix.size(), suffix.size(), suffix) == 0) {
        names.insert(name.substr(0, name.size() - suffix.size()));
      }
    }
  } else {
    spdlog::warn("\"{}\" has no per_image/ folder: images without objects are not counted", metrics.string());
  }
  for (const auto& row : objects.rows) names.insert(row[image_column]);
  return {names.begin(), names.end()};
}

// Image centres (px) for SpheroidChoice::kCentral, from the predicted masks quantify measured.
cv::Point2d image_centre(const fs::path& metrics, const std::string& image) {
  const fs::path meta = metrics / contract::kQuantifyMetaYaml;
  std::string dir;
  try {
    dir = YAML::LoadFile(meta.string())["input"]["pred_mask_dir"].as<std::string>();
  } catch (const YAML::Exception&) {
    throw ConfigError("--spheroid central needs the image sizes: \"" + meta.string() +
                      "\" (with input.pred_mask_dir) is missing or unreadable");
  }
  const io::ImageMeta m = io::read_image_meta(fs::path(dir) / (image + infer::contract::kPredMaskSuffix));
  return {m.width / 2.0, m.height / 2.0};
}

// Sortable time: names without a time sort (and group) before any time.
double time_key(const WellImage& w) { return w.has_time ? w.time_h : -std::numeric_limits<double>::infinity(); }

bool better(const WellObject& a, const WellObject& b, SpheroidChoice choice) {
  if (choice == SpheroidChoice::kCentral && a.distance_to_centre != b.distance_to_centre) {
    return a.distance_to_centre < b.distance_to_centre;
  }
  return a.area > b.area;
}

}  // namespace

PlateSummary run_plate_summary(const PlateSummaryConfig& config) {
  if (config.metrics_dir.empty() || config.output_dir.empty() || config.names.empty()) {
    throw ConfigError("plate_summary: give --metrics, --names and --output-dir");
  }
  if (!fs::is_directory(config.metrics_dir)) {
    throw ConfigError("plate_summary: --metrics \"" + config.metrics_dir.string() + "\" is not a folder");
  }
  const std::vector<std::string> known = plate_readouts();
  std::vector<std::string> wanted = config.readouts;
  wanted.push_back(config.map_measure);
  for (const std::string& readout : wanted) {
    if (std::find(known.begin(), known.end(), readout) == known.end()) {
      throw ConfigError("plate_summary: unknown readout \"" + readout + "\" (use " + fmt::format("{}", fmt::join(known, ", ")) + ")");
    }
  }
  const NamePattern pattern(config.names, config.time_step_h);
  PlateSummary summary;
  summary.config = config;
  if (!config.layout.empty()) summary.layout = read_plate_layout(config.layout, config.plate_format);
  const fs::path objects_path = config.metrics_dir / contract::kAllObjectsCsv;
  const io::CsvTable objects = io::read_csv(objects_path);
  const ObjectColumns col = find_columns(objects, objects_path);

  // Parse every image name; the ones that do not match are listed and left out.
  std::map<std::string, std::size_t> image_index;
  for (const std::string& image : measured_images(config.metrics_dir, objects, col.image)) {
    std::string why;
    const auto where = pattern.parse(image, &why);
    if (!where) {
      summary.unmatched.emplace_back(image, why);
      continue;
    }
    image_index[image] = summary.images.size();
    summary.images.push_back({image, *where, 0});
  }
  // One image per plate, well, field and time: anything else would be a guess.
  std::map<std::tuple<std::string, std::string, int, double>, std::string> seen;
  for (const PlateImage& im : summary.images) {
    const auto key = std::make_tuple(im.where.plate, im.where.well, im.where.field, time_key(im.where));
    const auto [it, fresh] = seen.emplace(key, im.image);
    if (!fresh) {
      throw DataError(fmt::format("images \"{}\" and \"{}\" are both plate \"{}\" well {} field {}{}: give --names a "
                                  "pattern that tells them apart, or measure one channel only",
                                  it->second, im.image, im.where.plate, im.where.well, im.where.field,
                                  im.where.has_time ? fmt::format(" at {} h", im.where.time_h) : ""));
    }
  }

  // Objects by image; the unit follows the pixel size (all images calibrated, or none).
  std::map<std::string, std::vector<WellObject>> by_image;
  std::set<bool> calibrated;
  std::map<std::string, cv::Point2d> centres;
  for (std::size_t r = 0; r < objects.rows.size(); ++r) {
    const std::string& image = objects.rows[r][col.image];
    const auto found = image_index.find(image);
    if (found == image_index.end()) continue;
    WellObject o;
    o.image = image;
    o.object_id = static_cast<int>(cell_number(objects, r, col.object_id, objects_path));
    o.area = cell_number(objects, r, col.area, objects_path);
    o.equivalent_diameter = cell_number(objects, r, col.diameter, objects_path);
    o.circularity = cell_number(objects, r, col.circularity, objects_path);
    o.solidity = cell_number(objects, r, col.solidity, objects_path);
    o.volume = col.volume >= 0 ? cell_number(objects, r, col.volume, objects_path)
                               : kPi / 6 * std::pow(o.equivalent_diameter, 3);
    if (config.spheroid == SpheroidChoice::kCentral) {
      if (!centres.count(image)) centres[image] = image_centre(config.metrics_dir, image);
      o.distance_to_centre = std::hypot(cell_number(objects, r, col.x, objects_path) - centres[image].x,
                                        cell_number(objects, r, col.y, objects_path) - centres[image].y);
    }
    calibrated.insert(cell_number(objects, r, col.pixel_size, objects_path) > 0);
    ++summary.images[found->second].objects;
    by_image[image].push_back(o);
  }
  if (calibrated.size() > 1) {
    throw DataError("\"" + objects_path.string() + "\" mixes calibrated (µm) and uncalibrated (px) images; run "
                    "quantify_objects with --pixel-size so that every well is measured in the same unit");
  }
  if (calibrated.count(true)) summary.area_unit = "µm²", summary.length_unit = "µm";

  std::sort(summary.images.begin(), summary.images.end(), [](const PlateImage& a, const PlateImage& b) {
    return std::make_tuple(a.where.plate, a.where.row, a.where.column, time_key(a.where), a.where.field) <
           std::make_tuple(b.where.plate, b.where.row, b.where.column, time_key(b.where), b.where.field);
  });
  // Wells at each time point, over their fields.
  double last_time = 0;
  for (const PlateImage& im : summary.images) {
    const bool same = !summary.per_well.empty() && summary.per_well.back().plate == im.where.plate &&
                      summary.per_well.back().well == im.where.well && last_time == time_key(im.where);
    last_time = time_key(im.where);
    if (!same) {
      WellTimePoint point;
      point.plate = im.where.plate;
      point.well = im.where.well;
      point.row = im.where.row;
      point.column = im.where.column;
      point.time_h = im.where.time_h;
      if (const auto* values = summary.layout.find(point.plate, point.well)) {
        point.in_layout = true;
        point.conditions = *values;
      }
      summary.per_well.push_back(std::move(point));
    }
    WellTimePoint& point = summary.per_well.back();
    ++point.fields;
    for (const WellObject& o : by_image[im.image]) {
      ++point.object_count;
      point.total_area += o.area;
      point.mean_equivalent_diameter += o.equivalent_diameter;
      point.mean_circularity += std::isfinite(o.circularity) ? o.circularity : 0.0;
      if (!point.has_spheroid || better(o, point.spheroid, config.spheroid)) point.spheroid = o;
      point.has_spheroid = true;
    }
  }
  for (WellTimePoint& point : summary.per_well) {
    const double n = static_cast<double>(point.object_count);
    point.mean_area = n > 0 ? point.total_area / n : kNaN;
    point.mean_equivalent_diameter = n > 0 ? point.mean_equivalent_diameter / n : kNaN;
    point.mean_circularity = n > 0 ? point.mean_circularity / n : kNaN;
  }
  if (!summary.layout.columns.empty()) {
    for (const std::string& c : summary.layout.columns) {
      if (c != contract::kReplicate && c != contract::kPlateFormat) summary.condition_columns.push_back(c);
    }
  }
  plate_detail::compute_growth(summary);
  plate_detail::compute_conditions(summary);
  plate_detail::compute_dose_response(summary);
  plate_detail::write_plate_outputs(summary, objects);
  return summary;
}

std::string format_plate_summary(const PlateSummary& s) {
  std::set<std::pair<std::string, std::string>> wells;
  std::set<double> times;
  for (const auto& p : s.per_well) wells.insert({p.plate, p.well}), times.insert(std::isnan(p.time_h) ? -1.0 : p.time_h);
  std::string out = fmt::format("plate_summary: {} image(s) in {} well(s) at {} time point(s); {} name(s) did not match\n",
                                s.images.size(), wells.size(), times.size(), s.unmatched.size());
  for (std::size_t i = 0; i < std::min<std::size_t>(s.unmatched.size(), 5); ++i) {
    out += fmt::format("  left out: \"{}\": {}\n", s.unmatched[i].first, s.unmatched[i].second);
  }
  if (s.unmatched.size() > 5) out += fmt::format("  ... and {} more in {}\n", s.unmatched.size() - 5, contract::kUnmatchedNamesCsv);
  for (const DoseResponse& d : s.dose) {
    out += d.note.empty() ? fmt::format("  {} {}: IC50 {:.4g} {} (95% {:.4g}-{:.4g}), Hill {:.3g}\n", d.compound, d.readout,
                                        d.fit.ic50, d.unit, d.fit.ic50_low, d.fit.ic50_high, d.fit.hill)
                          : fmt::format("  {} {}: no IC50 ({})\n", d.compound, d.readout, d.note);
  }
  out += "  outputs: " + (s.config.output_dir / "").string() + " (per_well.csv, growth.csv, conditions.csv, dose_response.csv";
  out += s.config.generate_plots ? ", plots/, plate_report.html)\n" : ")\n";
  return out;
}

}  // namespace segoid::analysis
