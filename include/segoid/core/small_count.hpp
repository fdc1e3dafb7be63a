// SPDX-License-Identifier: MIT
// A small non-negative count written as decimal digits (well columns, fields, shard numbers).
#pragma once

#include <cctype>
#include <string>

namespace segoid::core {

/// `text` as an int when it is 1 to 6 decimal digits (no sign, no spaces), else -1.
inline int parse_small_count(const std::string& text) {
  if (text.empty() || text.size() > 6) return -1;
  for (char c : text) {
    if (!std::isdigit(static_cast<unsigned char>(c))) return -1;
  }
  return std::stoi(text);
}

}  // namespace segoid::core
