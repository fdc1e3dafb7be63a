// SPDX-License-Identifier: MIT
// The current time as ISO 8601 UTC text.
#include "segoid/core/utc_time.hpp"

#include <ctime>

namespace segoid::core {

std::string utc_timestamp_now() {
  const std::time_t now = std::time(nullptr);
  std::tm utc{};
  gmtime_r(&now, &utc);
  char text[32];
  std::strftime(text, sizeof(text), "%Y-%m-%dT%H:%M:%SZ", &utc);
  return text;
}

}  // namespace segoid::core
