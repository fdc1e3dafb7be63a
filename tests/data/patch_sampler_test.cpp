// SPDX-License-Identifier: MIT
// Tests for the patch sampler: positive share, positive/negative placement, reflect padding
// against cv::copyMakeBorder, determinism and the fixed validation set.
#include "segoid/data/patch_sampler.hpp"

#include <gtest/gtest.h>
#include <opencv2/imgproc.hpp>

#include <cmath>
#include <cstring>
#include <map>
#include <set>
#include <thread>

#include "segoid/core/error.hpp"

namespace segoid::data {
namespace {

constexpr int kPatch = 64;

// Random texture (so every place looks different) with filled discs as foreground.
TrainingImage disc_image(const std::string& name, int rows, int cols,
                         const std::vector<std::pair<cv::Point, int>>& discs, std::uint64_t seed) {
  cv::Mat image(rows, cols, CV_32FC1);
  core::Rng rng(seed);
  for (int row = 0; row < rows; ++row)
    for (int col = 0; col < cols; ++col)
      image.at<float>(row, col) = static_cast<float>(rng.uniform());
  cv::Mat mask = cv::Mat::zeros(rows, cols, CV_8UC1);
  for (const auto& [centre, radius] : discs)
    cv::circle(mask, centre, radius, cv::Scalar(255), cv::FILLED);
  return make_training_image(name, image, mask);
}

std::vector<TrainingImage> standard_images() {
  return {disc_image("a", 300, 400, {{{100, 100}, 30}, {{300, 200}, 40}}, 1),
          disc_image("b", 250, 260, {{{5, 5}, 12}}, 2),  // foreground touching the corner
          disc_image("c", 200, 220, {}, 3)};             // no foreground
}

SamplingConfig small_config() {
  SamplingConfig config;
  config.patch_size = kPatch;
  config.patches_per_image = 40;
  return config;
}

AugmentConfig no_augment() {
  AugmentConfig config;
  config.enabled = false;
  return config;
}

double coverage(const cv::Mat& mask) {
  return static_cast<double>(cv::countNonZero(mask)) / static_cast<double>(mask.total());
}

bool same_bytes(const cv::Mat& a, const cv::Mat& b) {
  return a.size() == b.size() && a.type() == b.type() && a.isContinuous() && b.isContinuous() &&
         std::memcmp(a.data, b.data, a.total() * a.elemSize()) == 0;
}

// Independent reference: pad the whole image by the patch size on every side with
// cv::copyMakeBorder, then cut the window.
cv::Mat reference_window(const cv::Mat& src, cv::Point origin, int size) {
  cv::Mat padded;
  cv::copyMakeBorder(src, padded, size, size, size, size, cv::BORDER_REFLECT_101);
  return padded(cv::Rect(origin.x + size, origin.y + size, size, size)).clone();
}

TEST(PatchSamplerTest, PositiveShareMatchesRatio) {
  std::vector<TrainingImage> images = {disc_image("a", 300, 400, {{{200, 150}, 50}}, 1)};
  SamplingConfig config = small_config();
  config.patches_per_image = 4000;
  const PatchSampler sampler(std::move(images), config, no_augment(), 11);
  int positives = 0;
  for (std::int64_t item = 0; item < sampler.epoch_size(); ++item)
    positives += sampler.sample(0, item).positive;
  // Binomial(4000, 0.7): sd = 29; allow 5 sd.
  EXPECT_NEAR(positives, 0.7 * 4000, 5 * std::sqrt(4000 * 0.7 * 0.3));
}

TEST(PatchSamplerTest, PositiveHoldsItsForegroundPixelWithinJitterOfCentre) {
  // One foreground pixel: every positive patch must contain it at (P/2 - dx, P/2 - dy) with
  // |dx|, |dy| <= J, and over many draws the offsets must reach both ends of [-J, J].
  const cv::Point pixel(150, 90);
  cv::Mat mask = cv::Mat::zeros(200, 300, CV_8UC1);
  mask.at<std::uint8_t>(pixel) = 1;
  std::vector<TrainingImage> images = {
      make_training_image("dot", cv::Mat(200, 300, CV_32FC1, 0.5f), mask)};
  SamplingConfig config = small_config();
  config.patches_per_image = 2000;
  config.positive_ratio = 1.0;
  const int jitter = static_cast<int>(std::floor(config.max_jitter * kPatch));
  const PatchSampler sampler(std::move(images), config, no_augment(), 12);
  std::set<int> dxs, dys;
  for (std::int64_t item = 0; item < sampler.epoch_size(); ++item) {
    const Patch patch = sampler.sample(0, item);
    ASSERT_TRUE(patch.positive);
    ASSERT_EQ(cv::countNonZero(patch.mask), 1);
    std::vector<cv::Point> where;
    cv::findNonZero(patch.mask, where);
    const int dx = kPatch / 2 - where[0].x, dy = kPatch / 2 - where[0].y;
    ASSERT_LE(std::abs(dx), jitter);
    ASSERT_LE(std::abs(dy), jitter);
    ASSERT_EQ(patch.origin + where[0], pixel);
    dxs.insert(dx);
    dys.insert(dy);
  }
  EXPECT_EQ(*dxs.begin(), -jitter);
  EXPECT_EQ(*dxs.rbegin(), jitter);
  EXPECT_EQ(*dys.begin(), -jitter);
  EXPECT_EQ(*dys.rbegin(), jitter);
}

TEST(PatchSamplerTest, PositivesHaveForegroundNearCentreOnDiscImages) {
  SamplingConfig config = small_config();
  const int jitter = static_cast<int>(std::floor(config.max_jitter * kPatch));
  const PatchSampler sampler(standard_images(), config, no_augment(), 13);
  int positives = 0;
  for (std::int64_t item = 0; item < sampler.epoch_size(); ++item) {
    const Patch patch = sampler.sample(1, item);
    if (!patch.positive) continue;
    ++positives;
    const cv::Rect centre_box(kPatch / 2 - jitter, kPatch / 2 - jitter, 2 * jitter + 1,
                              2 * jitter + 1);
    EXPECT_GT(cv::countNonZero(patch.mask(centre_box)), 0) << "item " << item;
  }
  EXPECT_GT(positives, 0);
}

TEST(PatchSamplerTest, NegativesStayUnderThreshold) {
  SamplingConfig config = small_config();
  config.positive_ratio = 0.0;
  config.patches_per_image = 300;
  const PatchSampler sampler(standard_images(), config, AugmentConfig{}, 14);
  for (std::int64_t item = 0; item < sampler.epoch_size(); ++item) {
    const Patch patch = sampler.sample(0, item);
    EXPECT_FALSE(patch.positive);
    EXPECT_LT(coverage(patch.mask), config.negative_threshold) << "item " << item;
  }
}

TEST(PatchSamplerTest, NegativeFallsBackWhenNoPlaceQualifies) {
  // Foreground everywhere except one column: no window has coverage under 5 %, yet sampling
  // must end after the bounded retries and still give a patch.
  cv::Mat mask(100, 100, CV_8UC1, cv::Scalar(1));
  mask.col(0).setTo(0);
  std::vector<TrainingImage> images = {
      make_training_image("full", cv::Mat(100, 100, CV_32FC1, 0.5f), mask)};
  SamplingConfig config = small_config();
  config.positive_ratio = 0.0;
  const PatchSampler sampler(std::move(images), config, no_augment(), 15);
  for (std::int64_t item = 0; item < sampler.epoch_size(); ++item) {
    const Patch patch = sampler.sample(0, item);
    EXPECT_FALSE(patch.positive);
    EXPECT_EQ(patch.mask.size(), cv::Size(kPatch, kPatch));
    EXPECT_GT(coverage(patch.mask), config.negative_threshold);
  }
}

TEST(PatchSamplerTest, ImageWithoutForegroundGivesOnlyNegatives) {
  std::vector<TrainingImage> images = {disc_image("empty", 150, 170, {}, 4)};
  SamplingConfig config = small_config();
  config.positive_ratio = 1.0;
  const PatchSampler sampler(std::move(images), config, AugmentConfig{}, 16);
  for (std::int64_t item = 0; item < sampler.epoch_size(); ++item) {
    const Patch patch = sampler.sample(0, item);
    EXPECT_FALSE(patch.positive);
    EXPECT_EQ(cv::countNonZero(patch.mask), 0);
  }
}

TEST(PatchSamplerTest, PatchesMatchCopyMakeBorderReference) {
  // Border-crossing positives on normal images, plus images smaller than the patch (40x30 and
  // 1x1), where the window is padded on every side, several times over for 1x1.
  std::vector<TrainingImage> images = standard_images();
  images.push_back(disc_image("small", 30, 40, {{{20, 15}, 6}}, 5));
  images.push_back(disc_image("pixel", 1, 1, {}, 6));
  SamplingConfig config = small_config();
  config.max_jitter = 0.5;
  const PatchSampler sampler(images, config, no_augment(), 17);
  int crossing = 0;
  for (std::int64_t item = 0; item < sampler.epoch_size(); ++item) {
    const Patch patch = sampler.sample(2, item);
    const TrainingImage& source = images[static_cast<std::size_t>(patch.image_index)];
    ASSERT_EQ(patch.image.type(), CV_32FC1);
    ASSERT_EQ(patch.mask.type(), CV_8UC1);
    ASSERT_TRUE(same_bytes(patch.image, reference_window(source.image, patch.origin, kPatch)))
        << item;
    ASSERT_TRUE(same_bytes(patch.mask, reference_window(source.mask, patch.origin, kPatch)))
        << item;
    const cv::Rect window(patch.origin, cv::Size(kPatch, kPatch));
    crossing += (window & cv::Rect(0, 0, source.image.cols, source.image.rows)) != window;
  }
  EXPECT_GT(crossing, 2 * config.patches_per_image);
}

TEST(PatchSamplerTest, RandomPlacesCoverAllOfASmallImage) {
  // 40 wide, 100 high, patch 64: horizontally the window must always cover the whole image
  // (origin in [40 - 64, 0]); vertically it must stay inside (origin in [0, 100 - 64]).
  std::vector<TrainingImage> images = {disc_image("narrow", 100, 40, {}, 8)};
  SamplingConfig config = small_config();
  config.patches_per_image = 500;
  const PatchSampler sampler(std::move(images), config, no_augment(), 22);
  std::set<int> xs, ys;
  for (std::int64_t item = 0; item < sampler.epoch_size(); ++item) {
    const Patch patch = sampler.sample(0, item);
    xs.insert(patch.origin.x);
    ys.insert(patch.origin.y);
  }
  EXPECT_EQ(*xs.begin(), 40 - kPatch);
  EXPECT_EQ(*xs.rbegin(), 0);
  EXPECT_EQ(*ys.begin(), 0);
  EXPECT_EQ(*ys.rbegin(), 100 - kPatch);
}

TEST(PatchSamplerTest, ExtractReflectFarOutsideMatchesReference) {
  const TrainingImage image = disc_image("tiny", 3, 5, {}, 7);
  for (const cv::Point origin : {cv::Point(-60, -61), cv::Point(-2, 1), cv::Point(4, -7)}) {
    EXPECT_TRUE(same_bytes(extract_reflect(image.image, origin, kPatch),
                           reference_window(image.image, origin, kPatch)));
  }
}

TEST(PatchSamplerTest, EachImageGivesPatchesPerImagePerEpoch) {
  const PatchSampler sampler(standard_images(), small_config(), AugmentConfig{}, 18);
  ASSERT_EQ(sampler.epoch_size(), 3 * 40);
  for (std::int64_t epoch = 0; epoch < 3; ++epoch) {
    std::map<int, int> counts;
    for (std::int64_t item = 0; item < sampler.epoch_size(); ++item) {
      const int index = sampler.image_index(epoch, item);
      ++counts[index];
      if (item % 17 == 0) {
        EXPECT_EQ(sampler.sample(epoch, item).image_index, index);
      }
    }
    for (int index = 0; index < 3; ++index) EXPECT_EQ(counts[index], 40) << "epoch " << epoch;
  }
}

TEST(PatchSamplerTest, SameSeedEpochItemGivesIdenticalBytesInAnyOrder) {
  const std::vector<TrainingImage> images = standard_images();
  const PatchSampler first(images, small_config(), AugmentConfig{}, 19);
  const PatchSampler second(images, small_config(), AugmentConfig{}, 19);
  const std::int64_t n = first.epoch_size();
  std::vector<Patch> forward;
  for (std::int64_t item = 0; item < n; ++item) forward.push_back(first.sample(5, item));
  for (std::int64_t item = n - 1; item >= 0; --item) {
    const Patch again = second.sample(5, item);
    const Patch& before = forward[static_cast<std::size_t>(item)];
    ASSERT_TRUE(same_bytes(again.image, before.image)) << item;
    ASSERT_TRUE(same_bytes(again.mask, before.mask)) << item;
    ASSERT_EQ(again.origin, before.origin);
    ASSERT_EQ(again.positive, before.positive);
  }
  int differing = 0;
  for (std::int64_t item = 0; item < n; ++item)
    differing +=
        !same_bytes(first.sample(6, item).image, forward[static_cast<std::size_t>(item)].image);
  EXPECT_GT(differing, n * 9 / 10) << "another epoch must give other patches";
  const PatchSampler other_seed(images, small_config(), AugmentConfig{}, 20);
  EXPECT_FALSE(same_bytes(other_seed.sample(5, 0).image, forward[0].image));
}

TEST(PatchSamplerTest, ConcurrentSamplingMatchesSequential) {
  // Two threads take interleaved items of a shared const sampler, as background workers do.
  const PatchSampler sampler(standard_images(), small_config(), AugmentConfig{}, 23);
  const std::int64_t n = sampler.epoch_size();
  std::vector<Patch> parallel(static_cast<std::size_t>(n));
  const auto work = [&](std::int64_t first) {
    for (std::int64_t item = first; item < n; item += 2)
      parallel[static_cast<std::size_t>(item)] = sampler.sample(3, item);
  };
  std::thread odd(work, 1);
  work(0);
  odd.join();
  for (std::int64_t item = 0; item < n; ++item) {
    const Patch expected = sampler.sample(3, item);
    EXPECT_TRUE(same_bytes(parallel[static_cast<std::size_t>(item)].image, expected.image)) << item;
    EXPECT_TRUE(same_bytes(parallel[static_cast<std::size_t>(item)].mask, expected.mask)) << item;
  }
}

TEST(PatchSamplerTest, ValidationPatchesAreFixedUnaugmentedAndStratified) {
  const std::vector<TrainingImage> images = standard_images();
  const PatchSampler sampler(images, small_config(), AugmentConfig{}, 21);
  const std::vector<Patch> first = sampler.validation_patches(10);
  const std::vector<Patch> second = sampler.validation_patches(10);
  ASSERT_EQ(first.size(), 30u);
  for (std::size_t i = 0; i < first.size(); ++i) {
    EXPECT_TRUE(same_bytes(first[i].image, second[i].image));
    EXPECT_TRUE(same_bytes(first[i].mask, second[i].mask));
    EXPECT_EQ(first[i].image_index, static_cast<int>(i / 10));
    // Not augmented: the patch is exactly the window at its origin.
    const TrainingImage& source = images[static_cast<std::size_t>(first[i].image_index)];
    EXPECT_TRUE(
        same_bytes(first[i].image, reference_window(source.image, first[i].origin, kPatch)));
    // 7 of 10 positive (round(10 x 0.7)) where there is foreground; image c has none.
    const bool expect_positive = (i % 10) < 7 && first[i].image_index != 2;
    EXPECT_EQ(first[i].positive, expect_positive) << i;
  }
}

TEST(PatchSamplerTest, InvalidConfigNamesTheKey) {
  SamplingConfig config = small_config();
  config.positive_ratio = 1.2;
  try {
    PatchSampler sampler(standard_images(), config, AugmentConfig{}, 1);
    FAIL() << "expected ConfigError";
  } catch (const ConfigError& error) {
    EXPECT_NE(std::string(error.what()).find("dataset.positive_ratio"), std::string::npos)
        << error.what();
  }
  EXPECT_THROW(PatchSampler(std::vector<TrainingImage>{}, small_config(), AugmentConfig{}, 1),
               DataError);
  const PatchSampler sampler(standard_images(), small_config(), AugmentConfig{}, 1);
  EXPECT_THROW(sampler.sample(0, sampler.epoch_size()), Error);
  EXPECT_THROW(sampler.sample(-1, 0), Error);
}

}  // namespace
}  // namespace segoid::data
