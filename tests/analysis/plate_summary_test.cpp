// SPDX-License-Identifier: MIT
// plate_summary on hand-made metrics folders with known wells, times, growth and dose-response.
#include "segoid/analysis/plate_summary.hpp"

#include <gtest/gtest.h>
#include <fmt/format.h>

#include <cmath>

#include "segoid/core/atomic_file.hpp"
#include "segoid/core/error.hpp"
#include "segoid/io/csv.hpp"
#include "test_support.hpp"

namespace segoid::analysis {
namespace {
namespace fs = std::filesystem;

constexpr double kPi = 3.14159265358979323846;

// A metrics folder as quantify_objects writes it (the columns plate_summary reads).
struct Metrics {
  test::TempDir dir;
  std::string objects = "object_id,area,equivalent_diameter,circularity,centroid_x,centroid_y,image,pixel_size_um\n";
  void image(const std::string& name, const std::vector<double>& areas, double pixel_size = 0) {
    core::write_file_atomic(dir / "metrics" / "per_image" / (name + "_objects.csv"), "object_id\n");
    int id = 0;
    for (double area : areas) {
      ++id;
      objects += fmt::format("{},{},{},0.9,{},{},{},{}\n", id, area, std::sqrt(4 * area / kPi), 100 + 30 * id, 100, name,
                             pixel_size > 0 ? fmt::format("{}", pixel_size) : "");
    }
  }
  PlateSummaryConfig config(const std::string& layout) {
    core::write_file_atomic(dir / "metrics" / "all_objects.csv", objects);
    core::write_file_atomic(dir / "layout.csv", layout);
    PlateSummaryConfig c;
    c.metrics_dir = dir / "metrics";
    c.layout = dir / "layout.csv";
    c.names = "incucyte";
    c.output_dir = dir / "plate";
    c.generate_plots = false;
    return c;
  }
};

std::string stamp(int hours) { return fmt::format("{:02d}d{:02d}h00m", hours / 24, hours % 24); }

io::CsvTable table(const fs::path& path) { return io::read_csv(path); }
std::string cell(const io::CsvTable& t, std::size_t row, const std::string& column) {
  return t.rows.at(row).at(static_cast<std::size_t>(t.column_index(column)));
}

TEST(PlateSummaryTest, WellsTimePointsGrowthAndConditions) {
  Metrics m;
  const double rate_a = 0.02, rate_b = 0.03;
  for (int t : {0, 24, 48}) {
    m.image("P1_A1_1_" + stamp(t), {1000 * std::exp(rate_a * t), 150});  // spheroid and a speck
    m.image("P1_A2_1_" + stamp(t), {1200 * std::exp(rate_a * t)});
    m.image("P1_B1_1_" + stamp(t), {900 * std::exp(rate_b * t)});
  }
  m.image("P1_A2_2_" + stamp(24), {50});  // a second field with debris only
  m.image("P1_B2_1_" + stamp(0), {});     // an empty well: counted, no spheroid
  m.image("P1_B2_1_" + stamp(24), {800});
  m.image("scan_notes", {10});            // not an Incucyte name: left out
  PlateSummaryConfig config = m.config("well,compound,concentration,unit,replicate\n"
                                       "A1,drug,1,uM,1\nA2,drug,1,uM,2\nB1,vehicle,0,uM,1\n");
  const PlateSummary s = run_plate_summary(config);
  EXPECT_EQ(s.images.size(), 12u);
  ASSERT_EQ(s.unmatched.size(), 1u);
  EXPECT_EQ(s.unmatched[0].first, "scan_notes");
  ASSERT_EQ(s.growth.size(), 4u);
  EXPECT_EQ(s.growth[0].well, "A01");
  EXPECT_NEAR(s.growth[0].growth_rate, rate_a, 1e-12);
  EXPECT_NEAR(s.growth[0].doubling_time_h, std::log(2.0) / rate_a, 1e-9);
  EXPECT_NEAR(s.growth[0].relative_area, std::exp(rate_a * 48), 1e-9);
  EXPECT_NEAR(s.growth[0].relative_volume, std::pow(std::exp(rate_a * 48), 1.5), 1e-6);
  EXPECT_NEAR(s.growth[2].growth_rate, rate_b, 1e-12);  // B01
  EXPECT_TRUE(std::isnan(s.growth[3].relative_area));   // B02 had no spheroid at its first time point

  const io::CsvTable per_well = table(config.output_dir / "per_well.csv");
  ASSERT_EQ(per_well.rows.size(), 11u);  // A1 3, A2 3, B1 3, B2 2
  EXPECT_EQ(cell(per_well, 0, "well"), "A01");
  EXPECT_EQ(cell(per_well, 0, "object_count"), "2");
  EXPECT_EQ(cell(per_well, 0, "spheroid_object_id"), "1");
  EXPECT_EQ(cell(per_well, 0, "total_area"), "1150");
  EXPECT_EQ(cell(per_well, 0, "compound"), "drug");
  EXPECT_EQ(cell(per_well, 4, "fields"), "2");  // A2 at 24 h: two fields
  EXPECT_EQ(cell(per_well, 4, "spheroid_image"), "P1_A2_1_01d00h00m");
  EXPECT_EQ(cell(per_well, 9, "object_count"), "0");
  EXPECT_EQ(cell(per_well, 9, "spheroid_area"), "");
  EXPECT_EQ(cell(per_well, 9, "compound"), "");  // B2 is not in the layout

  // conditions.csv: drug 1 uM over its two wells at each time; vehicle alone.
  const io::CsvTable conditions = table(config.output_dir / "conditions.csv");
  ASSERT_EQ(conditions.rows.size(), 6u);
  EXPECT_EQ(cell(conditions, 2, "condition"), "drug 1 uM");
  EXPECT_EQ(cell(conditions, 2, "time_h"), "48");
  EXPECT_EQ(cell(conditions, 2, "wells"), "2");
  EXPECT_NEAR(std::stod(cell(conditions, 2, "relative_area_mean")), std::exp(rate_a * 48), 1e-6);
  EXPECT_NEAR(std::stod(cell(conditions, 2, "spheroid_area_sd")), std::sqrt(2.0) / 2 * 200 * std::exp(rate_a * 48), 1e-4);
  EXPECT_EQ(cell(conditions, 3, "condition"), "vehicle 0 uM");
  EXPECT_EQ(cell(conditions, 3, "relative_area_sd"), "");  // one well: no SD

  const io::CsvTable objects = table(config.output_dir / "objects.csv");
  EXPECT_EQ(objects.header.back(), "time_h");
  EXPECT_EQ(objects.rows.size(), 14u);  // every object of a matched image (scan_notes left out)
  EXPECT_EQ(table(config.output_dir / "unmatched_names.csv").rows.size(), 1u);
  // One concentration of one compound: a row per readout that says why there is no IC50.
  const io::CsvTable dose = table(config.output_dir / "dose_response.csv");
  ASSERT_EQ(dose.rows.size(), 2u);  // growth_rate, relative_area
  EXPECT_EQ(cell(dose, 0, "compound"), "drug");
  EXPECT_EQ(cell(dose, 0, "converged"), "false");
  EXPECT_EQ(cell(dose, 0, "ic50"), "");
  EXPECT_NE(cell(dose, 0, "note").find("too few points"), std::string::npos);
}

TEST(PlateSummaryTest, DoseResponseRecoversTheIc50AndFlagsOutOfRange) {
  Metrics m;
  std::string layout = "well,compound,concentration,unit\n";
  const std::vector<double> conc = {0.01, 0.03, 0.1, 0.3, 1, 3, 10};
  for (std::size_t k = 0; k < conc.size(); ++k) {
    const auto rate = [&](double ic50) { return 0.005 + 0.025 / (1 + std::pow(conc[k] / ic50, 1.4)); };
    for (int t : {0, 48, 96}) {
      m.image(fmt::format("P1_A{}_1_{}", k + 1, stamp(t)), {2000 * std::exp(rate(0.4) * t)});
      m.image(fmt::format("P1_B{}_1_{}", k + 1, stamp(t)), {2000 * std::exp(rate(500.0) * t)});
    }
    layout += fmt::format("A{},potent,{},uM\nB{},weak,{},uM\n", k + 1, conc[k], k + 1, conc[k]);
  }
  PlateSummaryConfig config = m.config(layout);
  config.readouts = {"growth_rate"};
  const PlateSummary s = run_plate_summary(config);
  const io::CsvTable dose = table(config.output_dir / "dose_response.csv");
  const std::vector<std::string> columns = {"compound", "readout", "ic50", "hill", "top", "bottom", "ic50_low",
                                            "ic50_high", "converged"};
  EXPECT_EQ(std::vector<std::string>(dose.header.begin(), dose.header.begin() + 9), columns);
  ASSERT_EQ(dose.rows.size(), 2u);
  EXPECT_EQ(cell(dose, 0, "compound"), "potent");
  EXPECT_NEAR(std::stod(cell(dose, 0, "ic50")), 0.4, 1e-5);
  EXPECT_NEAR(std::stod(cell(dose, 0, "hill")), 1.4, 1e-4);
  EXPECT_NEAR(std::stod(cell(dose, 0, "bottom")), 0.005, 1e-7);
  EXPECT_EQ(cell(dose, 0, "converged"), "true");
  EXPECT_EQ(cell(dose, 0, "unit"), "uM");
  // The weak compound's IC50 lies far beyond 10 uM: no number, a note instead.
  EXPECT_EQ(cell(dose, 1, "compound"), "weak");
  EXPECT_EQ(cell(dose, 1, "ic50"), "");
  EXPECT_EQ(cell(dose, 1, "ic50_low"), "");
  EXPECT_FALSE(cell(dose, 1, "note").empty());
  ASSERT_EQ(s.dose.size(), 2u);
  EXPECT_FALSE(s.dose[1].ic50_in_range && s.dose[1].fit.converged);
}

TEST(PlateSummaryTest, AmbiguousOrMixedInputsAreRefused) {
  {
    Metrics m;
    m.image("P1_A1_1_" + stamp(0), {500});
    m.image("P1_A1_1_" + stamp(0) + ".tif", {500});  // the same plate, well, field and time
    const auto config = m.config("well,x\nA1,1\n");
    try {
      run_plate_summary(config);
      FAIL() << "two images of one well, field and time were accepted";
    } catch (const DataError& e) {
      EXPECT_NE(std::string(e.what()).find("P1_A1_1_00d00h00m"), std::string::npos) << e.what();
    }
  }
  {
    Metrics m;
    m.image("P1_A1_1_" + stamp(0), {500}, /*pixel_size=*/0.65);
    m.image("P1_A1_1_" + stamp(24), {700});
    EXPECT_THROW(run_plate_summary(m.config("well,x\nA1,1\n")), DataError);
  }
  {
    Metrics m;
    m.image("P1_A1_1_" + stamp(0), {500});
    PlateSummaryConfig config = m.config("well,x\nA1,1\n");
    config.readouts = {"not_a_readout"};
    EXPECT_THROW(run_plate_summary(config), ConfigError);
    config.readouts = {"growth_rate"};
    config.names = "(?<plate>x";
    EXPECT_THROW(run_plate_summary(config), ConfigError);
  }
}

}  // namespace
}  // namespace segoid::analysis
