// SPDX-License-Identifier: MIT
// Cross-validation: fold assignment and config loading (tiny runs: cross_validation_run_test.cpp).
#include "segoid/pipeline/cross_validation.hpp"

#include <gtest/gtest.h>
#include <yaml-cpp/yaml.h>

#include <set>

#include "numpy_split_fixtures.hpp"
#include "segoid/core/error.hpp"
#include "test_support.hpp"

namespace segoid::pipeline {
namespace {

namespace fs = std::filesystem;

// The Python SegOid's configs/cv_config.yaml, verbatim (no data: section, no periodic_interval).
constexpr const char* kPythonCvConfig = R"(cv:
  strategy: leave_one_out
  source_manifest: data/splits/all.csv
  seed: 42
  n_folds: 5

dataset:
  patch_size: 256
  patches_per_image: 20
  positive_ratio: 0.7
  negative_threshold: 0.05
  max_jitter: 0.25
  augmentation:
    enabled: true
    horizontal_flip: 0.5
    vertical_flip: 0.5
    rotate_90: 0.5
    brightness_limit: 0.1
    contrast_limit: 0.1

model:
  architecture: unet
  encoder: resnet18
  encoder_weights: null
  in_channels: 1
  classes: 1

training:
  epochs: 50
  batch_size: 4
  learning_rate: 0.0001
  num_workers: 2
  pin_memory: true

loss:
  bce_weight: 0.5
  dice_weight: 0.5

early_stopping:
  enabled: true
  patience: 10
  min_delta: 0.0001

lr_scheduler:
  enabled: true
  mode: min
  factor: 0.5
  patience: 5
  min_lr: 0.00001

checkpointing:
  save_best: true
  save_periodic: false
  save_final: true

tensorboard:
  enabled: true
  log_interval: 1
  image_interval: 10
  num_image_samples: 4

output:
  cv_dir: runs/cv_loocv

validation:
  prediction_threshold: 0.5

seed: 42
)";

std::vector<std::string> names(int n) {
  std::vector<std::string> out;
  for (int i = 0; i < n; ++i) out.push_back("img" + std::to_string(i));
  return out;
}

TEST(CrossValidationTest, LeaveOneOutValidatesEachImageExactlyOnce) {
  const auto basenames = names(7);
  const auto folds = assign_folds(basenames, CvStrategy::kLeaveOneOut, /*n_folds=*/3, /*seed=*/1);
  ASSERT_EQ(folds.size(), 7u);
  std::multiset<std::string> validated;
  for (const Fold& f : folds) {
    ASSERT_EQ(f.validation.size(), 1u);
    EXPECT_EQ(f.validation[0], basenames[f.index]);
    EXPECT_EQ(f.training.size(), 6u);
    EXPECT_EQ(std::count(f.training.begin(), f.training.end(), f.validation[0]), 0);
    validated.insert(f.validation[0]);
  }
  EXPECT_EQ(validated, std::multiset<std::string>(basenames.begin(), basenames.end()));
}

TEST(CrossValidationTest, KFoldPartitionsWithSizesWithinOne) {
  const auto basenames = names(11);
  for (int k : {2, 3, 4, 5, 11}) {
    const auto folds = assign_folds(basenames, CvStrategy::kKFold, k, /*seed=*/42);
    ASSERT_EQ(static_cast<int>(folds.size()), k);
    std::multiset<std::string> validated;
    std::size_t smallest = 1000, largest = 0;
    for (const Fold& f : folds) {
      smallest = std::min(smallest, f.validation.size());
      largest = std::max(largest, f.validation.size());
      EXPECT_EQ(f.validation.size() + f.training.size(), basenames.size());
      for (const auto& v : f.validation) {
        validated.insert(v);
        EXPECT_EQ(std::count(f.training.begin(), f.training.end(), v), 0);
      }
    }
    EXPECT_LE(largest - smallest, 1u) << "k=" << k;
    EXPECT_EQ(validated, std::multiset<std::string>(basenames.begin(), basenames.end())) << "k=" << k;
  }
}

TEST(CrossValidationTest, KFoldIsDeterministicForASeed) {
  const auto basenames = names(20);
  const auto a = assign_folds(basenames, CvStrategy::kKFold, 4, 7);
  const auto b = assign_folds(basenames, CvStrategy::kKFold, 4, 7);
  const auto c = assign_folds(basenames, CvStrategy::kKFold, 4, 8);
  bool differs = false;
  for (int f = 0; f < 4; ++f) {
    EXPECT_EQ(a[f].validation, b[f].validation);
    differs = differs || a[f].validation != c[f].validation;
  }
  EXPECT_TRUE(differs) << "another seed should give another permutation";
}

// scikit-learn's KFold(k, shuffle=True, random_state=seed) in /usr/bin/python3 (fixture script):
// the same validation images per fold, for many sizes, fold counts and seeds.
TEST(CrossValidationTest, KFoldEqualsScikitLearnsKFold) {
  const auto records = test::numpy_split_records("kfold");
  ASSERT_GE(records.size(), 100u);
  for (const auto& r : records) {
    const std::uint64_t seed = std::stoull(r[0]);
    const int n = std::stoi(r[1]);
    const int k = std::stoi(r[2]);
    const auto folds = assign_folds(names(n), CvStrategy::kKFold, k, seed);
    ASSERT_EQ(static_cast<int>(folds.size()), k);
    for (int f = 0; f < k; ++f) {
      std::vector<std::string> expected;
      for (std::int64_t row : test::fixture_ints(r[3 + f])) expected.push_back("img" + std::to_string(row));
      EXPECT_EQ(folds[f].validation, expected) << "seed " << seed << " n " << n << " k " << k << " fold " << f;
    }
  }
}

TEST(CrossValidationTest, TooFewImagesOrFoldsIsAnError) {
  EXPECT_THROW(assign_folds(names(1), CvStrategy::kLeaveOneOut, 5, 1), ConfigError);
  EXPECT_THROW(assign_folds(names(3), CvStrategy::kKFold, 4, 1), ConfigError);
}

TEST(CrossValidationTest, PythonCvConfigLoadsUnchanged) {
  const CvConfig c = parse_cv_config(kPythonCvConfig, "cv_config.yaml");
  EXPECT_EQ(c.cv.strategy, CvStrategy::kLeaveOneOut);
  EXPECT_EQ(c.cv.source_manifest, fs::path("data/splits/all.csv"));
  EXPECT_EQ(c.cv.seed, 42u);
  EXPECT_EQ(c.cv.n_folds, 5);
  EXPECT_EQ(c.cv_dir, fs::path("runs/cv_loocv"));
  EXPECT_EQ(c.train.dataset.patch_size, 256);
  EXPECT_TRUE(c.train.model.encoder_weights.empty());
  EXPECT_EQ(c.train.training.epochs, 50);
  EXPECT_FALSE(c.train.checkpointing.save_periodic);
  EXPECT_DOUBLE_EQ(c.train.lr_scheduler.min_lr, 1e-5);
  EXPECT_EQ(c.train.seed, 42u);
}

TEST(CrossValidationTest, ShippedConfigLoads) {
  const CvConfig c = load_cv_config(test::source_dir() / "configs/cv_config.yaml");
  EXPECT_EQ(c.train.dataset.patch_size, 256);
}

std::string error_of(const std::string& yaml) {
  try {
    parse_cv_config(yaml, "my_cv.yaml");
  } catch (const ConfigError& e) {
    return e.what();
  }
  return "";
}

TEST(CrossValidationTest, UnknownOrBadKeysNameFileAndKey) {
  const std::string base = kPythonCvConfig;
  std::string cv_typo = base;
  cv_typo.replace(cv_typo.find("  n_folds: 5"), 12, "  n_fold: 5");
  const std::string a = error_of(cv_typo);
  EXPECT_NE(a.find("my_cv.yaml"), std::string::npos) << a;
  EXPECT_NE(a.find("cv.n_fold"), std::string::npos) << a;

  std::string bad_strategy = base;
  bad_strategy.replace(bad_strategy.find("leave_one_out"), 13, "bootstrap");
  const std::string b = error_of(bad_strategy);
  EXPECT_NE(b.find("cv.strategy"), std::string::npos) << b;

  // Train sections are checked by the train parser, still naming the cv config.
  std::string train_typo = base;
  train_typo.replace(train_typo.find("  epochs: 50"), 12, "  epoch: 50");
  const std::string t = error_of(train_typo);
  EXPECT_NE(t.find("my_cv.yaml"), std::string::npos) << t;
  EXPECT_NE(t.find("training.epoch"), std::string::npos) << t;

  const std::string o = error_of(base + "output_dir: x\n");
  EXPECT_NE(o.find("output_dir"), std::string::npos) << o;
  EXPECT_NE(error_of(base + "data:\n  train_manifest: a.csv\n").find("data.train_manifest"), std::string::npos);
}

}  // namespace
}  // namespace segoid::pipeline
