// SPDX-License-Identifier: MIT
// predict_full --shard i/n: which inputs a shard predicts and how its run-level files are named.
#include <fmt/format.h>

#include "segoid/core/error.hpp"
#include "segoid/core/small_count.hpp"
#include "segoid/infer/predict_full.hpp"

namespace segoid::infer {

void parse_shard(const std::string& text, int& shard_index, int& shard_count) {
  const std::size_t slash = text.find('/');
  const int index = slash == std::string::npos ? -1 : core::parse_small_count(text.substr(0, slash));
  const int count = slash == std::string::npos ? -1 : core::parse_small_count(text.substr(slash + 1));
  if (index < 0 || count < 0) {
    throw ConfigError(fmt::format("--shard: expected i/n such as 2/4 (shard i of n, 1-based), got '{}'", text));
  }
  if (count < 1 || index < 1 || index > count) {
    throw ConfigError(fmt::format("--shard {}: the shard number must be between 1 and the shard count {}", text,
                                  count));
  }
  shard_index = index;
  shard_count = count;
}

bool in_shard(std::size_t position, int shard_index, int shard_count) {
  if (shard_index == 0) return true;
  return position % static_cast<std::size_t>(shard_count) == static_cast<std::size_t>(shard_index - 1);
}

std::string shard_file_name(const std::string& name, int shard_index, int shard_count) {
  if (shard_index == 0) return name;
  const std::size_t dot = name.rfind('.');
  const std::string infix = fmt::format(".shard-{}-of-{}", shard_index, shard_count);
  if (dot == std::string::npos) return name + infix;
  return name.substr(0, dot) + infix + name.substr(dot);
}

}  // namespace segoid::infer
