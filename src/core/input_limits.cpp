// SPDX-License-Identifier: MIT
// The process-wide InputLimits.
#include "segoid/core/input_limits.hpp"

namespace segoid::core {
namespace {

InputLimits& limits_storage() {
  static InputLimits limits;
  return limits;
}

}  // namespace

const InputLimits& input_limits() { return limits_storage(); }

void set_input_limits(const InputLimits& limits) { limits_storage() = limits; }

}  // namespace segoid::core
