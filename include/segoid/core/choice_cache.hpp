// SPDX-License-Identifier: MIT
// Per-machine cache of speed choices made by measurement (layout, inference form).
#pragma once

#include <filesystem>
#include <map>
#include <optional>
#include <string>

namespace segoid::core {

/// What a measured choice depends on. Two keys are equal only when every field is.
struct MachineKey {
  std::string cpu_model;      ///< CpuInfo::model
  int threads = 0;            ///< intra-op threads in effect
  std::string torch_version;  ///< LibTorch version, e.g. "1.13.1"
  std::string shape;          ///< what was measured, e.g. "train 128px x8" or "predict 256px x4"
  /// One line naming every field, used as the cache entry's name.
  std::string text() const;
};

/// One measured choice: the winner and the rate of each candidate (units per second).
struct MeasuredChoice {
  std::string choice;
  std::map<std::string, double> rates;
};

/// The file `<dir>/choices.json`: {"<kind>": {"<MachineKey::text()>": {"choice": ..., "rates": {...}}}}.
/// An empty dir means no caching (find finds nothing, store does nothing).
class ChoiceCache {
 public:
  explicit ChoiceCache(std::filesystem::path dir);
  /// The choice stored for (kind, key), if any. An unreadable or malformed file counts as empty
  /// (with a warning): the cache is only an optimisation.
  std::optional<MeasuredChoice> find(const std::string& kind, const MachineKey& key) const;
  /// Adds or replaces the entry (atomic write; creates dir). A write failure only warns.
  void store(const std::string& kind, const MachineKey& key, const MeasuredChoice& choice) const;
  std::filesystem::path file() const;

 private:
  std::filesystem::path dir_;
};

/// The candidate with the highest rate (first in name order on a tie). Throws on an empty map.
std::string fastest(const std::map<std::string, double>& rates);

/// "contiguous 2.57/s, channels_last 2.13/s" for logs.
std::string format_rates(const std::map<std::string, double>& rates, const std::string& unit);

}  // namespace segoid::core
