// SPDX-License-Identifier: MIT
// The synthetic assay's truth: exact masks grow at the wells' known rates, the rates follow the
// compounds' dose-responses, names parse as Incucyte's, and bad settings are refused.
#include "segoid/synth/synth_assay.hpp"

#include <gtest/gtest.h>

#include <algorithm>
#include <cmath>
#include <map>

#include <opencv2/imgproc.hpp>

#include <regex>

#include "segoid/core/error.hpp"
#include "segoid/io/csv.hpp"
#include "segoid/io/image_io.hpp"
#include "test_support.hpp"

namespace segoid::synth {
namespace {

SynthAssayConfig tiny() {
  SynthAssayConfig c;
  c.compounds = {{"cmpd-A", 0.3, 1.2, 0.025, 0.008}};
  c.concentrations = {0.1, 1, 10};
  c.control_wells = 1;
  c.control_rate = 0.02;
  c.times_h = {0, 36, 72};
  c.initial_diameter = 50;
  c.image_size = 320;
  return c;
}

TEST(SynthAssayTest, RateFollowsTheDoseResponse) {
  const AssayCompound k{"x", 2.0, 1.5, 0.03, 0.01};
  EXPECT_DOUBLE_EQ(assay_rate(k, 0), 0.03);
  EXPECT_DOUBLE_EQ(assay_rate(k, 2.0), 0.02);  // halfway at the IC50
  EXPECT_NEAR(assay_rate(k, 2e6), 0.01, 1e-10);
}

TEST(SynthAssayTest, MasksGrowAtTheWellsTrueRates) {
  test::TempDir dir;
  const SynthAssayConfig config = tiny();
  const SynthAssaySummary s = write_synthetic_assay(dir.path(), config);
  EXPECT_EQ(s.wells, 4);
  EXPECT_EQ(s.images, 12);
  const io::CsvTable wells = io::read_csv(s.wells_csv);
  ASSERT_EQ(wells.rows.size(), 4u);
  // Incucyte's names: <vessel>_<well>_<field>_<DD>d<HH>h<MM>m.
  const std::regex incucyte(R"(^VID1_([A-H]\d{1,2})_1_(\d\d)d(\d\d)h(\d\d)m\.tif$)");
  std::map<std::string, std::vector<std::pair<double, double>>> series;  // well -> (time, mask area)
  for (const auto& entry : std::filesystem::directory_iterator(s.images_dir)) {
    const std::string name = entry.path().filename().string();
    std::smatch m;
    ASSERT_TRUE(std::regex_match(name, m, incucyte)) << name;
    const double hours = std::stoi(m[2]) * 24 + std::stoi(m[3]) + std::stoi(m[4]) / 60.0;
    const cv::Mat mask = io::read_image(s.masks_dir / (entry.path().stem().string() + "_mask.tif")).pixels;
    cv::Mat labels;
    ASSERT_EQ(cv::connectedComponents(mask, labels, 8), 2) << name << ": one spheroid per well";
    series[m[1]].emplace_back(hours, cv::countNonZero(mask));
  }
  for (const auto& row : wells.rows) {
    const std::string well = row[wells.column_index("well")];
    const double truth = std::stod(row[wells.column_index("growth_rate")]);
    const std::string compound = row[wells.column_index("compound")];
    const double conc = std::stod(row[wells.column_index("concentration")]);
    EXPECT_NEAR(truth, compound == "vehicle" ? 0.02 : assay_rate(config.compounds[0], conc), 1e-9 * truth);
    auto& points = series[well];
    ASSERT_EQ(points.size(), 3u) << well;
    std::sort(points.begin(), points.end());
    // ln(area) over time: the exact masks follow the nominal rate within pixelisation (~1%).
    const double rate = std::log(points.back().second / points.front().second) / (points.back().first - points.front().first);
    EXPECT_NEAR(rate, truth, 0.01 * truth) << well;
  }
  // The layout names every well once, with numeric concentrations.
  const io::CsvTable layout = io::read_csv(s.layout_csv);
  EXPECT_EQ(layout.header, (std::vector<std::string>{"plate", "well", "compound", "concentration", "unit", "replicate"}));
  ASSERT_EQ(layout.rows.size(), 4u);
  EXPECT_EQ(layout.rows[0][1], "A1");
  EXPECT_EQ(layout.rows[3][1], "B1");  // the control well on the next row
  EXPECT_EQ(layout.rows[3][3], "0");
  const io::CsvTable truth = io::read_csv(s.truth_csv);
  ASSERT_EQ(truth.rows.size(), 1u);
  EXPECT_EQ(truth.rows[0][truth.column_index("ic50")], "0.3");
}

TEST(SynthAssayTest, SameSeedSameImagesOtherwiseRefused) {
  test::TempDir dir;
  SynthAssayConfig config = tiny();
  config.times_h = {0};
  write_synthetic_assay(dir / "a", config);
  EXPECT_THROW(write_synthetic_assay(dir / "a", config), ConfigError);  // not empty without overwrite
  write_synthetic_assay(dir / "b", config);
  const std::string name = "VID1_A1_1_00d00h00m.tif";
  EXPECT_EQ(io::read_image(dir / "a" / "images" / name).pixels.total(), 320u * 320u);
  EXPECT_EQ(cv::norm(io::read_image(dir / "a" / "images" / name).pixels, io::read_image(dir / "b" / "images" / name).pixels,
                     cv::NORM_INF),
            0.0);
}

TEST(SynthAssayTest, SettingsOutsideTheModelsRangeAreRefused) {
  const auto refused = [](SynthAssayConfig c) {
    try {
      validate_synth_assay(c);
    } catch (const ConfigError& e) {
      return std::string(e.what());
    }
    return std::string("accepted");
  };
  SynthAssayConfig c = tiny();
  c.initial_diameter = 10;
  EXPECT_NE(refused(c).find("20-300 px"), std::string::npos);
  c = tiny();
  c.times_h = {0, 500};
  EXPECT_NE(refused(c).find("px"), std::string::npos);
  c = tiny();
  c.image_size = 128;
  EXPECT_NE(refused(c).find("image_size"), std::string::npos);
  c = tiny();
  c.times_h = {10, 5};
  EXPECT_NE(refused(c).find("increasing"), std::string::npos);
  c = tiny();
  c.concentrations = {0, 1};
  EXPECT_NE(refused(c).find("> 0"), std::string::npos);
  EXPECT_EQ(refused(tiny()), "accepted");
}

}  // namespace
}  // namespace segoid::synth
