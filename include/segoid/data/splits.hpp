// SPDX-License-Identifier: MIT
// `make_splits`: a seeded, platform-independent train/val/test split by image.
#pragma once

#include <cstdint>
#include <filesystem>
#include <string>
#include <vector>

#include "segoid/data/manifest.hpp"

namespace segoid::data {

enum class Stratify {
  kNone,      ///< one seeded shuffle of all images
  kCoverage,  ///< images sorted by mask_coverage, split within consecutive bins
};

/// "none" / "coverage".
std::string to_string(Stratify stratify);
/// Parses "none" or "coverage"; throws ConfigError otherwise.
Stratify parse_stratify(const std::string& text);

/// Options of the split step.
struct SplitConfig {
  std::filesystem::path manifest = "data/splits/all.csv";  ///< input manifest
  std::filesystem::path output_dir = "data/splits";        ///< train.csv, val.csv, test.csv, split_meta.yaml
  std::uint64_t seed = 42;
  std::vector<double> ratios = {0.6, 0.2, 0.2};  ///< train, val, test fractions; >= 0, sum 1
  Stratify stratify = Stratify::kNone;
};

/// The rows of each split, in the input manifest's order.
struct SplitResult {
  Manifest train, val, test;
};

/// Image counts per split for n images: largest-remainder rounding of n * ratio (ties go to
/// train, then val), then, when n >= number of positive ratios, every split with a positive
/// ratio gets at least one image (taken from the largest split). Throws ConfigError for bad ratios.
std::vector<int> split_counts(int n, const std::vector<double>& ratios);

/// Splits a manifest by image. Deterministic for (rows, seed, ratios, stratify) on every
/// platform: rows are ordered by basename first (so the input order does not matter) and all
/// randomness comes from core::Rng.
/// kNone: a Fisher-Yates shuffle; the first counts[0] images go to train, the next to val, the
/// rest to test.
/// kCoverage: images sorted by (mask_coverage, basename) are cut into consecutive bins of
/// ceil(1 / smallest positive ratio) images (5 for 0.6/0.2/0.2). A label sequence with the exact
/// global counts is interleaved so that every bin holds the splits in proportion (each position
/// takes the split furthest behind its quota), and the images of a bin are shuffled over the
/// bin's labels. Needs mask_coverage in every row (DataError otherwise).
/// Throws ConfigError for bad ratios, DataError for an empty manifest.
SplitResult make_splits(const Manifest& manifest, const SplitConfig& config);

/// Reads config.manifest, splits it and writes train.csv, val.csv, test.csv (same columns as the
/// input) and split_meta.yaml (version, seed, ratios, stratify, counts, basenames per split)
/// into config.output_dir, atomically. Returns the split.
SplitResult run_make_splits(const SplitConfig& config);

}  // namespace segoid::data
