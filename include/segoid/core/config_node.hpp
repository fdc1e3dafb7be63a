// SPDX-License-Identifier: MIT
// Strict YAML reading: typed getters that name the file and key on error, and a check that
// rejects unknown keys with the nearest known key as a suggestion.
#pragma once

#include <yaml-cpp/yaml.h>

#include <filesystem>
#include <map>
#include <memory>
#include <set>
#include <string>
#include <vector>

#include "segoid/core/error.hpp"

namespace segoid::core {

/// A view of one YAML mapping of a config file. Read every key you know with get()/section(),
/// then call finish(): any key not asked for is an error. Absent keys keep the caller's default.
class ConfigNode {
 public:
  /// Loads `path` (throws IoError if unreadable, ConfigError if not valid YAML or not a mapping).
  static ConfigNode load(const std::filesystem::path& path);
  /// Parses YAML text; `origin` names it in messages.
  static ConfigNode parse(const std::string& text, const std::string& origin);

  ConfigNode(YAML::Node node, std::string file, std::string key_path);

  /// Reads `key` into `out` when present; throws ConfigError naming file and key on a wrong type.
  /// Supported: bool, int, int64_t, uint64_t, double, float, std::string, std::vector<double>,
  /// std::vector<int>, std::vector<std::string>. A YAML null leaves `out` unchanged only for
  /// strings (it becomes ""), otherwise it is a type error.
  template <typename T>
  bool get(const std::string& key, T& out);

  /// Sub-mapping `key` (an empty node when absent). Marks `key` as known.
  ConfigNode section(const std::string& key);
  /// True when `key` is present.
  bool has(const std::string& key) const;
  /// Marks keys as known without reading them (accepted for compatibility, ignored).
  void accept(const std::vector<std::string>& keys);
  /// Throws ConfigError for the first key never read, suggesting the nearest known one.
  /// Checks this node and every section handed out from it (they share one record).
  void finish() const;

  /// Throws ConfigError "<file>: <key> must be in [lo, hi], got v" unless lo <= v <= hi.
  void require_range(const std::string& key, double value, double lo, double hi) const;
  /// Throws ConfigError naming the key unless `value` is one of `allowed`.
  void require_one_of(const std::string& key, const std::string& value,
                      const std::vector<std::string>& allowed) const;

  const std::string& file() const { return file_; }
  /// Dotted name of `key` inside this node, e.g. "training.epochs".
  std::string full_key(const std::string& key) const;
  const YAML::Node& node() const { return node_; }

 private:
  YAML::Node node_;
  std::string file_;
  std::string key_path_;
  // Known keys per dotted section path, shared by a root and all its sections.
  std::shared_ptr<std::map<std::string, std::set<std::string>>> known_;
  std::set<std::string>& known() const { return (*known_)[key_path_]; }
  void finish_node(const YAML::Node& node, const std::string& path) const;
};

/// Levenshtein distance, for "did you mean" suggestions.
std::size_t edit_distance(const std::string& a, const std::string& b);

}  // namespace segoid::core
