// SPDX-License-Identifier: MIT
// NumPy's legacy numpy.random.RandomState(seed) for the draws the Python SegOid makes through
// pandas and scikit-learn: permutation/shuffle, so that the same seed gives the same split.
#pragma once

#include <cstdint>
#include <random>
#include <utility>
#include <vector>

namespace segoid::core {

/// Largest seed numpy.random.RandomState accepts (it raises ValueError above).
inline constexpr std::uint64_t kNumpyMaxSeed = 0xFFFFFFFFULL;

/// numpy.random.RandomState(seed), as NumPy's legacy generator draws. An integer seed goes
/// through MT19937's init_genrand (NumPy's mt19937_seed), which is exactly std::mt19937's
/// seeding, and both temper the same outputs: std::mt19937 is specified to the bit by the C++
/// standard, so the stream is the same on every platform. Not thread-safe.
class NumpyRandomState {
 public:
  /// Throws ConfigError for seed > kNumpyMaxSeed, as NumPy refuses it.
  explicit NumpyRandomState(std::uint64_t seed);

  /// Next raw 32-bit output (NumPy's next_uint32).
  std::uint32_t next_u32() { return static_cast<std::uint32_t>(engine_()); }
  /// Uniform integer in [0, max] by masked rejection (NumPy's random_interval, which legacy
  /// shuffle and permutation use): draws are masked to the bits of max and redrawn while > max;
  /// 64-bit draws (two outputs, high first) only above 2^32 - 1.
  std::uint64_t interval(std::uint64_t max);

  /// In-place RandomState.shuffle of a 1-D array: for i = n-1 down to 1, swap x[i] with
  /// x[interval(i)].
  template <typename T>
  void shuffle(std::vector<T>& values) {
    for (std::size_t i = values.size(); i > 1; --i) {
      const std::size_t j = static_cast<std::size_t>(interval(i - 1));
      std::swap(values[i - 1], values[j]);
    }
  }

  /// RandomState.permutation(n): a shuffled 0..n-1. pandas' DataFrame.sample(frac=1,
  /// random_state=seed) takes rows in this order (RandomState.choice without replacement).
  std::vector<std::int64_t> permutation(std::int64_t n);

 private:
  std::mt19937 engine_;
};

}  // namespace segoid::core
