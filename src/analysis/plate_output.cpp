// SPDX-License-Identifier: MIT
// plate_summary's files: the tables (layout columns joined last) and plate_summary_meta.yaml.
#include <yaml-cpp/yaml.h>

#include <cmath>
#include <map>

#include "csv_lite.hpp"
#include "plate_internal.hpp"
#include "segoid/data/contract.hpp"
#include "segoid/core/atomic_file.hpp"
#include "segoid/core/utc_time.hpp"
#include "segoid/core/version.hpp"

namespace segoid::analysis::plate_detail {
namespace fs = std::filesystem;
namespace {

using csv::number;

std::string integer(long v) { return std::to_string(v); }

// Where the image is: plate, well, row, column (and field, time_h for images).
std::vector<std::string> place(const std::string& plate, const std::string& well, int row, int column) {
  return {plate, well, integer(row), integer(column)};
}

void append(std::vector<std::string>& to, const std::vector<std::string>& more) { to.insert(to.end(), more.begin(), more.end()); }

// The layout's values for a row, blank when the well is not in the layout.
std::vector<std::string> layout_cells(const PlateSummary& s, bool in_layout, const std::vector<std::string>& values) {
  return in_layout ? values : std::vector<std::string>(s.layout.columns.size());
}

void write_table(const fs::path& path, std::vector<std::string> header, const std::vector<std::vector<std::string>>& rows) {
  std::string text = csv::join_row(header);
  for (const auto& row : rows) text += csv::join_row(row);
  core::write_file_atomic(path, text);
}

void write_per_well(const PlateSummary& s, const fs::path& path) {
  std::vector<std::string> header = {contract::kPlate, contract::kWell, contract::kRow, contract::kColumn, contract::kTimeH,
                                     "fields", data::contract::kObjectCount, "total_area", "mean_area", "mean_equivalent_diameter",
                                     "mean_circularity", "spheroid_image", "spheroid_object_id", "spheroid_area",
                                     "spheroid_equivalent_diameter", "spheroid_circularity", "spheroid_solidity",
                                     "spheroid_volume", contract::kRelativeArea, contract::kRelativeVolume, "area_unit"};
  append(header, s.layout.columns);
  std::vector<std::vector<std::string>> rows;
  for (const WellTimePoint& p : s.per_well) {
    std::vector<std::string> row = place(p.plate, p.well, p.row, p.column);
    const WellObject& o = p.spheroid;
    append(row, {number(p.time_h), integer(p.fields), integer(p.object_count), number(p.total_area), number(p.mean_area),
                 number(p.mean_equivalent_diameter), number(p.mean_circularity), p.has_spheroid ? o.image : "",
                 p.has_spheroid ? integer(o.object_id) : "", p.has_spheroid ? number(o.area) : "",
                 p.has_spheroid ? number(o.equivalent_diameter) : "", p.has_spheroid ? number(o.circularity) : "",
                 p.has_spheroid ? number(o.solidity) : "", p.has_spheroid ? number(o.volume) : "",
                 number(p.relative_area), number(p.relative_volume), s.area_unit});
    append(row, layout_cells(s, p.in_layout, p.conditions));
    rows.push_back(std::move(row));
  }
  write_table(path, header, rows);
}

void write_growth(const PlateSummary& s, const fs::path& path) {
  std::vector<std::string> header = {contract::kPlate, contract::kWell, contract::kRow, contract::kColumn, "time_points",
                                     "first_time_h", "last_time_h", "first_area", "last_area", contract::kRelativeArea,
                                     contract::kRelativeVolume, contract::kGrowthRate, "growth_rate_se",
                                     "doubling_time_h", "r2", "area_unit"};
  append(header, s.layout.columns);
  std::vector<std::vector<std::string>> rows;
  for (const WellGrowth& g : s.growth) {
    std::vector<std::string> row = place(g.plate, g.well, g.row, g.column);
    append(row, {integer(g.time_points), number(g.first_time_h), number(g.last_time_h), number(g.first_area),
                 number(g.last_area), number(g.relative_area), number(g.relative_volume), number(g.growth_rate),
                 number(g.fit.slope_se), number(g.doubling_time_h), number(g.fit.r2), s.area_unit});
    append(row, layout_cells(s, g.in_layout, g.conditions));
    rows.push_back(std::move(row));
  }
  write_table(path, header, rows);
}

void write_conditions(const PlateSummary& s, const fs::path& path) {
  std::vector<std::string> header = s.condition_columns;
  append(header, {"condition", contract::kTimeH, "wells", "spheroid_area_mean", "spheroid_area_sd",
                  "relative_area_mean", "relative_area_sd", "relative_volume_mean", "relative_volume_sd",
                  "growth_rate_mean", "growth_rate_sd"});
  std::vector<std::vector<std::string>> rows;
  for (const ConditionPoint& c : s.conditions) {
    std::vector<std::string> row = c.key;
    append(row, {c.label, number(c.time_h), integer(c.wells), number(c.spheroid_area_mean), number(c.spheroid_area_sd),
                 number(c.relative_area_mean), number(c.relative_area_sd), number(c.relative_volume_mean),
                 number(c.relative_volume_sd), number(c.growth_rate_mean), number(c.growth_rate_sd)});
    rows.push_back(std::move(row));
  }
  write_table(path, header, rows);
}

void write_dose_response(const PlateSummary& s, const fs::path& path) {
  std::vector<std::string> header(contract::kDoseResponseColumns.begin(), contract::kDoseResponseColumns.end());
  append(header, {"unit", "wells", "concentrations", "min_concentration", "max_concentration", "ic50_in_range",
                  "log10_ic50_se", "note"});
  std::vector<std::vector<std::string>> rows;
  for (const DoseResponse& d : s.dose) {
    const LogisticFit& f = d.fit;
    // No number where there is no answer: an unconverged fit or an IC50 outside the tested range.
    const bool ic50 = d.note.empty();
    const auto fitted = [&](double v) { return f.converged ? number(v) : ""; };
    rows.push_back({d.compound, d.readout, ic50 ? number(f.ic50) : "", fitted(f.hill), fitted(f.top), fitted(f.bottom),
                    ic50 ? number(f.ic50_low) : "", ic50 ? number(f.ic50_high) : "", f.converged ? "true" : "false",
                    d.unit, integer(static_cast<long>(d.response.size())), integer(d.concentrations),
                    number(d.min_concentration), number(d.max_concentration), d.ic50_in_range ? "true" : "false",
                    fitted(f.log10_ic50_se), d.note});
  }
  write_table(path, header, rows);
}

void write_images_and_objects(const PlateSummary& s, const io::CsvTable& objects, const fs::path& out) {
  std::map<std::string, const PlateImage*> by_name;
  std::vector<std::vector<std::string>> rows;
  for (const PlateImage& im : s.images) {
    by_name[im.image] = &im;
    std::vector<std::string> row = {im.image};
    append(row, place(im.where.plate, im.where.well, im.where.row, im.where.column));
    append(row, {integer(im.where.field), number(im.where.time_h), integer(im.objects)});
    rows.push_back(std::move(row));
  }
  write_table(out / contract::kPlateImagesCsv, {contract::kImage, contract::kPlate, contract::kWell, contract::kRow,
                                               contract::kColumn, contract::kField, contract::kTimeH, data::contract::kObjectCount}, rows);
  const int image = objects.column_index(contract::kImage);
  std::vector<std::string> header = objects.header;
  append(header, {contract::kPlate, contract::kWell, contract::kRow, contract::kColumn, contract::kField, contract::kTimeH});
  rows.clear();
  for (const auto& source : objects.rows) {
    const auto found = by_name.find(source[image]);
    if (found == by_name.end()) continue;
    const WellImage& w = found->second->where;
    std::vector<std::string> row = source;
    append(row, place(w.plate, w.well, w.row, w.column));
    append(row, {integer(w.field), number(w.time_h)});
    rows.push_back(std::move(row));
  }
  write_table(out / contract::kPlateObjectsCsv, header, rows);
  rows.clear();
  for (const auto& [name, why] : s.unmatched) rows.push_back({name, why});
  write_table(out / contract::kUnmatchedNamesCsv, {contract::kImage, "reason"}, rows);
}

void write_meta(const PlateSummary& s, const fs::path& path) {
  const PlateSummaryConfig& c = s.config;
  YAML::Emitter y;
  y.SetDoublePrecision(12);
  y << YAML::BeginMap;
  y << YAML::Key << "segoid_version" << YAML::Value << core::version();
  y << YAML::Key << "git_hash" << YAML::Value << core::git_hash();
  y << YAML::Key << "created_utc" << YAML::Value << core::utc_timestamp_now();
  y << YAML::Key << "metrics" << YAML::Value << fs::absolute(c.metrics_dir).string();
  y << YAML::Key << "layout" << YAML::Value << (c.layout.empty() ? std::string() : fs::absolute(c.layout).string());
  y << YAML::Key << "names" << YAML::Value << c.names;
  y << YAML::Key << "names_regex" << YAML::Value << NamePattern(c.names, c.time_step_h).regex();
  y << YAML::Key << "time_step_h" << YAML::Value << c.time_step_h;
  y << YAML::Key << contract::kPlateFormat << YAML::Value << s.layout.format.wells;
  y << YAML::Key << "spheroid" << YAML::Value << (c.spheroid == SpheroidChoice::kCentral ? "central" : "largest");
  y << YAML::Key << "readouts" << YAML::Value << YAML::Flow << c.readouts;
  y << YAML::Key << "area_unit" << YAML::Value << s.area_unit;
  y << YAML::Key << "results" << YAML::Value << YAML::BeginMap;
  y << YAML::Key << "images" << YAML::Value << s.images.size();
  y << YAML::Key << "unmatched_names" << YAML::Value << s.unmatched.size();
  y << YAML::Key << "wells" << YAML::Value << s.growth.size();
  y << YAML::Key << "well_time_points" << YAML::Value << s.per_well.size();
  y << YAML::Key << "dose_response_fits" << YAML::Value << s.dose.size();
  y << YAML::EndMap << YAML::EndMap;
  core::write_file_atomic(path, std::string(y.c_str()) + "\n");
}

}  // namespace

void write_plate_outputs(const PlateSummary& s, const io::CsvTable& objects) {
  const fs::path out = s.config.output_dir;
  write_per_well(s, out / contract::kPerWellCsv);
  write_growth(s, out / contract::kGrowthCsv);
  write_conditions(s, out / contract::kConditionsCsv);
  write_dose_response(s, out / contract::kDoseResponseCsv);
  write_images_and_objects(s, objects, out);
  write_meta(s, out / contract::kPlateSummaryMetaYaml);
}

}  // namespace segoid::analysis::plate_detail
