// SPDX-License-Identifier: MIT
// The synthetic assay through the command line: synth_assay -> predict_full (a trained model) ->
// quantify_objects -> plate_summary recovers every IC50 within 10% and growth rate within 5%
// from the PREDICTED masks with a model tuned to the assay's look ($SEGOID_TEST_MODEL; skips
// without one), and every IC50 within 10% with the shipped model as it is.
// CTest label: e2e
#include "segoid/pipeline/plate_demo.hpp"

#include <gtest/gtest.h>
#include <fmt/format.h>

#include <cmath>
#include <cstdlib>
#include <iostream>
#include <map>

#include "segoid/io/csv.hpp"
#include "test_support.hpp"

namespace segoid::pipeline {
namespace {
namespace fs = std::filesystem;

std::string column(const io::CsvTable& t, std::size_t row, const std::string& name) {
  const int index = t.column_index(name);
  EXPECT_GE(index, 0) << name;
  return index < 0 ? "" : t.rows.at(row).at(static_cast<std::size_t>(index));
}

std::string joined(const std::vector<double>& values) {
  std::string out;
  for (double v : values) out += (out.empty() ? "" : ",") + fmt::format("{}", v);
  return out;
}

TEST(PlateDemoTest, SmallAssayStaysInTheModelsRange) {
  EXPECT_NO_THROW(synth::validate_synth_assay(small_assay()));
  EXPECT_GE(small_assay().concentrations.size(), 6u);  // enough to pin a 4-parameter curve
}

/// Relative errors of the recovered IC50s (growth_rate readout) and of every well's growth rate.
struct AssayErrors {
  std::map<std::string, double> ic50;         ///< by compound
  std::map<std::string, double> growth_rate;  ///< by well
};

/// Runs the small assay through the binary with `model` and compares with the assay's truth.
AssayErrors run_assay(const fs::path& model) {
  AssayErrors errors;
  test::TempDir dir;
  const std::string segoid = test::segoid_binary().string();
  const synth::SynthAssayConfig a = small_assay();
  std::string synth = segoid + " synth_assay --out " + (dir / "assay").string() + " --concentrations " +
                      joined(a.concentrations) + " --times " + joined(a.times_h) +
                      fmt::format(" --initial-diameter {} --image-size {} --control-rate {} --control-wells {}",
                                  a.initial_diameter, a.image_size, a.control_rate, a.control_wells);
  for (const auto& k : a.compounds) synth += fmt::format(" --compound {},{},{},{},{}", k.name, k.ic50, k.hill, k.top, k.bottom);
  const std::vector<std::string> steps = {
      synth,
      segoid + " predict_full --checkpoint " + model.string() + " --input " + (dir / "assay" / "images").string() +
          " --output-dir " + (dir / "pred").string() + " --no-probabilities",
      segoid + " quantify_objects --pred-mask-dir " + (dir / "pred").string() + " --output-dir " +
          (dir / "metrics").string() + " --no-plots",
      segoid + " plate_summary --metrics " + (dir / "metrics").string() + " --layout " +
          (dir / "assay" / "layout.csv").string() + " --names incucyte --output-dir " + (dir / "plate").string() +
          " --no-plots"};
  for (const std::string& step : steps) {
    std::string output;
    EXPECT_EQ(test::run_command(step, &output), 0) << step << "\n" << output;
    if (::testing::Test::HasFailure()) return errors;
  }
  // IC50s of the growth_rate readout against the compounds' truth.
  const io::CsvTable truth = io::read_csv(dir / "assay" / "assay_truth.csv");
  const io::CsvTable dose = io::read_csv(dir / "plate" / "dose_response.csv");
  std::cout << "  compound   true IC50   recovered   error\n";
  for (std::size_t i = 0; i < truth.rows.size(); ++i) {
    const std::string compound = column(truth, i, "compound");
    const double expected = std::stod(column(truth, i, "ic50"));
    double recovered = std::nan("");
    for (std::size_t r = 0; r < dose.rows.size(); ++r) {
      if (column(dose, r, "compound") == compound && column(dose, r, "readout") == "growth_rate" &&
          !column(dose, r, "ic50").empty()) {
        recovered = std::stod(column(dose, r, "ic50"));
      }
    }
    errors.ic50[compound] = std::isnan(recovered) ? 1.0 : std::abs(recovered - expected) / expected;
    std::cout << fmt::format("  {:<9} {:>9.4g} {:>11.4g} {:>6.1f}%\n", compound, expected, recovered,
                             100 * errors.ic50[compound]);
  }
  // Every well's growth rate against its truth (wells: A1 in the truth, A01 in growth.csv).
  const io::CsvTable wells = io::read_csv(dir / "assay" / "assay_wells.csv");
  const io::CsvTable growth = io::read_csv(dir / "plate" / "growth.csv");
  std::map<std::string, double> fitted;
  for (std::size_t r = 0; r < growth.rows.size(); ++r) fitted[column(growth, r, "well")] = std::stod(column(growth, r, "growth_rate"));
  EXPECT_EQ(fitted.size(), wells.rows.size());
  double worst = 0;
  for (std::size_t i = 0; i < wells.rows.size(); ++i) {
    const std::string well = column(wells, i, "well");
    const std::string normalised = fmt::format("{}{:02d}", well.substr(0, 1), std::stoi(well.substr(1)));
    const double expected = std::stod(column(wells, i, "growth_rate"));
    const double error = fitted.count(normalised) ? std::abs(fitted[normalised] - expected) / expected : 1.0;
    errors.growth_rate[normalised] = error;
    worst = std::max(worst, error);
  }
  std::cout << fmt::format("  worst growth-rate error over {} wells: {:.2f}%\n", wells.rows.size(), 100 * worst);
  return errors;
}

TEST(PlateDemoTest, EndToEndRecoversTruthFromPredictedMasks) {
  // The 5% growth bar needs a model tuned to the assay's look (the shipped one as it is: worst 7.6%).
  const char* tuned = std::getenv("SEGOID_TEST_MODEL");
  if (tuned == nullptr || !fs::is_regular_file(tuned)) {
    GTEST_SKIP() << "set SEGOID_TEST_MODEL=<checkpoint> (a model fine-tuned on ULA plates; see issue 27's note)";
  }
  const AssayErrors errors = run_assay(tuned);
  for (const auto& [compound, error] : errors.ic50) EXPECT_LE(error, 0.10) << compound;
  for (const auto& [well, error] : errors.growth_rate) EXPECT_LE(error, 0.05) << well;
}

TEST(PlateDemoTest, ShippedModelRecoversEveryIc50) {
  const fs::path model = test::test_model();
  if (model.empty()) GTEST_SKIP() << "no model: add models/spheroid-base.pth or set SEGOID_TEST_MODEL";
  const AssayErrors errors = run_assay(model);
  ASSERT_FALSE(errors.ic50.empty());
  for (const auto& [compound, error] : errors.ic50) EXPECT_LE(error, 0.10) << compound;
  // Zero-shot, the growth rates are biased up by masks a pixel or two small on the youngest
  // spheroids (measured 2026-12-07: worst 7.6% of 18 wells, 11.5% with the epoch-5 file); a guard
  // against getting worse.
  for (const auto& [well, error] : errors.growth_rate) EXPECT_LE(error, 0.15) << well;
}

}  // namespace
}  // namespace segoid::pipeline
