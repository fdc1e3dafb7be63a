// SPDX-License-Identifier: MIT
// The current time as written into run files, flags and registries.
#pragma once

#include <string>

namespace segoid::core {

/// Now in UTC, ISO 8601 to the second: "2026-12-01T10:47:51Z".
std::string utc_timestamp_now();

}  // namespace segoid::core
