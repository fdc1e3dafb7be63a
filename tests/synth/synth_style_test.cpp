// SPDX-License-Identifier: MIT
// Tests for the acquisition styles: exact masks, determinism, mixed draws, file types, and each
// style's distinguishing property measured on the image.
#include "segoid/synth/synth_style.hpp"

#include <gtest/gtest.h>

#include <algorithm>
#include <cmath>
#include <map>
#include <opencv2/imgproc.hpp>
#include <set>

#include "segoid/core/error.hpp"

namespace segoid::synth {
namespace {

constexpr double kPi = 3.14159265358979323846;
const SynthStyle kNewStyles[] = {SynthStyle::kUlaRoundBottom, SynthStyle::kFluorescence, SynthStyle::kPhaseContrast,
                                 SynthStyle::kMatrigelDome, SynthStyle::kRgbJpeg};

SynthConfig small_config(int side = 384) {
  SynthConfig config;
  config.width = side;
  config.height = side;
  config.seed = 5;
  return config;
}

double param(const StyledImage& image, const std::string& key) {
  for (const auto& [name, value] : image.params) {
    if (name == key) return value;
  }
  ADD_FAILURE() << "no parameter " << key;
  return 0.0;
}

cv::Mat gray_float(const cv::Mat& image) {
  cv::Mat gray = image;
  if (image.channels() == 3) cv::cvtColor(image, gray, cv::COLOR_BGR2GRAY);
  cv::Mat out;
  gray.convertTo(out, CV_32F);
  return out;
}

TEST(SynthStyleTest, NamesRoundTripAndUnknownNamesAreRejected) {
  ASSERT_EQ(synth_style_names().size(), static_cast<std::size_t>(kSynthStyleCount));
  for (const auto& name : synth_style_names()) EXPECT_EQ(synth_style_name(parse_synth_style(name)), name);
  try {
    parse_synth_style("darkfield");
    FAIL() << "expected ConfigError";
  } catch (const ConfigError& e) {
    EXPECT_NE(std::string(e.what()).find("darkfield"), std::string::npos);
    EXPECT_NE(std::string(e.what()).find("matrigel-dome"), std::string::npos);
  }
  for (int i = 0; i < kSynthStyleCount; ++i) {
    const auto style = static_cast<SynthStyle>(i);
    EXPECT_EQ(style_of_basename(styled_image_name(style, 41)), style);
  }
  EXPECT_EQ(styled_image_name(SynthStyle::kRgbJpeg, 3), "synth_rgb_jpeg_004");
  EXPECT_EQ(styled_image_name(SynthStyle::kFlatWell, 0), "synth_plate_001");
}

TEST(SynthStyleTest, FlatWellIsTodaysPlateByteForByte) {
  SynthConfig config = small_config(600);
  const StyledImage styled = synthesize_styled(config, SynthStyle::kFlatWell, 3);
  const SynthImage plate = synthesize_plate(config, 3);
  EXPECT_EQ(cv::norm(styled.image, plate.image, cv::NORM_INF), 0.0);
  EXPECT_EQ(cv::norm(styled.mask, plate.mask, cv::NORM_INF), 0.0);
  EXPECT_EQ(styled.objects.size(), plate.spheroids.size());
}

// Every object of the truth is exactly one 8-connected mask component with its area and centroid,
// and every component is an object.
TEST(SynthStyleTest, MaskComponentsAreExactlyTheObjects) {
  const SynthConfig config = small_config();
  for (const SynthStyle style : kNewStyles) {
    for (std::uint64_t index = 0; index < 4; ++index) {
      const StyledImage synth = synthesize_styled(config, style, index);
      SCOPED_TRACE(synth_style_name(style) + " image " + std::to_string(index));
      ASSERT_EQ(synth.mask.type(), CV_8UC1);
      ASSERT_EQ(synth.mask.size(), cv::Size(config.width, config.height));
      EXPECT_EQ(cv::countNonZero((synth.mask != 0) & (synth.mask != 255)), 0);
      cv::Mat labels, stats, centroids;
      const int n = cv::connectedComponentsWithStats(synth.mask, labels, stats, centroids, 8);
      ASSERT_EQ(n - 1, static_cast<int>(synth.objects.size()));
      std::set<int> matched;
      for (const auto& object : synth.objects) {
        int found = 0;
        for (int label = 1; label < n; ++label) {
          if (std::abs(centroids.at<double>(label, 0) - object.center.x) < 1e-6 &&
              std::abs(centroids.at<double>(label, 1) - object.center.y) < 1e-6) {
            found = label;
          }
        }
        ASSERT_GT(found, 0) << "no component at the object's centroid";
        EXPECT_EQ(stats.at<int>(found, cv::CC_STAT_AREA), object.area);
        EXPECT_NEAR(object.equivalent_diameter, std::sqrt(4.0 * object.area / kPi), 1e-9);
        EXPECT_GE(object.area, 100);
        matched.insert(found);
      }
      EXPECT_EQ(static_cast<int>(matched.size()), n - 1);
    }
  }
}

TEST(SynthStyleTest, SameSeedSameBytesOtherSeedOtherImage) {
  SynthConfig config = small_config(256);
  for (const SynthStyle style : kNewStyles) {
    const StyledImage a = synthesize_styled(config, style, 2);
    const StyledImage b = synthesize_styled(config, style, 2);
    ASSERT_EQ(a.image.type(), b.image.type());
    EXPECT_EQ(cv::norm(a.image, b.image, cv::NORM_INF), 0.0) << synth_style_name(style);
    EXPECT_EQ(cv::norm(a.mask, b.mask, cv::NORM_INF), 0.0);
    EXPECT_EQ(a.jpeg, b.jpeg);
    config.seed = 6;
    const StyledImage c = synthesize_styled(config, style, 2);
    config.seed = 5;
    EXPECT_TRUE(c.image.type() != a.image.type() || cv::norm(gray_float(a.image), gray_float(c.image), cv::NORM_L1) > 0)
        << synth_style_name(style);
  }
}

TEST(SynthStyleTest, MixedDrawsEveryStyleOncePerRoundDeterministically) {
  std::map<SynthStyle, int> counts;
  std::vector<SynthStyle> first, again, other;
  for (std::uint64_t i = 0; i < 4 * kSynthStyleCount; ++i) {
    first.push_back(style_of_image("mixed", 42, i));
    again.push_back(style_of_image("mixed", 42, i));
    other.push_back(style_of_image("mixed", 43, i));
    ++counts[first.back()];
  }
  EXPECT_EQ(first, again);
  EXPECT_NE(first, other);
  ASSERT_EQ(counts.size(), static_cast<std::size_t>(kSynthStyleCount));
  for (const auto& [style, count] : counts) EXPECT_EQ(count, 4) << synth_style_name(style);
  for (int round = 0; round < 4; ++round) {
    std::set<SynthStyle> in_round(first.begin() + round * kSynthStyleCount, first.begin() + (round + 1) * kSynthStyleCount);
    EXPECT_EQ(in_round.size(), static_cast<std::size_t>(kSynthStyleCount));
  }
  EXPECT_EQ(style_of_image("phase-contrast", 42, 5), SynthStyle::kPhaseContrast);
  EXPECT_THROW(style_of_image("mixd", 42, 0), ConfigError);
}

TEST(SynthStyleTest, FileTypesHaveTheirDtypeAndRange) {
  const SynthConfig config = small_config(160);
  std::set<SynthFileType> seen;
  for (std::uint64_t index = 0; index < 40; ++index) {
    const StyledImage synth = synthesize_styled(config, SynthStyle::kPhaseContrast, index);
    seen.insert(synth.file_type);
    double lo = 0, hi = 0;
    cv::minMaxLoc(synth.image, &lo, &hi);
    switch (synth.file_type) {
      case SynthFileType::kUint8: EXPECT_EQ(synth.image.type(), CV_8UC1); break;
      case SynthFileType::kUint12In16:
        EXPECT_EQ(synth.image.type(), CV_16UC1);
        EXPECT_LE(hi, 4095.0);
        EXPECT_GT(hi, 255.0);
        break;
      case SynthFileType::kUint16:
        EXPECT_EQ(synth.image.type(), CV_16UC1);
        EXPECT_GT(hi, 4095.0);
        break;
      case SynthFileType::kFloat32: EXPECT_EQ(synth.image.type(), CV_32FC1); break;
      case SynthFileType::kJpegRgb: ADD_FAILURE() << "JPEG outside rgb-jpeg"; break;
    }
  }
  EXPECT_EQ(seen.size(), 4u);
}

TEST(SynthStyleTest, RgbJpegIsAColourJpegFile) {
  const SynthConfig config = small_config(320);
  for (std::uint64_t index = 0; index < 3; ++index) {
    const StyledImage synth = synthesize_styled(config, SynthStyle::kRgbJpeg, index);
    EXPECT_EQ(synth.file_type, SynthFileType::kJpegRgb);
    ASSERT_EQ(synth.image.type(), CV_8UC3);
    ASSERT_GE(synth.jpeg.size(), 4u);
    EXPECT_EQ(static_cast<unsigned char>(synth.jpeg[0]), 0xFF);
    EXPECT_EQ(static_cast<unsigned char>(synth.jpeg[1]), 0xD8);
    // Colour: the channels differ (tint or stain) by more than JPEG rounding.
    std::vector<cv::Mat> bgr;
    cv::split(synth.image, bgr);
    const double diff = cv::mean(cv::abs(gray_float(bgr[0]) - gray_float(bgr[2])))[0] +
                        cv::mean(cv::abs(gray_float(bgr[1]) - gray_float(bgr[2])))[0];
    EXPECT_GT(diff, 2.0);
  }
}

TEST(SynthStyleTest, ScaleBarsAndTimeStampsAreBurnedInAndNeverObjects) {
  SynthConfig with = small_config(192), without = small_config(192);
  with.overlay_fraction = 1.0;
  without.overlay_fraction = 0.0;
  for (const SynthStyle style : {SynthStyle::kUlaRoundBottom, SynthStyle::kFluorescence, SynthStyle::kPhaseContrast,
                                 SynthStyle::kMatrigelDome}) {
    int default_count = 0;
    for (std::uint64_t index = 0; index < 10; ++index) {
      const StyledImage a = synthesize_styled(with, style, index);
      const StyledImage b = synthesize_styled(without, style, index);
      EXPECT_EQ(param(a, "overlay"), 1.0);
      EXPECT_EQ(param(b, "overlay"), 0.0);
      default_count += static_cast<int>(param(synthesize_styled(small_config(192), style, index), "overlay"));
      // The same scene and mask; the image differs only where the bar and stamp are drawn: near
      // the bottom, or a stamp near the top.
      EXPECT_EQ(cv::countNonZero(a.mask != b.mask), 0);
      ASSERT_EQ(a.image.type(), b.image.type());
      cv::Mat differs;
      cv::compare(gray_float(a.image), gray_float(b.image), differs, cv::CMP_NE);
      const int changed = cv::countNonZero(differs);
      EXPECT_GT(changed, 30) << synth_style_name(style) << " " << index;
      EXPECT_LT(changed, differs.total() / 8) << synth_style_name(style) << " " << index;
      const int middle = cv::countNonZero(differs(cv::Range(differs.rows / 6, differs.rows * 3 / 4), cv::Range::all()));
      EXPECT_EQ(middle, 0) << synth_style_name(style) << " " << index;
      // Light ink reaches the file type's full scale (12-bit stays 12-bit), or dark ink is near black.
      double lo = 0, hi = 0;
      cv::minMaxLoc(a.image, &lo, &hi, nullptr, nullptr, differs);
      if (a.file_type == SynthFileType::kUint12In16) {
        EXPECT_LE(hi, 4095.0);
      }
      if (a.file_type == SynthFileType::kUint8) {
        EXPECT_TRUE(hi >= 0.85 * 255 || lo <= 0.1 * 255) << lo << " " << hi;
      }
    }
    // By default some images of every style have them and some do not.
    EXPECT_GT(default_count, 0) << synth_style_name(style);
    EXPECT_LT(default_count, 10) << synth_style_name(style);
  }
  // rgb-jpeg always has them, whatever the fraction.
  for (std::uint64_t index = 0; index < 3; ++index) {
    EXPECT_EQ(param(synthesize_styled(without, SynthStyle::kRgbJpeg, index), "overlay"), 1.0);
  }
}

TEST(SynthStyleTest, FluorescenceObjectsAreBrighterThanTheBackground) {
  const SynthConfig config = small_config();
  for (std::uint64_t index = 0; index < 6; ++index) {
    const StyledImage synth = synthesize_styled(config, SynthStyle::kFluorescence, index);
    ASSERT_FALSE(synth.objects.empty());
    const cv::Mat image = gray_float(synth.image);
    cv::Mat far_away;
    cv::dilate(synth.mask, far_away, cv::Mat(), cv::Point(-1, -1), /*iterations=*/12);
    const double inside = cv::mean(image, synth.mask)[0];
    const double background = cv::mean(image, far_away == 0)[0];
    EXPECT_GT(inside, 3.0 * background) << "image " << index;
  }
}

TEST(SynthStyleTest, RoundBottomWellsDarkenTowardTheWall) {
  const SynthConfig config = small_config(512);
  int checked = 0;
  for (std::uint64_t index = 0; index < 16 && checked < 5; ++index) {
    const StyledImage synth = synthesize_styled(config, SynthStyle::kUlaRoundBottom, index);
    const double radius = param(synth, "well_radius");
    const cv::Point2d centre(param(synth, "well_x"), param(synth, "well_y"));
    const cv::Mat image = gray_float(synth.image);
    double sums[2] = {0, 0};
    int counts[2] = {0, 0};
    for (int row = 0; row < image.rows; ++row) {
      for (int col = 0; col < image.cols; ++col) {
        if (synth.mask.at<std::uint8_t>(row, col) != 0) continue;
        const double rn = std::hypot(col - centre.x, row - centre.y) / radius;
        const int zone = rn > 0.3 && rn < 0.45 ? 0 : (rn > 0.72 && rn < 0.8 ? 1 : -1);
        if (zone < 0) continue;
        sums[zone] += image.at<float>(row, col);
        ++counts[zone];
      }
    }
    if (counts[0] < 200 || counts[1] < 200) continue;  // the well is larger than the field
    ++checked;
    EXPECT_GT(sums[0] / counts[0], 1.08 * sums[1] / counts[1]) << "image " << index;
  }
  EXPECT_GE(checked, 3);
}

TEST(SynthStyleTest, PhaseContrastObjectsAreDarkWithABrightHalo) {
  const SynthConfig config = small_config();
  for (std::uint64_t index = 0; index < 5; ++index) {
    const StyledImage synth = synthesize_styled(config, SynthStyle::kPhaseContrast, index);
    const cv::Mat image = gray_float(synth.image);
    cv::Mat touching, near, far;
    cv::dilate(synth.mask, touching, cv::Mat(), cv::Point(-1, -1), 1);
    cv::dilate(synth.mask, near, cv::Mat(), cv::Point(-1, -1), 5);
    cv::dilate(synth.mask, far, cv::Mat(), cv::Point(-1, -1), 25);
    const double halo = cv::mean(image, near & ~touching)[0];
    const double background = cv::mean(image, far == 0)[0];
    const double inside = cv::mean(image, synth.mask)[0];
    EXPECT_GT(halo, background) << "image " << index;
    EXPECT_LT(inside, background) << "image " << index;
  }
}

TEST(SynthStyleTest, ShapesSizesAndBordersVaryAsPromised) {
  const SynthConfig config = small_config(512);
  std::set<std::string> kinds;
  double smallest = 1e9, largest = 0;
  int cut = 0;
  for (std::uint64_t index = 0; index < 12; ++index) {
    const StyledImage synth = synthesize_styled(config, SynthStyle::kMatrigelDome, index);
    for (const auto& object : synth.objects) {
      kinds.insert(object.kind.substr(0, object.kind.find('+')));
      if (object.kind.find("+touching") != std::string::npos) kinds.insert("touching");
      smallest = std::min(smallest, object.equivalent_diameter);
      if (!object.cut_by_border) largest = std::max(largest, object.equivalent_diameter);
      cut += object.cut_by_border ? 1 : 0;
    }
  }
  for (const char* kind : {"round", "elliptical", "lobed", "budding", "cyst", "touching"}) {
    EXPECT_EQ(kinds.count(kind), 1u) << kind;
  }
  EXPECT_GT(cut, 0);
  EXPECT_GT(largest / smallest, 5.0);
  // Magnification spans a 6x range: one spheroid per round-bottom well, its size follows it.
  std::vector<double> magnification;
  for (std::uint64_t index = 0; index < 30; ++index) {
    magnification.push_back(param(synthesize_styled(small_config(96), SynthStyle::kRgbJpeg, index), "magnification"));
  }
  const auto [lo, hi] = std::minmax_element(magnification.begin(), magnification.end());
  EXPECT_GE(*lo, 1.0);
  EXPECT_LE(*hi, 6.0);
  EXPECT_GT(*hi / *lo, 3.5);
}

}  // namespace
}  // namespace segoid::synth
