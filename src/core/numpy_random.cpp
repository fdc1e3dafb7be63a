// SPDX-License-Identifier: MIT
// NumPy's legacy RandomState: MT19937 with init_genrand seeding and masked-rejection intervals.
#include "segoid/core/numpy_random.hpp"

#include <numeric>
#include <string>

#include "segoid/core/error.hpp"

namespace segoid::core {

NumpyRandomState::NumpyRandomState(std::uint64_t seed) {
  if (seed > kNumpyMaxSeed) {
    throw ConfigError("seed " + std::to_string(seed) + " is out of range: NumPy's RandomState takes 0 to " +
                      std::to_string(kNumpyMaxSeed));
  }
  engine_.seed(static_cast<std::mt19937::result_type>(seed));
}

std::uint64_t NumpyRandomState::interval(std::uint64_t max) {
  if (max == 0) return 0;
  std::uint64_t mask = max;
  for (int shift = 1; shift <= 32; shift *= 2) mask |= mask >> shift;  // all bits below the top one
  std::uint64_t value = 0;
  if (max <= 0xFFFFFFFFULL) {
    do {
      value = next_u32() & mask;
    } while (value > max);
  } else {
    do {
      const std::uint64_t high = next_u32();
      value = ((high << 32) | next_u32()) & mask;
    } while (value > max);
  }
  return value;
}

std::vector<std::int64_t> NumpyRandomState::permutation(std::int64_t n) {
  std::vector<std::int64_t> order(static_cast<std::size_t>(n > 0 ? n : 0));
  std::iota(order.begin(), order.end(), std::int64_t{0});
  shuffle(order);
  return order;
}

}  // namespace segoid::core
