// SPDX-License-Identifier: MIT
// `plate_summary`: from a table of objects per image to wells, time points, conditions, growth
// and dose-response (per_well.csv, growth.csv, conditions.csv, dose_response.csv).
#pragma once

#include <filesystem>
#include <string>
#include <vector>

#include "segoid/analysis/contract.hpp"
#include "segoid/analysis/curve_fit.hpp"
#include "segoid/analysis/plate_layout.hpp"
#include "segoid/analysis/plate_names.hpp"

namespace segoid::analysis {

/// Which object of a well is its spheroid (round-bottom ULA assays have one per well).
enum class SpheroidChoice {
  kLargest,  ///< the largest object over the well's fields
  kCentral,  ///< the object whose centroid is nearest the image centre (sizes from the predicted masks)
};

/// Options of `segoid plate_summary`.
struct PlateSummaryConfig {
  std::filesystem::path metrics_dir;  ///< quantify_objects, extract_metrics or merge_metrics output
  std::filesystem::path layout;       ///< plate layout CSV; empty = no conditions (no dose-response)
  std::string names;                  ///< name preset (incucyte, imagexpress, operetta, cytation) or a regex
  std::filesystem::path output_dir;   ///< CSVs, plate_summary_meta.yaml, plots/, plate_report.html
  int plate_format = 0;               ///< 96, 384, 1536; 0 = from the layout, else the smallest that fits
  double time_step_h = 1.0;           ///< hours per unit of a numbered time point (`time` group)
  SpheroidChoice spheroid = SpheroidChoice::kLargest;
  /// growth.csv columns fitted against concentration per compound.
  std::vector<std::string> readouts = {contract::kGrowthRate, contract::kRelativeArea};
  std::string map_measure = contract::kGrowthRate;  ///< growth.csv column of the plate map
  bool generate_plots = true;                      ///< plots/ (report::run_plate_summary_report)
};

/// One measured image with its place and time.
struct PlateImage {
  std::string image;  ///< basename, as in the metrics' `image` column
  WellImage where;
  long objects = 0;
};

/// One object of a well at a time point: what per_well.csv reports as its spheroid.
struct WellObject {
  std::string image;
  int object_id = 0;
  double area = 0, equivalent_diameter = 0, circularity = 0, solidity = 0, volume = 0;  ///< volume: sphere
  double distance_to_centre = 0;  ///< px, when the choice is kCentral
};

/// A well at one time point (a row of per_well.csv), over its fields.
struct WellTimePoint {
  std::string plate, well;
  int row = 0, column = 0;
  double time_h = 0;  ///< NaN without times in the names
  int fields = 0;
  long object_count = 0;
  double total_area = 0, mean_area = 0, mean_equivalent_diameter = 0, mean_circularity = 0;
  bool has_spheroid = false;
  WellObject spheroid;
  double relative_area = 0, relative_volume = 0;  ///< over the well's first time point; NaN when undefined
  bool in_layout = false;
  std::vector<std::string> conditions;  ///< the layout's values (PlateLayout::columns); empty when not listed
};

/// Growth of one well over its time points (a row of growth.csv).
struct WellGrowth {
  std::string plate, well;
  int row = 0, column = 0;
  int time_points = 0;
  double first_time_h = 0, last_time_h = 0;
  double first_area = 0, last_area = 0;  ///< the spheroid's
  double relative_area = 0, relative_volume = 0;  ///< last over first
  LineFit fit;                 ///< ln(spheroid area) against time_h over the time points with a spheroid
  double growth_rate = 0;      ///< 1/h, fit.slope (area; the sphere volume grows 1.5 times as fast)
  double doubling_time_h = 0;  ///< ln 2 / growth_rate; NaN unless growth_rate > 0
  bool in_layout = false;
  std::vector<std::string> conditions;  ///< the layout's values (PlateLayout::columns)
};

/// Replicate wells of one condition at one time point (a row of conditions.csv).
struct ConditionPoint {
  std::vector<std::string> key;  ///< the layout's condition columns (PlateSummary::condition_columns)
  std::string label;             ///< "<compound> <concentration> <unit>", else the key joined
  double time_h = 0;
  int wells = 0;
  double relative_area_mean = 0, relative_area_sd = 0;
  double relative_volume_mean = 0, relative_volume_sd = 0;
  double spheroid_area_mean = 0, spheroid_area_sd = 0;
  double growth_rate_mean = 0, growth_rate_sd = 0;  ///< over the condition's wells (all times)
};

/// One compound and readout (a row of dose_response.csv) with the points it was fitted to.
struct DoseResponse {
  std::string compound, readout, unit;
  LogisticFit fit;
  std::vector<double> concentration, response;  ///< one per well
  int concentrations = 0;                       ///< distinct, above 0
  double min_concentration = 0, max_concentration = 0;
  bool ic50_in_range = false;  ///< ic50 within the tested concentrations
  std::string note;            ///< why no IC50 is given (empty when it is)
};

/// Everything plate_summary computed.
struct PlateSummary {
  PlateSummaryConfig config;
  PlateLayout layout;                       ///< empty when no layout was given
  std::vector<std::string> condition_columns;  ///< layout columns that define a condition
  std::vector<PlateImage> images;           ///< matched images, sorted by plate, well, time, field
  std::vector<std::pair<std::string, std::string>> unmatched;  ///< (image, reason), left out
  std::vector<WellTimePoint> per_well;      ///< sorted by plate, well, time
  std::vector<WellGrowth> growth;           ///< one per well
  std::vector<ConditionPoint> conditions;   ///< by condition, then time
  std::vector<DoseResponse> dose;           ///< by compound, then readout
  std::string area_unit = "px²";            ///< of the areas ("µm²" when the metrics are calibrated)
  std::string length_unit = "px";
};

/// The growth.csv readouts that dose-response fits and plate maps can use: growth_rate,
/// relative_area, relative_volume, doubling_time_h, last_area.
std::vector<std::string> plate_readouts();

/// The value of readout `name` (one of plate_readouts()) for a well; NaN for another name.
double plate_readout(const WellGrowth& well, const std::string& name);

/// Reads the metrics folder (all_objects.csv; the image list from per_image/*_objects.csv, so
/// images without objects count), parses every image name, joins the layout, and computes
/// per-well time points, growth, conditions and dose-response; then writes per_well.csv,
/// growth.csv, conditions.csv, dose_response.csv, per_image.csv, objects.csv (all_objects.csv
/// with plate, well, row, column, field, time_h), unmatched_names.csv and
/// plate_summary_meta.yaml into output_dir, atomically. Names that do not match are listed in
/// unmatched_names.csv and left out, never guessed. Throws ConfigError (bad options, pattern or
/// missing folder), DataError (two images of the same plate, well, field and time; a bad layout;
/// calibrated and uncalibrated images mixed), IoError.
PlateSummary run_plate_summary(const PlateSummaryConfig& config);

/// A few lines for the console: images, wells, time points, the fits and where the files are.
std::string format_plate_summary(const PlateSummary& summary);

}  // namespace segoid::analysis
