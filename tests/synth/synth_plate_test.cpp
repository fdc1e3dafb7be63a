// SPDX-License-Identifier: MIT
// Tests for the synthetic plate generator: exact masks, ranges, determinism, debris, exposure.
#include "segoid/synth/synth_plate.hpp"

#include <gtest/gtest.h>

#include <algorithm>
#include <cmath>
#include <opencv2/imgproc.hpp>
#include <set>

#include "segoid/core/error.hpp"

namespace segoid::synth {
namespace {

constexpr double kPi = 3.14159265358979323846;

struct Component {
  int area = 0;
  cv::Rect box;
};

// 8-connected components of a 0/255 mask (as scikit-image's label default in 2-D) and the label image.
std::vector<Component> components(const cv::Mat& mask, cv::Mat* labels_out = nullptr) {
  cv::Mat labels, stats, centroids;
  const int n = cv::connectedComponentsWithStats(mask, labels, stats, centroids, /*connectivity=*/8);
  std::vector<Component> result;
  for (int label = 1; label < n; ++label) {
    result.push_back(
        {stats.at<int>(label, cv::CC_STAT_AREA),
         cv::Rect(stats.at<int>(label, cv::CC_STAT_LEFT), stats.at<int>(label, cv::CC_STAT_TOP),
                  stats.at<int>(label, cv::CC_STAT_WIDTH), stats.at<int>(label, cv::CC_STAT_HEIGHT))});
  }
  if (labels_out != nullptr) *labels_out = labels;
  return result;
}

double equivalent_diameter(int area) { return std::sqrt(4.0 * area / kPi); }

// Eccentricity of a region from its second central moments (as skimage.measure.regionprops).
double eccentricity(const cv::Mat& region) {
  const cv::Moments m = cv::moments(region, /*binaryImage=*/true);
  const double a = m.mu20 / m.m00, b = m.mu11 / m.m00, c = m.mu02 / m.m00;
  const double common = std::sqrt(4.0 * b * b + (a - c) * (a - c));
  const double l1 = 0.5 * (a + c + common), l2 = 0.5 * (a + c - common);
  return std::sqrt(1.0 - l2 / l1);
}

SynthConfig small_config() {
  SynthConfig config;
  config.width = 768;
  config.height = 512;
  return config;
}

TEST(SynthPlateTest, ImageAndMaskHaveRequestedSizeAndTypes) {
  SynthConfig config = small_config();
  for (const int bits : {8, 16}) {
    config.bit_depth = bits;
    const SynthImage synth = synthesize_plate(config, 0);
    EXPECT_EQ(synth.image.cols, 768);
    EXPECT_EQ(synth.image.rows, 512);
    EXPECT_EQ(synth.image.type(), bits == 8 ? CV_8UC1 : CV_16UC1);
    EXPECT_EQ(synth.bit_depth, bits);
    EXPECT_EQ(synth.mask.size(), synth.image.size());
    EXPECT_EQ(synth.mask.type(), CV_8UC1);
    EXPECT_EQ(synth.well_count, 3 * 2);  // 768 / 250 = 3 columns, 512 / 250 = 2 rows
  }
  const SynthImage full = synthesize_plate(SynthConfig{}, 0);
  EXPECT_EQ(full.image.cols, 1536);
  EXPECT_EQ(full.image.rows, 1408);
}

TEST(SynthPlateTest, MaskIsBinaryAndComponentsMatchDrawnSpheroids) {
  const SynthConfig config;
  for (const std::uint64_t index : {0u, 1u, 2u}) {
    const SynthImage synth = synthesize_plate(config, index);
    cv::Mat non_binary = (synth.mask != 0) & (synth.mask != 255);
    EXPECT_EQ(cv::countNonZero(non_binary), 0);
    cv::Mat labels;
    const auto comps = components(synth.mask, &labels);
    ASSERT_EQ(comps.size(), synth.spheroids.size()) << "image " << index;
    ASSERT_FALSE(synth.spheroids.empty());
    std::set<int> seen_labels, seen_wells;
    for (const auto& spheroid : synth.spheroids) {
      const cv::Point at(static_cast<int>(std::lround(spheroid.center.x)),
                         static_cast<int>(std::lround(spheroid.center.y)));
      const int label = labels.at<int>(at);
      ASSERT_GT(label, 0) << "the centroid of a spheroid lies inside its own mask";
      EXPECT_TRUE(seen_labels.insert(label).second) << "one component per spheroid";
      EXPECT_TRUE(seen_wells.insert(spheroid.well_index).second) << "one spheroid per well";
      const Component& comp = comps[label - 1];
      // The mask is the continuous shape sampled at pixel centres: equal area within ~3%.
      EXPECT_NEAR(equivalent_diameter(comp.area), spheroid.equivalent_diameter,
                  0.03 * spheroid.equivalent_diameter);
      EXPECT_GE(spheroid.equivalent_diameter, config.min_diameter);
      EXPECT_LE(spheroid.equivalent_diameter, config.max_diameter);
      EXPECT_GE(equivalent_diameter(comp.area), config.min_diameter - 1.0);
      EXPECT_LE(equivalent_diameter(comp.area), config.max_diameter + 1.0);
      // Nothing touches the border.
      EXPECT_GT(comp.box.x, 0);
      EXPECT_GT(comp.box.y, 0);
      EXPECT_LT(comp.box.br().x, synth.mask.cols);
      EXPECT_LT(comp.box.br().y, synth.mask.rows);
      EXPECT_LE(eccentricity(labels == label), config.max_eccentricity + 0.08);
    }
    EXPECT_EQ(static_cast<int>(synth.spheroids.size()) + 0, static_cast<int>(seen_wells.size()));
    EXPECT_LE(static_cast<int>(synth.spheroids.size()), synth.well_count);
  }
}

TEST(SynthPlateTest, SpheroidsAreSeparatedByBackground) {
  // Dilating every component by 2 px must not merge any two of them: spheroids never touch.
  const SynthImage synth = synthesize_plate(SynthConfig{}, 3);
  cv::Mat grown;
  cv::dilate(synth.mask, grown, cv::getStructuringElement(cv::MORPH_ELLIPSE, cv::Size(5, 5)));
  EXPECT_EQ(components(grown).size(), synth.spheroids.size());
}

TEST(SynthPlateTest, DiametersAndShapesSpanTheConfiguredRanges) {
  const SynthConfig config;
  std::vector<double> diameters, eccentricities;
  for (const std::uint64_t index : {0u, 1u, 2u, 3u}) {
    const SynthImage synth = synthesize_plate(config, index);
    cv::Mat labels;
    const auto comps = components(synth.mask, &labels);
    for (std::size_t i = 0; i < comps.size(); ++i) {
      diameters.push_back(equivalent_diameter(comps[i].area));
      eccentricities.push_back(eccentricity(labels == static_cast<int>(i + 1)));
    }
  }
  ASSERT_GT(diameters.size(), 80u);
  EXPECT_LT(*std::min_element(diameters.begin(), diameters.end()), 52.0);
  EXPECT_GT(*std::max_element(diameters.begin(), diameters.end()), 83.0);
  EXPECT_LT(*std::min_element(eccentricities.begin(), eccentricities.end()), 0.3);
  EXPECT_GT(*std::max_element(eccentricities.begin(), eccentricities.end()), 0.55);
}

TEST(SynthPlateTest, EmptyFractionHoldsOverManyWells) {
  SynthConfig config = small_config();
  config.width = 1536;
  config.height = 1024;  // 6 x 4 wells
  int wells = 0, filled = 0;
  for (std::uint64_t index = 0; index < 12; ++index) {
    const SynthImage synth = synthesize_plate(config, index);
    wells += synth.well_count;
    filled += static_cast<int>(synth.spheroids.size());
  }
  ASSERT_EQ(wells, 12 * 24);
  const double empty = 1.0 - static_cast<double>(filled) / wells;
  // Binomial sd at p = 0.15 over 288 wells is 0.021: allow 3 sd.
  EXPECT_NEAR(empty, config.empty_fraction, 0.064);

  config.empty_fraction = 0.0;
  EXPECT_EQ(static_cast<int>(synthesize_plate(config, 0).spheroids.size()), 24);
  config.empty_fraction = 1.0;
  const SynthImage none = synthesize_plate(config, 0);
  EXPECT_TRUE(none.spheroids.empty());
  EXPECT_EQ(cv::countNonZero(none.mask), 0);
}

TEST(SynthPlateTest, DebrisNeverEntersTheMaskAndStaysSmall) {
  // The same seed with and without debris: spheroids and camera noise come from their own streams,
  // so the masks must be identical and the images differ only where debris was drawn.
  SynthConfig with_debris;
  with_debris.debris_per_well_max = 10;
  with_debris.clumps_per_well_max = 3;
  SynthConfig without = with_debris;
  without.debris_per_well_max = 0;
  without.clumps_per_well_max = 0;
  const SynthImage a = synthesize_plate(with_debris, 5);
  const SynthImage b = synthesize_plate(without, 5);
  EXPECT_EQ(cv::countNonZero(a.mask != b.mask), 0);
  ASSERT_EQ(a.spheroids.size(), b.spheroids.size());

  // Pixels darkened by >= 12% are debris; they exist, lie outside the mask, and form small blobs.
  cv::Mat fa, fb;
  a.image.convertTo(fa, CV_32F);
  b.image.convertTo(fb, CV_32F);
  cv::Mat darker = fa < 0.88 * fb;
  cv::morphologyEx(darker, darker, cv::MORPH_OPEN, cv::Mat::ones(2, 2, CV_8U));  // drop lone noise pixels
  EXPECT_GT(cv::countNonZero(darker), 200);
  EXPECT_EQ(cv::countNonZero(darker & a.mask), 0);
  const auto blobs = components(darker);
  EXPECT_GT(blobs.size(), 30u);
  for (const auto& blob : blobs) {
    EXPECT_LE(std::max(blob.box.width, blob.box.height), with_debris.debris_max_extent + 2) << blob.box;
  }
  // And no mask component is debris-sized.
  for (const auto& comp : components(a.mask)) EXPECT_GT(comp.area, 0.9 * kPi * 22.5 * 22.5);
}

TEST(SynthPlateTest, SameSeedSameBytesOtherSeedOtherImage) {
  const SynthConfig config = small_config();
  const SynthImage first = synthesize_plate(config, 7);
  const SynthImage again = synthesize_plate(config, 7);
  EXPECT_EQ(cv::countNonZero(first.image != again.image), 0);
  EXPECT_EQ(cv::countNonZero(first.mask != again.mask), 0);
  const SynthImage next_index = synthesize_plate(config, 8);
  EXPECT_GT(cv::countNonZero(first.image != next_index.image), first.image.total() / 2);
  SynthConfig other_seed = config;
  other_seed.seed = config.seed + 1;
  const SynthImage other = synthesize_plate(other_seed, 7);
  EXPECT_GT(cv::countNonZero(first.image != other.image), first.image.total() / 2);
  EXPECT_GT(cv::countNonZero(first.mask != other.mask), 0);
}

// Median of the pixels at the centres of empty-of-spheroid regions: well-bottom background.
double well_background_median(const SynthImage& synth) {
  cv::Mat f;
  synth.image.convertTo(f, CV_64F);
  std::vector<double> values;
  for (int row = 0; row < f.rows; row += 7) {
    for (int col = 0; col < f.cols; col += 7) {
      if (synth.mask.at<std::uint8_t>(row, col) == 0) values.push_back(f.at<double>(row, col));
    }
  }
  std::nth_element(values.begin(), values.begin() + values.size() * 3 / 4, values.end());
  return values[values.size() * 3 / 4];  // upper quartile: well bottoms, not the darker plate
}

TEST(SynthPlateTest, EightAndSixteenBitUseTheirRangeSensibly) {
  SynthConfig config = small_config();
  for (const int bits : {8, 16}) {
    config.bit_depth = bits;
    const double full = bits == 8 ? 255.0 : 65535.0;
    for (const std::uint64_t index : {0u, 1u, 2u}) {
      const SynthImage synth = synthesize_plate(config, index);
      const double background = well_background_median(synth) / full;
      EXPECT_GT(background, 0.25) << bits << "-bit image " << index;
      EXPECT_LT(background, 0.85) << bits << "-bit image " << index;
      double lo = 0, hi = 0;
      cv::minMaxLoc(synth.image, &lo, &hi);
      EXPECT_LT(hi, full) << "no saturation";
      EXPECT_LT(lo / full, 0.3) << "dark rings and rims reach well below the background";
      if (bits == 16) {
        // 16-bit images carry real 16-bit detail, not 8-bit values scaled up.
        cv::Mat low_byte;
        synth.image.convertTo(low_byte, CV_16U);
        low_byte = low_byte & cv::Scalar(0xFF);
        EXPECT_GT(cv::countNonZero(low_byte), static_cast<int>(synth.image.total() / 2));
      }
    }
  }
  config.bit_depth = 16;
  config.sensor_bits = 12;
  double lo = 0, hi = 0;
  cv::minMaxLoc(synthesize_plate(config, 0).image, &lo, &hi);
  EXPECT_LE(hi, 4095.0);
  EXPECT_GT(hi, 1500.0);
}

TEST(SynthPlateTest, ExposureAndContrastVaryBetweenImages) {
  const SynthConfig config = small_config();
  std::vector<double> backgrounds;
  for (std::uint64_t index = 0; index < 6; ++index) {
    backgrounds.push_back(well_background_median(synthesize_plate(config, index)));
  }
  const auto [lo, hi] = std::minmax_element(backgrounds.begin(), backgrounds.end());
  EXPECT_GT(*hi / *lo, 1.15);
}

TEST(SynthPlateTest, MixedSetAlternatesBitDepth) {
  SynthConfig config = small_config();
  config.mixed_bit_depth = true;
  EXPECT_EQ(synthesize_plate(config, 0).image.type(), CV_8UC1);
  EXPECT_EQ(synthesize_plate(config, 1).image.type(), CV_16UC1);
  EXPECT_EQ(synthesize_plate(config, 2).bit_depth, 8);
}

TEST(SynthPlateTest, SpheroidsHaveADarkRimAndTextureInside) {
  const SynthImage synth = synthesize_plate(SynthConfig{}, 0);
  cv::Mat f;
  synth.image.convertTo(f, CV_32F);
  const auto kernel = [](int size) {
    return cv::getStructuringElement(cv::MORPH_ELLIPSE, cv::Size(size, size));
  };
  cv::Mat eroded3, eroded9, grown3, grown8;
  cv::erode(synth.mask, eroded3, kernel(7));
  cv::erode(synth.mask, eroded9, kernel(19));
  cv::dilate(synth.mask, grown3, kernel(7));
  cv::dilate(synth.mask, grown8, kernel(17));
  const cv::Mat rim = synth.mask & ~eroded3;
  const cv::Mat outside = grown8 & ~grown3;
  cv::Scalar rim_mean = cv::mean(f, rim), outside_mean = cv::mean(f, outside);
  EXPECT_LT(rim_mean[0], 0.8 * outside_mean[0]);
  cv::Scalar mean_in, sd_in, mean_out, sd_out;
  cv::meanStdDev(f, mean_in, sd_in, eroded9);
  cv::meanStdDev(f, mean_out, sd_out, outside);
  EXPECT_GT(sd_in[0] / mean_in[0], 1.3 * sd_out[0] / mean_out[0]) << "granular interior";
}

TEST(SynthPlateTest, InvalidConfigNamesTheField) {
  SynthConfig config;
  config.bit_depth = 12;
  try {
    synthesize_plate(config, 0);
    FAIL() << "bit_depth 12 accepted";
  } catch (const ConfigError& e) {
    EXPECT_NE(std::string(e.what()).find("bit_depth"), std::string::npos) << e.what();
  }
  config = SynthConfig{};
  config.min_diameter = 80;
  config.max_diameter = 60;
  EXPECT_THROW(synthesize_plate(config, 0), ConfigError);
  config = SynthConfig{};
  config.well_cols = 20;  // wells of ~68 px cannot hold 90 px spheroids
  try {
    synthesize_plate(config, 0);
    FAIL() << "tiny wells accepted";
  } catch (const ConfigError& e) {
    EXPECT_NE(std::string(e.what()).find("max_diameter"), std::string::npos) << e.what();
  }
}

TEST(SynthPlateTest, ImageNamesLookLikeAPlateSeries) {
  EXPECT_EQ(synth_image_name(0), "synth_plate_001");
  EXPECT_EQ(synth_image_name(41), "synth_plate_042");
}

}  // namespace
}  // namespace segoid::synth
