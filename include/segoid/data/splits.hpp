// SPDX-License-Identifier: MIT
// `make_splits`: a seeded train/val/test split by image, the same as the Python SegOid's.
#pragma once

#include <cstdint>
#include <filesystem>
#include <string>
#include <vector>

#include "segoid/data/manifest.hpp"

namespace segoid::data {

enum class Stratify {
  kNone,      ///< one seeded shuffle of all images
  kCoverage,  ///< a seeded shuffle per mask-coverage bucket (see make_splits)
};

/// "none" / "coverage".
std::string to_string(Stratify stratify);
/// Parses "none" or "coverage"; throws ConfigError otherwise.
Stratify parse_stratify(const std::string& text);

/// Options of the split step.
struct SplitConfig {
  std::filesystem::path manifest = "data/splits/all.csv";  ///< input manifest
  std::filesystem::path output_dir = "data/splits";        ///< train.csv, val.csv, test.csv, split_meta.yaml
  std::uint64_t seed = 42;                        ///< NumPy RandomState seed, 0 to 2^32 - 1
  std::vector<double> ratios = {0.6, 0.2, 0.2};  ///< train, val, test fractions; >= 0, sum 1
  Stratify stratify = Stratify::kNone;
};

/// The rows of each split, in the order the Python SegOid writes them (its shuffled order).
struct SplitResult {
  Manifest train, val, test;
};

/// Image counts of a group of n images, as the Python SegOid cuts it: train int(n * ratios[0]),
/// val int(n * ratios[1]) (double products, truncated), test the rest; 6 images at 0.6/0.2/0.2
/// give 3/1/2. Throws ConfigError for bad ratios (not 3, negative, sum not 1 within NumPy's
/// isclose tolerance).
std::vector<int> split_counts(int n, const std::vector<double>& ratios);

/// The mask-coverage bucket of the Python SegOid's --stratify, pandas.cut's right-closed bins
/// (0, 0.01], (0.01, 0.1], (0.1, 0.5], (0.5, 1]: 0 to 3; -1 for a value outside every bin
/// (an empty mask, coverage 0) or a missing one.
int coverage_bucket(const std::optional<double>& coverage);

/// Splits a manifest by image exactly as the Python SegOid's make_splits does for the same seed
/// (core::NumpyRandomState is NumPy's legacy RandomState):
/// kNone: the rows in the order of RandomState(seed).permutation(n), which is pandas'
/// DataFrame.sample(frac=1, random_state=seed); the first split_counts(n)[0] go to train, the
/// next to val, the rest to test.
/// kCoverage: per coverage bucket, in the order the buckets first appear in the manifest, the
/// same shuffle and cut of that bucket's rows (each with a fresh RandomState(seed)), the splits
/// concatenated bucket after bucket. SegOid's fix: rows outside every bucket (empty masks, no
/// mask_coverage) form a bucket of their own at their place in that order; the Python tool drops
/// them (pandas.cut gives them NaN, which equals no bucket). The other rows split the same.
/// Throws ConfigError for bad ratios or a seed above 2^32 - 1, DataError for an empty manifest.
SplitResult make_splits(const Manifest& manifest, const SplitConfig& config);

/// Reads config.manifest, splits it and writes train.csv, val.csv, test.csv (same columns as the
/// input) and split_meta.yaml (version, seed, ratios, stratify, counts, basenames per split)
/// into config.output_dir, atomically. Returns the split.
SplitResult run_make_splits(const SplitConfig& config);

}  // namespace segoid::data
