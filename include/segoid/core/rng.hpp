// SPDX-License-Identifier: MIT
// A fully specified random generator (xoshiro256** seeded by SplitMix64) with its own
// distributions, so a seed gives the same numbers on every platform and compiler
// (std::shuffle and the std distributions are implementation-defined).
#pragma once

#include <cstdint>
#include <utility>
#include <vector>

namespace segoid::core {

/// Deterministic pseudo-random generator. Not thread-safe: give each thread its own,
/// derived with split().
class Rng {
 public:
  explicit Rng(std::uint64_t seed = 0);

  /// Next raw 64-bit value.
  std::uint64_t next_u64();
  /// Uniform integer in [lo, hi] inclusive (unbiased, by rejection).
  std::int64_t uniform_int(std::int64_t lo, std::int64_t hi);
  /// Uniform double in [0, 1) with 53 random bits.
  double uniform();
  /// Uniform double in [lo, hi).
  double uniform(double lo, double hi) { return lo + (hi - lo) * uniform(); }
  /// Standard normal (Box-Muller, no cached second value, so state depends only on call count).
  double normal(double mean = 0.0, double stddev = 1.0);
  /// True with probability p.
  bool bernoulli(double p) { return uniform() < p; }
  /// A new independent generator derived from this one's next output (advances this one).
  Rng split();

  /// Fisher-Yates shuffle driven by uniform_int.
  template <typename T>
  void shuffle(std::vector<T>& values) {
    for (std::size_t i = values.size(); i > 1; --i) {
      const auto j = static_cast<std::size_t>(uniform_int(0, static_cast<std::int64_t>(i) - 1));
      std::swap(values[i - 1], values[j]);
    }
  }

  /// Full state, for checkpoints that must resume bit-exactly.
  std::vector<std::uint64_t> state() const;
  void set_state(const std::vector<std::uint64_t>& state);

 private:
  std::uint64_t s_[4];
};

/// Mixes a base seed with stream identifiers (epoch, worker, image index) into a new seed.
std::uint64_t mix_seed(std::uint64_t seed, std::uint64_t a, std::uint64_t b = 0);

}  // namespace segoid::core
