// SPDX-License-Identifier: MIT
// Tests for writing a synthetic set: file layout, exact read-back, truth table, overwrite guard.
#include <gtest/gtest.h>

#include <fstream>
#include <sstream>
#include <string>

#include "segoid/core/atomic_file.hpp"
#include "segoid/core/error.hpp"
#include "segoid/synth/synth_plate.hpp"
#include "segoid/io/image_io.hpp"
#include "test_support.hpp"

namespace segoid::synth {
namespace {

namespace fs = std::filesystem;

SynthConfig small_mixed_config() {
  SynthConfig config;
  config.width = 600;
  config.height = 520;
  config.mixed_bit_depth = true;
  config.seed = 11;
  return config;
}

int count_lines(const std::string& text) {
  return static_cast<int>(std::count(text.begin(), text.end(), '\n'));
}

TEST(SynthSetTest, WritesPairsThatReadBackExactly) {
  test::TempDir dir;
  const SynthConfig config = small_mixed_config();
  const SynthSetSummary summary = write_synthetic_set(dir.path(), 3, config);
  ASSERT_EQ(summary.images.size(), 3u);
  ASSERT_EQ(summary.masks.size(), 3u);
  EXPECT_EQ(summary.eight_bit_images, 2);  // images 0 and 2
  int spheroids = 0;
  for (int i = 0; i < 3; ++i) {
    EXPECT_EQ(summary.images[i], dir.path() / "working" / "images" / (synth_image_name(i) + ".tif"));
    EXPECT_EQ(summary.masks[i], dir.path() / "working" / "masks" / (synth_image_name(i) + "_mask.tif"));
    const SynthImage expected = synthesize_plate(config, static_cast<std::uint64_t>(i));
    const io::Image image = io::read_image(summary.images[i]);
    const io::Image mask = io::read_image(summary.masks[i]);
    ASSERT_EQ(image.pixels.type(), expected.image.type());
    EXPECT_EQ(image.meta.bits_per_sample, expected.bit_depth);
    EXPECT_EQ(cv::countNonZero(image.pixels != expected.image), 0) << "lossless image " << i;
    ASSERT_EQ(mask.pixels.type(), CV_8UC1);
    EXPECT_EQ(cv::countNonZero(mask.pixels != expected.mask), 0) << "exact mask " << i;
    spheroids += static_cast<int>(expected.spheroids.size());
  }
  EXPECT_EQ(summary.spheroids, spheroids);
  const std::string truth = core::read_file(summary.truth_csv);
  EXPECT_EQ(count_lines(truth), spheroids + 1);
  EXPECT_EQ(truth.rfind("basename,well,", 0), 0u);
  EXPECT_NE(truth.find("synth_plate_001,A"), std::string::npos);
  const std::string yaml = core::read_file(summary.config_yaml);
  EXPECT_NE(yaml.find("bit_depth: mixed"), std::string::npos);
  EXPECT_NE(yaml.find("seed: 11"), std::string::npos);
  for (const auto& entry : fs::recursive_directory_iterator(dir.path())) {
    EXPECT_EQ(entry.path().filename().string().find(".tmp"), std::string::npos) << entry.path();
  }
}

TEST(SynthSetTest, RefusesToMixWithAnExistingSetUnlessOverwriting) {
  test::TempDir dir;
  SynthConfig config = small_mixed_config();
  write_synthetic_set(dir.path(), 2, config);
  try {
    write_synthetic_set(dir.path(), 1, config);
    FAIL() << "wrote into a non-empty working folder";
  } catch (const ConfigError& e) {
    EXPECT_NE(std::string(e.what()).find((dir.path() / "working").string()), std::string::npos) << e.what();
    EXPECT_NE(std::string(e.what()).find("--force"), std::string::npos) << e.what();
  }
  const SynthSetSummary summary = write_synthetic_set(dir.path(), 1, config, /*overwrite=*/true);
  EXPECT_EQ(summary.images.size(), 1u);
  EXPECT_FALSE(fs::exists(dir.path() / "working" / "images" / (synth_image_name(1) + ".tif")))
      << "the old set's second image was removed";
  EXPECT_TRUE(fs::exists(summary.images[0]));
}

TEST(SynthSetTest, ScikitImageAgreesWithTheTruthTable) {
  if (!test::python_has("numpy PIL skimage")) GTEST_SKIP() << "/usr/bin/python3 lacks numpy, PIL or skimage";
  test::TempDir dir;
  SynthConfig config = small_mixed_config();
  config.width = 1024;
  config.height = 768;
  write_synthetic_set(dir.path(), 2, config);
  std::string output;
  const std::string script = (test::source_dir() / "tests" / "synth" / "synth_skimage_check.py").string();
  ASSERT_EQ(test::run_command("/usr/bin/python3 '" + script + "' '" + dir.path().string() + "'", &output), 0)
      << output;
  std::istringstream lines(output);
  std::string name;
  int components = 0, truth_rows = 0, images = 0;
  double worst = 0, eccentricity = 0;
  while (lines >> name >> components >> truth_rows >> worst >> eccentricity) {
    ++images;
    EXPECT_EQ(components, truth_rows) << name;
    EXPECT_GT(truth_rows, 0) << name;
    EXPECT_LT(worst, 0.03) << name << ": equivalent diameter of mask vs truth";
    EXPECT_LT(eccentricity, config.max_eccentricity + 0.08) << name;
  }
  EXPECT_EQ(images, 2) << output;
}

TEST(SynthSetTest, RejectsZeroImages) {
  test::TempDir dir;
  EXPECT_THROW(write_synthetic_set(dir.path(), 0, SynthConfig{}), ConfigError);
}

}  // namespace
}  // namespace segoid::synth
