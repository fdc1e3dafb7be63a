// SPDX-License-Identifier: MIT
// Tests for paired augmentation: geometry against naive per-pixel references, image/mask pairing,
// brightness/contrast statistics.
#include "segoid/data/augmentation.hpp"

#include <gtest/gtest.h>

#include <cmath>
#include <functional>
#include <opencv2/imgproc.hpp>
#include <set>

#include "segoid/core/error.hpp"

namespace segoid::data {
namespace {

constexpr int kRows = 5;
constexpr int kCols = 7;  // non-square, so a transposition mistake changes the shape

// Every pixel holds its own source index, so an output pixel tells where it came from.
cv::Mat index_image(int rows, int cols) {
  cv::Mat image(rows, cols, CV_32FC1);
  for (int row = 0; row < rows; ++row)
    for (int col = 0; col < cols; ++col)
      image.at<float>(row, col) = static_cast<float>(row * cols + col) / (rows * cols);
  return image;
}

// An asymmetric marker mask: an L in the top-left corner plus one isolated pixel.
cv::Mat marker_mask(int rows, int cols) {
  cv::Mat mask = cv::Mat::zeros(rows, cols, CV_8UC1);
  mask.at<std::uint8_t>(0, 0) = 1;
  mask.at<std::uint8_t>(1, 0) = 1;
  mask.at<std::uint8_t>(0, 1) = 1;
  mask.at<std::uint8_t>(0, 2) = 1;
  mask.at<std::uint8_t>(rows - 2, cols - 3) = 1;
  return mask;
}

// Naive reference: out(row, col) = in(source(row, col)), with the output's shape given.
using SourceMap = std::function<cv::Point(int row, int col, int in_rows, int in_cols)>;
template <typename T>
cv::Mat remap_naive(const cv::Mat& in, cv::Size out_size, const SourceMap& source) {
  cv::Mat out(out_size, in.type());
  for (int row = 0; row < out.rows; ++row)
    for (int col = 0; col < out.cols; ++col)
      out.at<T>(row, col) = in.at<T>(source(row, col, in.rows, in.cols));
  return out;
}

bool equal(const cv::Mat& a, const cv::Mat& b) {
  return a.size() == b.size() && a.type() == b.type() && cv::norm(a, b, cv::NORM_INF) == 0.0;
}

AugmentConfig only(double AugmentConfig::*field) {
  AugmentConfig config;
  config.horizontal_flip = config.vertical_flip = config.rotate_90 = 0.0;
  config.brightness_contrast = 0.0;
  config.*field = 1.0;
  return config;
}

struct Reference {
  const char* name;
  bool swaps_shape;
  SourceMap source;
};

// Source pixel of each output pixel (x = col, y = row), written from the definitions.
const Reference kHorizontal{"hflip", false,
                            [](int r, int c, int, int w) { return cv::Point(w - 1 - c, r); }};
const Reference kVertical{"vflip", false,
                          [](int r, int c, int h, int) { return cv::Point(c, h - 1 - r); }};
const Reference kRot90Cw{"rot90", true,
                         [](int r, int c, int h, int) { return cv::Point(r, h - 1 - c); }};
const Reference kRot180{"rot180", false,
                        [](int r, int c, int h, int w) { return cv::Point(w - 1 - c, h - 1 - r); }};
const Reference kRot270Cw{"rot270", true,
                          [](int r, int c, int, int w) { return cv::Point(w - 1 - r, c); }};

bool matches(const Reference& ref, const cv::Mat& in_image, const cv::Mat& in_mask,
             const cv::Mat& out_image, const cv::Mat& out_mask) {
  const cv::Size out_size =
      ref.swaps_shape ? cv::Size(in_image.rows, in_image.cols) : in_image.size();
  return equal(out_image, remap_naive<float>(in_image, out_size, ref.source)) &&
         equal(out_mask, remap_naive<std::uint8_t>(in_mask, out_size, ref.source));
}

TEST(AugmentationTest, HorizontalFlipMovesImageAndMaskAlike) {
  const cv::Mat in_image = index_image(kRows, kCols), in_mask = marker_mask(kRows, kCols);
  cv::Mat image = in_image.clone(), mask = in_mask.clone();
  core::Rng rng(1);
  augment_pair(image, mask, only(&AugmentConfig::horizontal_flip), rng);
  EXPECT_TRUE(matches(kHorizontal, in_image, in_mask, image, mask));
}

TEST(AugmentationTest, VerticalFlipMovesImageAndMaskAlike) {
  const cv::Mat in_image = index_image(kRows, kCols), in_mask = marker_mask(kRows, kCols);
  cv::Mat image = in_image.clone(), mask = in_mask.clone();
  core::Rng rng(2);
  augment_pair(image, mask, only(&AugmentConfig::vertical_flip), rng);
  EXPECT_TRUE(matches(kVertical, in_image, in_mask, image, mask));
}

TEST(AugmentationTest, RotationIsOneOfThreeQuarterTurnsForBoth) {
  const cv::Mat in_image = index_image(kRows, kCols), in_mask = marker_mask(kRows, kCols);
  const Reference* refs[] = {&kRot90Cw, &kRot180, &kRot270Cw};
  std::set<std::string> seen;
  core::Rng rng(3);
  for (int draw = 0; draw < 60; ++draw) {
    cv::Mat image = in_image.clone(), mask = in_mask.clone();
    augment_pair(image, mask, only(&AugmentConfig::rotate_90), rng);
    int hits = 0;
    for (const Reference* ref : refs) {
      if (matches(*ref, in_image, in_mask, image, mask)) {
        ++hits;
        seen.insert(ref->name);
      }
    }
    EXPECT_EQ(hits, 1) << "draw " << draw << " is not exactly one quarter-turn rotation";
  }
  EXPECT_EQ(seen.size(), 3u) << "every rotation 90/180/270 should occur in 60 draws";
}

TEST(AugmentationTest, MaskFollowsImageUnderEveryCombination) {
  // Geometry only (brightness off): each output image value names its source pixel, and the
  // output mask must hold the input mask's value at that very pixel.
  const cv::Mat in_image = index_image(kRows, kCols), in_mask = marker_mask(kRows, kCols);
  AugmentConfig config;
  config.brightness_contrast = 0.0;
  std::set<std::pair<int, int>> shapes;
  core::Rng rng(4);
  for (int draw = 0; draw < 200; ++draw) {
    cv::Mat image = in_image.clone(), mask = in_mask.clone();
    augment_pair(image, mask, config, rng);
    ASSERT_EQ(image.size(), mask.size());
    shapes.insert({image.rows, image.cols});
    for (int row = 0; row < image.rows; ++row) {
      for (int col = 0; col < image.cols; ++col) {
        const int source = static_cast<int>(std::lround(image.at<float>(row, col) * kRows * kCols));
        ASSERT_EQ(mask.at<std::uint8_t>(row, col),
                  in_mask.at<std::uint8_t>(source / kCols, source % kCols))
            << "draw " << draw << " pixel (" << row << ", " << col << ")";
      }
    }
  }
  EXPECT_EQ(shapes.size(), 2u) << "both orientations should occur";
}

TEST(AugmentationTest, DisabledLeavesBothUntouchedAndDrawsNothing) {
  const cv::Mat in_image = index_image(kRows, kCols), in_mask = marker_mask(kRows, kCols);
  cv::Mat image = in_image.clone(), mask = in_mask.clone();
  AugmentConfig config;
  config.enabled = false;
  core::Rng rng(5), untouched(5);
  augment_pair(image, mask, config, rng);
  EXPECT_TRUE(equal(image, in_image));
  EXPECT_TRUE(equal(mask, in_mask));
  EXPECT_EQ(rng.state(), untouched.state());
}

TEST(AugmentationTest, BrightnessContrastWithinLimitsAndUniform) {
  // Two pixels 0.3 and 0.6 never clip for limits 0.2, so alpha and beta are recovered exactly.
  constexpr double kLow = 0.3, kHigh = 0.6, kLimit = 0.2;
  AugmentConfig config = only(&AugmentConfig::brightness_contrast);
  config.brightness_contrast = 0.5;
  config.brightness_limit = config.contrast_limit = kLimit;
  core::Rng rng(6);
  constexpr int kDraws = 20000;
  int applied = 0;
  double alpha_sum = 0, beta_sum = 0, alpha_sq = 0, beta_sq = 0;
  double alpha_min = 9, alpha_max = -9, beta_min = 9, beta_max = -9;
  for (int draw = 0; draw < kDraws; ++draw) {
    cv::Mat image = (cv::Mat_<float>(1, 2) << kLow, kHigh);
    cv::Mat mask = (cv::Mat_<std::uint8_t>(1, 2) << 0, 1);
    augment_pair(image, mask, config, rng);
    ASSERT_EQ(mask.at<std::uint8_t>(0, 0), 0);
    ASSERT_EQ(mask.at<std::uint8_t>(0, 1), 1);
    const double low = image.at<float>(0, 0), high = image.at<float>(0, 1);
    if (low == static_cast<float>(kLow) && high == static_cast<float>(kHigh)) continue;
    ++applied;
    const double alpha = (high - low) / (kHigh - kLow);
    const double beta = low - alpha * kLow;
    alpha_sum += alpha, beta_sum += beta, alpha_sq += alpha * alpha, beta_sq += beta * beta;
    alpha_min = std::min(alpha_min, alpha), alpha_max = std::max(alpha_max, alpha);
    beta_min = std::min(beta_min, beta), beta_max = std::max(beta_max, beta);
  }
  // Binomial(20000, 0.5): sd 71; 5 sd.
  EXPECT_NEAR(applied, kDraws / 2, 355);
  constexpr double kTol = 1e-5;  // float rounding of the recovered parameters
  EXPECT_GE(alpha_min, 1 - kLimit - kTol);
  EXPECT_LE(alpha_max, 1 + kLimit + kTol);
  EXPECT_GE(beta_min, -kLimit - kTol);
  EXPECT_LE(beta_max, kLimit + kTol);
  EXPECT_LT(alpha_min, 1 - 0.95 * kLimit);
  EXPECT_GT(alpha_max, 1 + 0.95 * kLimit);
  EXPECT_LT(beta_min, -0.95 * kLimit);
  EXPECT_GT(beta_max, 0.95 * kLimit);
  // Uniform on [-L, L]: mean 0, variance L^2 / 3.
  const double n = applied;
  EXPECT_NEAR(alpha_sum / n, 1.0, 0.005);
  EXPECT_NEAR(beta_sum / n, 0.0, 0.005);
  EXPECT_NEAR(alpha_sq / n - std::pow(alpha_sum / n, 2), kLimit * kLimit / 3, 0.001);
  EXPECT_NEAR(beta_sq / n - std::pow(beta_sum / n, 2), kLimit * kLimit / 3, 0.001);
}

TEST(AugmentationTest, BrightnessClipsToUnitRange) {
  AugmentConfig config = only(&AugmentConfig::brightness_contrast);
  config.brightness_limit = 1.0;
  config.contrast_limit = 1.0;
  core::Rng rng(7);
  bool saw_zero = false, saw_one = false;
  for (int draw = 0; draw < 200; ++draw) {
    cv::Mat image = (cv::Mat_<float>(1, 3) << 0.0f, 0.5f, 1.0f);
    cv::Mat mask = cv::Mat::zeros(1, 3, CV_8UC1);
    augment_pair(image, mask, config, rng);
    double lo = 0, hi = 0;
    cv::minMaxLoc(image, &lo, &hi);
    ASSERT_GE(lo, 0.0);
    ASSERT_LE(hi, 1.0);
    // The middle pixel 0.5 only reaches 0 or 1 through clipping.
    saw_zero |= image.at<float>(0, 1) == 0.0f;
    saw_one |= image.at<float>(0, 1) == 1.0f;
  }
  EXPECT_TRUE(saw_zero && saw_one) << "strong shifts must saturate both ends";
}

TEST(AugmentationTest, ValidateNamesTheKey) {
  AugmentConfig config;
  config.rotate_90 = 1.5;
  try {
    validate(config);
    FAIL() << "expected ConfigError";
  } catch (const ConfigError& error) {
    EXPECT_NE(std::string(error.what()).find("dataset.augmentation.rotate_90"), std::string::npos)
        << error.what();
  }
}


// ---- robustness transforms ------------------------------------------------------------------

// The flips, rotations and brightness/contrast of augment_pair as documented (steps 1-4), kept
// here as the reference that the robustness transforms must not disturb when they are off.
void reference_augment(cv::Mat& image, cv::Mat& mask, const AugmentConfig& config, core::Rng& rng) {
  if (rng.bernoulli(config.horizontal_flip)) {
    cv::flip(image, image, 1);
    cv::flip(mask, mask, 1);
  }
  if (rng.bernoulli(config.vertical_flip)) {
    cv::flip(image, image, 0);
    cv::flip(mask, mask, 0);
  }
  if (rng.bernoulli(config.rotate_90)) {
    const int codes[3] = {cv::ROTATE_90_CLOCKWISE, cv::ROTATE_180, cv::ROTATE_90_COUNTERCLOCKWISE};
    const int code = codes[rng.uniform_int(0, 2)];
    cv::Mat a, b;
    cv::rotate(image, a, code);
    cv::rotate(mask, b, code);
    image = a;
    mask = b;
  }
  if (rng.bernoulli(config.brightness_contrast)) {
    const double alpha = 1.0 + rng.uniform(-config.contrast_limit, config.contrast_limit);
    const double beta = rng.uniform(-config.brightness_limit, config.brightness_limit);
    image.convertTo(image, CV_32F, alpha, beta);
    cv::min(image, 1.0, image);
    cv::max(image, 0.0, image);
  }
}

cv::Mat random_image(int rows, int cols, std::uint64_t seed) {
  core::Rng rng(seed);
  cv::Mat image(rows, cols, CV_32FC1);
  for (int row = 0; row < rows; ++row)
    for (int col = 0; col < cols; ++col) image.at<float>(row, col) = static_cast<float>(rng.uniform());
  return image;
}

// A disc mask and an image that is bright exactly on it: after a geometric transform the two
// must still agree (up to interpolation at the outline).
struct DiscPair {
  cv::Mat image, mask;
};
DiscPair disc_pair(int side, cv::Point centre, int radius) {
  DiscPair pair{cv::Mat(side, side, CV_32FC1, cv::Scalar(0.1)), cv::Mat::zeros(side, side, CV_8UC1)};
  cv::circle(pair.mask, centre, radius, cv::Scalar(1), cv::FILLED);
  pair.image.setTo(0.9, pair.mask);
  return pair;
}
int disagreement(const DiscPair& pair) {
  return cv::countNonZero((pair.image > 0.5) != (pair.mask != 0));
}

AugmentConfig robustness_only() {
  AugmentConfig config;
  config.horizontal_flip = config.vertical_flip = config.rotate_90 = config.brightness_contrast = 0.0;
  return config;
}

TEST(AugmentationTest, RobustnessTransformsOffByDefaultGiveTodaysPatchesBitForBit) {
  const AugmentConfig defaults;
  EXPECT_EQ(defaults.scale + defaults.grid_distortion + defaults.gamma + defaults.blur + defaults.noise +
                defaults.invert,
            0.0);
  for (std::uint64_t seed = 0; seed < 40; ++seed) {
    cv::Mat image = random_image(6, 9, seed), mask = marker_mask(6, 9);
    cv::Mat ref_image = image.clone(), ref_mask = mask.clone();
    core::Rng rng(seed), ref_rng(seed);
    augment_pair(image, mask, defaults, rng);
    reference_augment(ref_image, ref_mask, defaults, ref_rng);
    ASSERT_TRUE(equal(image, ref_image)) << "seed " << seed;
    ASSERT_TRUE(equal(mask, ref_mask)) << "seed " << seed;
    EXPECT_EQ(rng.next_u64(), ref_rng.next_u64()) << "the generator drew the same number of values";
  }
}

TEST(AugmentationTest, ZoomScalesImageAndMaskTogether) {
  for (const double factor : {2.0, 0.5}) {
    AugmentConfig config = robustness_only();
    config.scale = 1.0;
    config.scale_min = config.scale_max = factor;
    DiscPair pair = disc_pair(64, {31, 31}, 12);  // (31.5, 31.5) is the patch centre
    const int before = cv::countNonZero(pair.mask);
    core::Rng rng(3);
    augment_pair(pair.image, pair.mask, config, rng);
    // Zooming out mirrors the patch around its borders (copies of the disc appear there): count
    // the central window that holds the zoomed patch itself.
    const int inner = factor < 1 ? static_cast<int>(64 * (1 - factor) / 2) : 0;
    const cv::Rect window(inner, inner, 64 - 2 * inner, 64 - 2 * inner);
    const double ratio = cv::countNonZero(pair.mask(window)) / static_cast<double>(before);
    EXPECT_NEAR(ratio, factor * factor, 0.12 * factor * factor) << "factor " << factor;
    EXPECT_LE(disagreement(pair), 8 * 12 * factor) << "factor " << factor;
    EXPECT_EQ(pair.mask.size(), cv::Size(64, 64));
  }
}

TEST(AugmentationTest, GridDistortionWarpsImageAndMaskTogether) {
  AugmentConfig config = robustness_only();
  config.grid_distortion = 1.0;
  config.grid_magnitude = 0.4;
  int changed = 0;
  for (std::uint64_t seed = 0; seed < 10; ++seed) {
    DiscPair pair = disc_pair(96, {40, 52}, 20);
    const cv::Mat original = pair.mask.clone();
    core::Rng rng(seed);
    augment_pair(pair.image, pair.mask, config, rng);
    changed += cv::countNonZero(pair.mask != original) > 30 ? 1 : 0;
    EXPECT_LE(disagreement(pair), 2 * 2 * 3.1416 * 20) << "seed " << seed;
    const std::set<int> values(pair.mask.begin<std::uint8_t>(), pair.mask.end<std::uint8_t>());
    EXPECT_TRUE(values == std::set<int>({0, 1})) << "nearest-neighbour mask stays binary";
  }
  EXPECT_GE(changed, 8);
}

TEST(AugmentationTest, GammaBlurNoiseAndInversionTouchTheImageOnly) {
  const cv::Mat source = random_image(32, 32, 9);
  const cv::Mat mask = marker_mask(32, 32);
  const auto run = [&](const AugmentConfig& config) {
    cv::Mat image = source.clone(), m = mask.clone();
    core::Rng rng(1);
    augment_pair(image, m, config, rng);
    EXPECT_TRUE(equal(m, mask));
    return image;
  };
  AugmentConfig gamma = robustness_only();
  gamma.gamma = 1.0;
  gamma.gamma_min = 1.0;
  gamma.gamma_max = 2.0;
  cv::Mat expected;
  {
    // Reference: the exponent is the first draw after the probability's.
    // Flips, rotation and brightness always draw their Bernoulli, then gamma's own.
    core::Rng rng(1);
    for (int draw = 0; draw < 5; ++draw) rng.bernoulli(0.5);
    const double exponent = std::exp(rng.uniform(std::log(1.0), std::log(2.0)));
    cv::pow(source, exponent, expected);
  }
  EXPECT_LT(cv::norm(run(gamma), expected, cv::NORM_INF), 1e-6);

  AugmentConfig invert = robustness_only();
  invert.invert = 1.0;
  EXPECT_LT(cv::norm(run(invert), 1.0 - source, cv::NORM_INF), 1e-7);

  AugmentConfig blur = robustness_only();
  blur.blur = 1.0;
  cv::Scalar mean_before, sd_before, mean_after, sd_after;
  cv::meanStdDev(source, mean_before, sd_before);
  cv::meanStdDev(run(blur), mean_after, sd_after);
  EXPECT_LT(sd_after[0], 0.6 * sd_before[0]);
  EXPECT_NEAR(mean_after[0], mean_before[0], 0.02);
}

TEST(AugmentationTest, NoiseHasTheRequestedSpread) {
  AugmentConfig config = robustness_only();
  config.noise = 1.0;
  config.noise_sd_min = config.noise_sd_max = 0.05;
  cv::Mat image(128, 128, CV_32FC1, cv::Scalar(0.5)), mask = cv::Mat::zeros(128, 128, CV_8UC1);
  core::Rng rng(4);
  augment_pair(image, mask, config, rng);
  cv::Scalar mean, sd;
  cv::meanStdDev(image, mean, sd);
  EXPECT_NEAR(mean[0], 0.5, 0.005);
  EXPECT_NEAR(sd[0], 0.05, 0.004);
  EXPECT_EQ(cv::countNonZero(mask), 0);
}

TEST(AugmentationTest, RobustnessRangesAreValidated) {
  AugmentConfig config;
  config.scale_min = 0.1;
  try {
    validate(config);
    FAIL() << "expected ConfigError";
  } catch (const ConfigError& error) {
    EXPECT_NE(std::string(error.what()).find("dataset.augmentation.scale_min"), std::string::npos) << error.what();
  }
  config = AugmentConfig{};
  config.noise = 2.0;
  EXPECT_THROW(validate(config), ConfigError);
  config = AugmentConfig{};
  config.blur_sigma_min = 3.0;
  config.blur_sigma_max = 1.0;
  EXPECT_THROW(validate(config), ConfigError);
}

}  // namespace
}  // namespace segoid::data
