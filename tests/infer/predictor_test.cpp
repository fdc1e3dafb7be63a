// SPDX-License-Identifier: MIT
// Predictor inference forms and batch sizes: forced forms are used, "auto" measures the float32
// forms once per machine key and then reads the cache, the batch size is measured once per form
// and tile unless given, and every form computes the same probabilities.
#include "segoid/infer/predictor.hpp"

#include <algorithm>
#include <map>
#include <set>
#include <thread>

#include <fmt/format.h>
#include <gtest/gtest.h>
#include <nlohmann/json.hpp>
#include <opencv2/imgproc.hpp>
#include <torch/torch.h>

#include "segoid/core/atomic_file.hpp"
#include "segoid/core/cpu_info.hpp"
#include "segoid/core/error.hpp"
#include "segoid/core/metrics.hpp"
#include "segoid/core/sha256.hpp"
#include "segoid/infer/predict_full.hpp"
#include "segoid/infer/tiler.hpp"
#include "segoid/io/image_io.hpp"
#include "segoid/model/checkpoint.hpp"
#include "segoid/model/quantized_unet.hpp"
#include "test_support.hpp"

namespace segoid::infer {
namespace {
namespace fs = std::filesystem;

constexpr int kTile = 64;

const fs::path& checkpoint() {
  static test::TempDir dir;
  static const fs::path path = [] {
    torch::manual_seed(3);
    model::Unet net(model::UnetOptions{});
    model::CheckpointInfo info;
    info.model.patch_size = kTile;
    const fs::path p = dir / "tiny.pt";
    model::save_checkpoint(p, net, info);
    return p;
  }();
  return path;
}

cv::Mat tile() {
  cv::Mat image(kTile, kTile, CV_32FC1, cv::Scalar(0.2));
  cv::circle(image, cv::Point(30, 28), 14, cv::Scalar(0.8), cv::FILLED);
  cv::Mat noise(kTile, kTile, CV_32FC1);
  cv::randn(noise, 0.0, 0.05);
  return image + noise;
}

/// Sets the choice of every `kind` entry in a choices.json, as an older or damaged cache would hold.
void set_cached_choice(const fs::path& file, const std::string& kind, const std::string& choice) {
  nlohmann::json cache = nlohmann::json::parse(core::read_file(file));
  ASSERT_TRUE(cache.contains(kind)) << cache.dump();
  for (auto& entry : cache[kind]) entry["choice"] = choice;
  core::write_file_atomic(file, cache.dump());
}

/// Removes the cached int8 activation ranges from a choices.json, so that the next int8 run calibrates.
void forget_int8_ranges(const fs::path& file) {
  nlohmann::json cache = nlohmann::json::parse(core::read_file(file));
  cache.erase("int8_ranges");
  core::write_file_atomic(file, cache.dump());
}

PredictorOptions with_form(const std::string& form, const fs::path& cache = {}) {
  PredictorOptions o;
  o.device = "cpu";
  o.threads = 2;
  o.form = form;
  o.cache_dir = cache;
  return o;
}

TEST(PredictorFormTest, ForcedFormsAreUsedAndAgree) {
  const cv::Mat input = tile();
  cv::Mat reference;
  for (const std::string form : {"plain_contiguous", "plain_channels_last", "folded_contiguous", "folded_channels_last"}) {
    const Predictor p = Predictor::load(checkpoint(), with_form(form));
    EXPECT_EQ(p.runtime().form, form);
    EXPECT_EQ(p.runtime().form_source, "forced");
    const cv::Mat prob = p.predict({input})[0];
    if (reference.empty()) {
      reference = prob;
      continue;
    }
    double diff = 0.0;
    cv::minMaxLoc(cv::abs(prob - reference), nullptr, &diff);
    EXPECT_LT(diff, 1e-4) << form << " differs from plain_contiguous";
  }
  cv::Scalar mean, stddev;
  cv::meanStdDev(reference, mean, stddev);
  EXPECT_GT(stddev[0], 1e-4) << "degenerate model: constant output makes the comparison meaningless";
}

/// Batches of 160 px tiles with a bright disk each, at moving places, as a trained model sees objects.
std::vector<std::vector<cv::Mat>> disk_batches(int batches, int per_batch) {
  cv::RNG rng(5);
  std::vector<std::vector<cv::Mat>> out(batches);
  for (int b = 0; b < batches; ++b) {
    for (int i = 0; i < per_batch; ++i) {
      cv::Mat image(160, 160, CV_32FC1, cv::Scalar(0.25));
      cv::circle(image, cv::Point(rng.uniform(50, 110), rng.uniform(50, 110)), rng.uniform(20, 40), cv::Scalar(0.75),
                 cv::FILLED);
      cv::GaussianBlur(image, image, cv::Size(5, 5), 1.5);
      cv::Mat noise(image.size(), CV_32FC1);
      rng.fill(noise, cv::RNG::NORMAL, 0.0, 0.03);
      out[b].push_back(image + noise);
    }
  }
  return out;
}

/// The Dice of two probability maps' masks (> 0.5), by SegOid's definition.
double mask_dice(const cv::Mat& a, const cv::Mat& b) {
  const cv::Mat ma = a > 0.5;
  const cv::Mat mb = b > 0.5;
  const int both = cv::countNonZero(ma & mb);
  return core::scores_from_counts(both, cv::countNonZero(mb) - both, cv::countNonZero(ma) - both).dice;
}

// folded_int8 answers in float32 while it calibrates (16 tiles) and while it is checked (the next
// batch with objects), then in int8, close to float32, with the check's numbers in the runtime.
TEST(PredictorFormTest, Int8CalibratesThenIsCheckedThenRuns) {
  if (!model::int8_inference_available()) GTEST_SKIP() << "this LibTorch has no oneDNN quantized engine";
  const fs::path trained = test::test_model();
  if (trained.empty()) GTEST_SKIP() << "no trained model (models/spheroid-base.pth)";
  PredictorOptions options = with_form(kInferenceFormInt8);
  options.tile_size = 160;
  const Predictor int8 = Predictor::load(trained, options);
  options.form = "folded_channels_last";
  const Predictor fp32 = Predictor::load(trained, options);
  const auto batches = disk_batches(4, 8);
  for (int b = 0; b < 4; ++b) {
    SCOPED_TRACE(b);
    const std::vector<cv::Mat> got = int8.predict(batches[b]);
    const std::vector<cv::Mat> expected = fp32.predict(batches[b]);
    double worst = 0.0;
    double dice = 1.0;
    for (std::size_t i = 0; i < got.size(); ++i) {
      double diff = 0.0;
      cv::minMaxLoc(cv::abs(got[i] - expected[i]), nullptr, &diff);
      worst = std::max(worst, diff);
      dice = std::min(dice, mask_dice(got[i], expected[i]));
    }
    EXPECT_GT(cv::countNonZero(expected[0] > 0.5), 500) << "the model must see the disks for this test to mean anything";
    if (b < 3) {
      EXPECT_LT(worst, 1e-4) << "float32 while calibrating (batches 0, 1) and checking (2)";
    } else {
      EXPECT_GT(worst, 1e-6) << "int8 from batch 3 on";
      EXPECT_GT(dice, 0.98);
    }
  }
  EXPECT_NE(int8.runtime().int8_check.find("mask Dice"), std::string::npos) << int8.runtime().int8_check;
  EXPECT_EQ(int8.runtime().form, kInferenceFormInt8);
  // oneDNN 2.6 refuses int8 at 32x32 (1x1 at the bottom): such a tile (a small image's) must still
  // get an answer, float32's there (or int8's where oneDNN takes it).
  const cv::Mat small = batches[0][0](cv::Rect(40, 40, 32, 32)).clone();
  std::vector<cv::Mat> answer;
  ASSERT_NO_THROW(answer = int8.predict({small}));
  double diff = 1.0;
  cv::minMaxLoc(cv::abs(answer[0] - fp32.predict({small})[0]), nullptr, &diff);
  EXPECT_LT(diff, 0.3);
}

TEST(PredictorFormTest, UnknownFormIsAConfigError) {
  try {
    Predictor::load(checkpoint(), with_form("folded"));
    FAIL() << "expected ConfigError";
  } catch (const ConfigError& e) {
    EXPECT_NE(std::string(e.what()).find("folded_channels_last"), std::string::npos) << e.what();
  }
}

TEST(PredictorFormTest, EmptyFormKeepsTheFlags) {
  PredictorOptions o{"cpu", 2, /*channels_last=*/false, /*fold_batchnorm=*/true, /*form=*/"", /*cache_dir=*/{}, /*tile_size=*/0};
  const Predictor p = Predictor::load(checkpoint(), o);
  EXPECT_EQ(p.runtime().form, "folded_contiguous");
  EXPECT_EQ(p.runtime().form_source, "flags");
}

TEST(PredictorFormTest, AutoMeasuresOnceThenUsesTheCache) {
  test::TempDir dir;
  const Predictor first = Predictor::load(checkpoint(), with_form("auto", dir.path()));
  EXPECT_EQ(first.runtime().form_source, "measured");
  EXPECT_GE(first.runtime().form_rates.size(), 4u);
  ASSERT_TRUE(fs::exists(dir / "choices.json"));
  const std::string cache = core::read_file(dir / "choices.json");
  EXPECT_NE(cache.find("inference_form"), std::string::npos) << cache;
  EXPECT_NE(cache.find("threads=2"), std::string::npos) << cache;

  const Predictor second = Predictor::load(checkpoint(), with_form("auto", dir.path()));
  EXPECT_EQ(second.runtime().form_source, "cached");
  EXPECT_EQ(second.runtime().form, first.runtime().form);

  PredictorOptions one_thread = with_form("auto", dir.path());
  one_thread.threads = 1;
  EXPECT_EQ(Predictor::load(checkpoint(), one_thread).runtime().form_source, "measured")
      << "another thread count is another machine key";
}

TEST(PredictorFormTest, AutoMeasuresFloat32AndInt8NotBf16AndRemeasuresACachedBf16) {
  // bf16's masks depend on the weights (and differ from float32's on whole plates), so "auto"
  // never picks it, even from a cache entry written when it still could. int8 is measured where
  // LibTorch has its kernels: each run checks it before it answers.
  test::TempDir dir;
  const Predictor first = Predictor::load(checkpoint(), with_form("auto", dir.path()));
  std::set<std::string> candidates = {"folded_channels_last", "folded_contiguous", "plain_channels_last",
                                      "plain_contiguous"};
  if (model::int8_inference_available()) candidates.insert(kInferenceFormInt8);
  std::set<std::string> measured;
  for (const auto& [name, rate] : first.runtime().form_rates) {
    measured.insert(name);
    EXPECT_GT(rate, 0.0) << name;
  }
  EXPECT_EQ(measured, candidates);
  set_cached_choice(dir / "choices.json", "inference_form", kInferenceFormBf16);
  const Predictor again = Predictor::load(checkpoint(), with_form("auto", dir.path()));
  EXPECT_EQ(again.runtime().form_source, "measured");
  EXPECT_EQ(candidates.count(again.runtime().form), 1u) << again.runtime().form;
}

/// The largest |a - b| over a batch of maps.
double worst_difference(const std::vector<cv::Mat>& a, const std::vector<cv::Mat>& b) {
  double worst = 0.0;
  for (std::size_t i = 0; i < a.size(); ++i) {
    double diff = 0.0;
    cv::minMaxLoc(cv::abs(a[i] - b[i]), nullptr, &diff);
    worst = std::max(worst, diff);
  }
  return worst;
}

/// Options under which "auto" runs int8 at 160-px tiles, 8 per batch: measured once into `cache`,
/// whose form entry is then set to int8 (what "auto" chooses where int8 is faster).
PredictorOptions auto_chosen_int8(const fs::path& trained, const fs::path& cache) {
  PredictorOptions options = with_form("auto", cache);
  options.tile_size = 160;
  options.batch_size = 8;
  Predictor::load(trained, options);  // measures and writes the cache entry
  set_cached_choice(cache / "choices.json", "inference_form", kInferenceFormInt8);
  return options;
}

// When "auto" chose int8 (here: a cache entry says so), the run's check decides: at or above the
// bound int8 answers from then on; below it the run goes on in float32 and says so. The bound is
// raised past 1 and lowered to 0 to make both outcomes certain, and the library's own bound (0.999)
// must agree with the Dice the check reports. A new image is checked again.
TEST(PredictorFormTest, AutoChosenInt8RunsOnlyWhileItsCheckPasses) {
  if (!model::int8_inference_available()) GTEST_SKIP() << "this LibTorch has no oneDNN quantized engine";
  const fs::path trained = test::test_model();
  if (trained.empty()) GTEST_SKIP() << "no trained model (models/spheroid-base.pth)";
  test::TempDir dir;
  PredictorOptions options = auto_chosen_int8(trained, dir.path());
  PredictorOptions float_options = options;
  float_options.form = "folded_channels_last";
  const Predictor fp32 = Predictor::load(trained, float_options);
  const auto batches = disk_batches(4, 8);

  for (const double bound : {0.0, 2.0, kInt8MinMaskDice}) {
    SCOPED_TRACE(bound);
    options.int8_min_mask_dice = bound;
    forget_int8_ranges(dir / "choices.json");  // each run calibrates (cached ranges: the next test)
    const Predictor p = Predictor::load(trained, options);
    EXPECT_EQ(p.runtime().form_source, "cached");
    EXPECT_EQ(p.runtime().form, kInferenceFormInt8);
    for (int b = 0; b < 3; ++b) {  // calibration (2 batches) and the check, in float32
      EXPECT_LT(worst_difference(p.predict(batches[b]), fp32.predict(batches[b])), 1e-4) << b;
    }
    const std::string check = p.runtime().int8_check;
    ASSERT_NE(check.find("mask Dice "), std::string::npos) << check;
    const double dice = std::stod(check.substr(check.find("mask Dice ") + 10));
    const bool passed = dice >= bound;
    EXPECT_EQ(p.runtime().form, passed ? kInferenceFormInt8 : "folded_channels_last") << check;
    const double after = worst_difference(p.predict(batches[3]), fp32.predict(batches[3]));
    if (passed) {
      EXPECT_GT(after, 1e-6) << "int8 answers after a passed check";
      p.start_image();
      EXPECT_LT(worst_difference(p.predict(batches[0]), fp32.predict(batches[0])), 1e-4) << "a new image's check";
      EXPECT_GT(worst_difference(p.predict(batches[1]), fp32.predict(batches[1])), 1e-6) << "int8 again";
      EXPECT_NE(p.runtime().int8_check.find("lowest of 2 checks"), std::string::npos) << p.runtime().int8_check;
    } else {
      EXPECT_LT(after, 1e-4) << "float32 answers after a failed check";
    }
    if (bound == 0.0) {
      EXPECT_TRUE(passed);
    } else if (bound == 2.0) {
      EXPECT_FALSE(passed);
    }
  }
}

// At one tile per batch, where no single tile of small objects holds the check's 8000 mask
// pixels, the check adds batches with objects until float32's mask on them has that many, then
// decides; int8 answers from the next tile.
TEST(PredictorFormTest, Int8CheckAddsBatchesUntilItHasEnoughMaskPixels) {
  if (!model::int8_inference_available()) GTEST_SKIP() << "this LibTorch has no oneDNN quantized engine";
  const fs::path trained = test::test_model();
  if (trained.empty()) GTEST_SKIP() << "no trained model (models/spheroid-base.pth)";
  PredictorOptions options = with_form(kInferenceFormInt8);
  options.tile_size = 160;
  options.batch_size = 1;
  const Predictor int8 = Predictor::load(trained, options);
  options.form = "folded_channels_last";
  const Predictor fp32 = Predictor::load(trained, options);
  cv::RNG rng(9);
  const auto small_disk = [&] {
    cv::Mat image(160, 160, CV_32FC1, cv::Scalar(0.25));
    cv::circle(image, cv::Point(rng.uniform(50, 110), rng.uniform(50, 110)), 12, cv::Scalar(0.75), cv::FILLED);
    cv::GaussianBlur(image, image, cv::Size(5, 5), 1.5);
    cv::Mat noise(image.size(), CV_32FC1);
    rng.fill(noise, cv::RNG::NORMAL, 0.0, 0.03);
    return cv::Mat(image + noise);
  };
  int64_t checked_pixels = 0;
  int checked_tiles = 0;
  for (int i = 0; i < 40 && int8.runtime().int8_check.find("mask Dice") == std::string::npos; ++i) {
    const cv::Mat tile = small_disk();
    const cv::Mat expected = fp32.predict({tile})[0];
    const int pixels = cv::countNonZero(expected > 0.5);
    ASSERT_GT(pixels, 250) << "each disk must count for the check (at least 250 mask pixels)";
    ASSERT_LT(pixels, 1000) << "small objects: a tile alone holds few of the check's pixels";
    EXPECT_LT(worst_difference(int8.predict({tile}), {expected}), 1e-4) << "float32 while calibrating and checking: " << i;
    if (i >= 16) {  // after the 16 calibration tiles
      checked_pixels += pixels;
      ++checked_tiles;
    }
  }
  const std::string check = int8.runtime().int8_check;
  ASSERT_NE(check.find("mask Dice"), std::string::npos) << check;
  EXPECT_GE(checked_tiles, 9);
  EXPECT_GE(checked_pixels, 8000);
  EXPECT_LT(checked_pixels - 1000, 8000) << "it decides as soon as it has enough";
  EXPECT_NE(check.find(fmt::format("on {} tile(s), {} mask pixels", checked_tiles, checked_pixels)), std::string::npos)
      << check;
  const cv::Mat tile = small_disk();
  EXPECT_GT(worst_difference(int8.predict({tile}), fp32.predict({tile})), 1e-6) << "int8 after the check";
}

// A check that 24 tiles with objects cannot complete (here: a size no plate reaches) decides on
// what it has and says so: "auto" keeps float32 for the run, forced int8 runs (with a warning).
TEST(PredictorFormTest, AnInconclusiveCheckKeepsFloat32UnderAutoAndForcedInt8Runs) {
  if (!model::int8_inference_available()) GTEST_SKIP() << "this LibTorch has no oneDNN quantized engine";
  const fs::path trained = test::test_model();
  if (trained.empty()) GTEST_SKIP() << "no trained model (models/spheroid-base.pth)";
  test::TempDir dir;
  PredictorOptions options = auto_chosen_int8(trained, dir.path());
  options.int8_check_mask_pixels = int64_t{1} << 40;
  PredictorOptions float_options = options;
  float_options.form = "folded_channels_last";
  const Predictor fp32 = Predictor::load(trained, float_options);
  const auto batches = disk_batches(6, 8);
  for (const std::string form : {"auto", kInferenceFormInt8}) {
    SCOPED_TRACE(form);
    options.form = form;
    forget_int8_ranges(dir / "choices.json");
    const Predictor p = Predictor::load(trained, options);
    EXPECT_EQ(p.runtime().form, kInferenceFormInt8);
    for (int b = 0; b < 5; ++b) {  // calibration (2 batches), then 3 batches of 8: the 24-tile limit
      EXPECT_LT(worst_difference(p.predict(batches[b]), fp32.predict(batches[b])), 1e-4) << b;
    }
    const std::string check = p.runtime().int8_check;
    EXPECT_NE(check.find("on 24 tile(s)"), std::string::npos) << check;
    EXPECT_NE(check.find("(fewer than 1099511627776)"), std::string::npos) << check;
    const double after = worst_difference(p.predict(batches[5]), fp32.predict(batches[5]));
    if (form == "auto") {
      EXPECT_EQ(p.runtime().form, "folded_channels_last");
      EXPECT_LT(after, 1e-4) << "float32 after an inconclusive check";
    } else {
      EXPECT_EQ(p.runtime().form, kInferenceFormInt8);
      EXPECT_GT(after, 1e-6) << "forced int8 runs";
    }
  }
}

/// The int8 ranges entries of a choices.json (kind "int8_ranges"): key text -> ranges text.
std::map<std::string, std::string> cached_ranges(const fs::path& cache) {
  std::map<std::string, std::string> out;
  const fs::path file = cache / "choices.json";
  if (!fs::exists(file)) return out;
  const nlohmann::json j = nlohmann::json::parse(core::read_file(file));
  if (!j.contains("int8_ranges")) return out;
  for (const auto& [key, entry] : j["int8_ranges"].items()) out[key] = entry["choice"].get<std::string>();
  return out;
}

// Ranges whose first check passed are cached per checkpoint: the next run of it checks them on
// its first batch with objects and runs int8 from the next batch, with no calibration, and gives
// the same int8 answers as the run that calibrated. Cached ranges that fail their check send the
// run back to calibrating on its own tiles; unusable entries are ignored.
TEST(PredictorFormTest, Int8RangesAreCachedPerCheckpointAndRecalibratedWhenTheirCheckFails) {
  if (!model::int8_inference_available()) GTEST_SKIP() << "this LibTorch has no oneDNN quantized engine";
  const fs::path trained = test::test_model();
  if (trained.empty()) GTEST_SKIP() << "no trained model (models/spheroid-base.pth)";
  test::TempDir dir;
  PredictorOptions options = with_form(kInferenceFormInt8, dir.path());
  options.tile_size = 160;
  options.batch_size = 8;
  PredictorOptions float_options = options;
  float_options.form = "folded_channels_last";
  float_options.cache_dir.clear();
  const Predictor fp32 = Predictor::load(trained, float_options);
  const auto batches = disk_batches(4, 8);
  const auto is_float32 = [&](const Predictor& p, int b) {
    return worst_difference(p.predict(batches[b]), fp32.predict(batches[b])) < 1e-4;
  };

  const Predictor first = Predictor::load(trained, options);
  EXPECT_EQ(first.runtime().int8_ranges, "not calibrated: the run ended first");
  for (int b = 0; b < 3; ++b) EXPECT_TRUE(is_float32(first, b)) << "calibration (0, 1) and check (2): " << b;
  EXPECT_EQ(first.runtime().int8_ranges, "calibrated on this run's first 16 tiles");
  const std::string check = first.runtime().int8_check;
  ASSERT_NE(check.find("mask Dice "), std::string::npos) << check;
  ASSERT_GE(std::stod(check.substr(check.find("mask Dice ") + 10)), kInt8MinMaskDice)
      << "the trained model's int8 passes on disks (measured 0.9998); only a passed check is cached";
  const std::map<std::string, std::string> stored = cached_ranges(dir.path());
  ASSERT_EQ(stored.size(), 1u);
  EXPECT_NE(stored.begin()->first.find("int8 ranges of checkpoint sha256 " + core::sha256_file(trained)),
            std::string::npos)
      << stored.begin()->first;
  const std::vector<cv::Mat> calibrated_answer = first.predict(batches[3]);

  const Predictor second = Predictor::load(trained, options);
  EXPECT_EQ(second.runtime().int8_ranges, "cached, from an earlier run of this checkpoint whose check passed");
  EXPECT_TRUE(is_float32(second, 3)) << "the first batch with objects is the check";
  EXPECT_NE(second.runtime().int8_check.find("mask Dice "), std::string::npos) << second.runtime().int8_check;
  EXPECT_LT(worst_difference(second.predict(batches[3]), calibrated_answer), 1e-6)
      << "int8 from the next batch, with the calibrating run's ranges";
  EXPECT_GT(worst_difference(calibrated_answer, fp32.predict(batches[3])), 1e-6) << "and that is int8, not float32";

  // Ranges of the right count that clip every activation to nearly nothing cannot pass a check.
  std::string clipped;
  for (std::size_t i = 0, n = static_cast<std::size_t>(std::count(stored.begin()->second.begin(),
                                                                  stored.begin()->second.end(), ':'));
       i < n; ++i) {
    clipped += i == 0 ? "0:1e-06" : " 0:1e-06";
  }
  set_cached_choice(dir / "choices.json", "int8_ranges", clipped);
  const Predictor third = Predictor::load(trained, options);
  EXPECT_EQ(third.runtime().int8_ranges, "cached, from an earlier run of this checkpoint whose check passed");
  for (int b = 0; b < 4; ++b) EXPECT_TRUE(is_float32(third, b)) << "failed check (0), calibration (1, 2), check (3): " << b;
  EXPECT_NE(third.runtime().int8_ranges.find("calibrated on this run's first 16 tiles (the cached ranges failed its check: mask Dice"),
            std::string::npos)
      << third.runtime().int8_ranges;
  EXPECT_EQ(third.runtime().form, kInferenceFormInt8);
  EXPECT_FALSE(is_float32(third, 0)) << "int8 after its own calibration passed";
  const std::string restored = cached_ranges(dir.path()).begin()->second;
  EXPECT_NE(restored, clipped) << "the run's own ranges replace the ones that failed";

  for (const std::string unusable : {"not ranges", "0:1 2:nan", "0:1 0:2"}) {  // text, NaN, wrong count
    SCOPED_TRACE(unusable);
    set_cached_choice(dir / "choices.json", "int8_ranges", unusable);
    const Predictor p = Predictor::load(trained, options);
    EXPECT_EQ(p.runtime().int8_ranges, "not calibrated: the run ended first") << "ignored, so it calibrates";
  }
}

// Threads left to SegOid: all cores, and where SMT gives a core two threads, one per core as a
// second candidate, measured once and then cached. A given count is used as it is.
TEST(PredictorThreadsTest, AllCoresOrMeasuredWhereSmtAndAGivenCountIsKept) {
  test::TempDir dir;
  PredictorOptions options = with_form("folded_channels_last", dir.path());
  options.threads = 0;
  const Predictor first = Predictor::load(checkpoint(), options);
  const int all = static_cast<int>(std::max(1u, std::thread::hardware_concurrency()));
  const std::vector<int> candidates = core::thread_candidates(core::this_cpu(), all);
  if (candidates.size() == 1) {
    EXPECT_EQ(first.runtime().threads_source, "all cores");
    EXPECT_EQ(first.runtime().threads, all);
    EXPECT_TRUE(first.runtime().threads_rates.empty());
  } else {
    EXPECT_EQ(first.runtime().threads_source, "measured");
    EXPECT_EQ(first.runtime().threads_rates.size(), candidates.size());
    EXPECT_NE(std::find(candidates.begin(), candidates.end(), first.runtime().threads), candidates.end());
    const Predictor second = Predictor::load(checkpoint(), options);
    EXPECT_EQ(second.runtime().threads_source, "cached");
    EXPECT_EQ(second.runtime().threads, first.runtime().threads);
  }
  options.threads = 1;
  const Predictor given = Predictor::load(checkpoint(), options);
  EXPECT_EQ(given.runtime().threads_source, "given");
  EXPECT_EQ(given.runtime().threads, 1);
}

TEST(PredictorBatchTest, MeasuredOnceThenCachedPerForm) {
  test::TempDir dir;
  const Predictor first = Predictor::load(checkpoint(), with_form("folded_channels_last", dir.path()));
  const PredictorRuntime& r = first.runtime();
  EXPECT_EQ(r.batch_source, "measured");
  ASSERT_FALSE(r.batch_rates.empty());
  // The sizes tried are 1, 2, 4, 8 in turn, stopping after the first that is slower per tile.
  std::string best;
  for (const auto& [size, rate] : r.batch_rates) {
    EXPECT_TRUE(size == "1" || size == "2" || size == "4" || size == "8") << size;
    EXPECT_GT(rate, 0.0);
    if (best.empty() || rate > r.batch_rates.at(best)) best = size;
  }
  EXPECT_EQ(std::to_string(r.batch_size), best) << "the batch size with the most tiles/s wins";
  EXPECT_TRUE(r.batch_rates.count("1") && r.batch_rates.count("2")) << "at least two sizes are compared";
  const std::string cache = core::read_file(dir / "choices.json");
  EXPECT_NE(cache.find("inference_batch"), std::string::npos) << cache;
  EXPECT_NE(cache.find("folded_channels_last " + std::to_string(kTile) + "px"), std::string::npos) << cache;

  const Predictor second = Predictor::load(checkpoint(), with_form("folded_channels_last", dir.path()));
  EXPECT_EQ(second.runtime().batch_source, "cached");
  EXPECT_EQ(second.runtime().batch_size, r.batch_size);
  EXPECT_EQ(second.runtime().batch_rates, r.batch_rates);
  EXPECT_EQ(Predictor::load(checkpoint(), with_form("plain_contiguous", dir.path())).runtime().batch_source, "measured")
      << "another form is measured on its own";
}

TEST(PredictorBatchTest, AGivenSizeIsKeptAndAnUnreadableCacheEntryIsMeasuredAgain) {
  test::TempDir dir;
  PredictorOptions given = with_form("folded_channels_last", dir.path());
  given.batch_size = 3;
  const Predictor p = Predictor::load(checkpoint(), given);
  EXPECT_EQ(p.runtime().batch_size, 3);
  EXPECT_EQ(p.runtime().batch_source, "given");
  EXPECT_TRUE(p.runtime().batch_rates.empty());
  EXPECT_FALSE(fs::exists(dir / "choices.json")) << "a given batch size and a forced form measure nothing";

  Predictor::load(checkpoint(), with_form("folded_channels_last", dir.path()));
  set_cached_choice(dir / "choices.json", "inference_batch", "-2");
  const Predictor again = Predictor::load(checkpoint(), with_form("folded_channels_last", dir.path()));
  EXPECT_EQ(again.runtime().batch_source, "measured");
  EXPECT_GE(again.runtime().batch_size, 1);
}

TEST(PredictorTest, OutputDoesNotDependOnBatchSizeOrInferenceForm) {
  const Predictor fast = Predictor::load(checkpoint(), {"cpu", 2, true, true, "", {}, 0});
  PredictorOptions plain_options{"cpu", 2, false, false, "", {}, 0};
  const Predictor plain = Predictor::load(checkpoint(), plain_options);
  std::vector<cv::Mat> tiles;
  for (int i = 0; i < 4; ++i) {
    tiles.push_back(tile());
  }
  const std::vector<cv::Mat> batched = fast.predict(tiles);
  ASSERT_EQ(batched.size(), 4u);
  double spread = 0.0;
  for (int i = 0; i < 4; ++i) {
    const cv::Mat single = fast.predict({tiles[i]})[0];
    double diff = 0.0;
    cv::minMaxLoc(cv::abs(single - batched[i]), nullptr, &diff);
    EXPECT_LT(diff, 1e-5) << "tile " << i;
    const cv::Mat reference = plain.predict({tiles[i]})[0];
    cv::minMaxLoc(cv::abs(reference - batched[i]), nullptr, &diff);
    EXPECT_LT(diff, 1e-4) << "folded BatchNorm + channels_last differs from the plain model, tile " << i;
    cv::Scalar mean;
    cv::Scalar stddev;
    cv::meanStdDev(reference, mean, stddev);
    spread = std::max(spread, stddev[0]);
  }
  EXPECT_GT(spread, 1e-4) << "degenerate model: constant output makes the comparison meaningless";
}

TEST(PredictFullProgressTest, CountsTilesOverAllImagesAndDropsFailedOnes) {
  test::TempDir dir;
  fs::create_directories(dir / "in");
  cv::Mat a(100, 150, CV_8UC1, cv::Scalar(40));
  cv::Mat b(70, 130, CV_8UC1, cv::Scalar(60));
  cv::circle(a, cv::Point(50, 50), 20, cv::Scalar(200), cv::FILLED);
  io::write_gray_tiff(dir / "in" / "a.tif", a);
  io::write_gray_tiff(dir / "in" / "b.tif", b);
  core::write_file_atomic(dir / "in" / "c.tif", "II*\0 not a TIFF");
  PredictConfig config;
  config.checkpoint = checkpoint();
  config.inputs = {(dir / "in").string()};
  config.output_dir = dir / "out";
  config.runtime.device = "cpu";
  config.runtime.threads = 2;
  config.runtime.form = "folded_channels_last";
  TilingOptions tiling;
  tiling.tile_size = kTile;
  const int expected = count_tiles(a.size(), tiling) + count_tiles(b.size(), tiling);
  testing::internal::CaptureStderr();
  const PredictSummary summary = run_predict_full(config);
  const std::string err = testing::internal::GetCapturedStderr();
  EXPECT_EQ(summary.images_failed, 1);
  EXPECT_EQ(summary.tiles, expected);
  const std::string last = "predict " + std::to_string(expected) + "/" + std::to_string(expected) + " tiles";
  EXPECT_NE(err.find(last), std::string::npos) << "expected \"" << last << "\" in:\n" << err;
  EXPECT_EQ(err.find("img/s"), std::string::npos) << "the rate is in tiles, not images:\n" << err;
}

TEST(PredictorFormTest, ConfigKeyIsReadAndChecked) {
  test::TempDir dir;
  core::write_file_atomic(dir / "p.yaml", "runtime:\n  inference_form: plain_contiguous\n");
  PredictConfig config;
  EXPECT_EQ(config.runtime.form, "auto");
  load_predict_config(dir / "p.yaml", config);
  EXPECT_EQ(config.runtime.form, "plain_contiguous");
  config.checkpoint = "model.pt";
  config.inputs = {"plates/"};
  EXPECT_NO_THROW(validate_predict_config(config));
  config.runtime.form = "fast";
  try {
    validate_predict_config(config);
    FAIL() << "expected ConfigError";
  } catch (const ConfigError& e) {
    EXPECT_NE(std::string(e.what()).find("runtime.inference_form"), std::string::npos) << e.what();
    EXPECT_NE(std::string(e.what()).find("fast"), std::string::npos) << e.what();
  }
}

}  // namespace
}  // namespace segoid::infer
