// SPDX-License-Identifier: MIT
// The constants many files need (C++17 has no <numbers>); one definition each.
#pragma once

#include <limits>

namespace segoid::core {

inline constexpr double kPi = 3.14159265358979323846;
/// A missing value in tables (written as an empty field or "nan", as pandas does).
inline constexpr double kNaN = std::numeric_limits<double>::quiet_NaN();

}  // namespace segoid::core
