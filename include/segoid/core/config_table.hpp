// SPDX-License-Identifier: MIT
// One table per config section, one row per key (as DuckDB's internal_options[]): the rows alone
// drive strict reading, validation, the snapshot YAML, --help defaults and the generated reference.
//
// How to add a key: add one row to the section's table (e.g. train_config_table() in
// src/train/train_config.cpp), next to its neighbours in the YAML, bound to the struct member
// the code uses; then use the member. Nothing else: reading, range/choice checks, the run's
// config.yaml, `segoid config --defaults`, and the shipped-config test all follow the row. A key
// with a command-line override names its flag on the row (.flag()); cli/key_flags adds it.
//   key<TrainConfig>("training.epochs", &TrainConfig::training, &TrainingSection::epochs)
//       .range(1, 1e6).help("passes over the training images").flag("--epochs", {"train"})
// A key added "the old way" maps to a row like this: the reader's `node.get("k", c.s.k)` is the
// row's name and member path; validate's `in_range(..., lo, hi)` / `one_of(..., {...})` is
// .range(lo, hi) / .choices({...}); to_yaml's `kv("k", c.s.k)` is implied by the row; the
// struct field keeps its default, which the row reads from a default-constructed config.
#pragma once

#include <cstdint>
#include <filesystem>
#include <functional>
#include <limits>
#include <type_traits>
#include <utility>
#include <string>
#include <variant>
#include <vector>

#include "segoid/core/config_node.hpp"

namespace segoid::core {

/// Where a row reads and writes: one member of the config struct, of one of these types.
using ConfigValue = std::variant<bool*, int*, std::uint64_t*, double*, std::string*, std::filesystem::path*,
                                 std::vector<std::string>*>;

/// A command-line flag that overrides one key (added by cli/key_flags for each command offering it).
struct KeyFlag {
  std::string names;                  ///< CLI11 names: "--tile-size", "--output-dir,-o", "--tta,!--no-tta"
  std::vector<std::string> commands;  ///< commands offering it, e.g. {"train"}; empty: every user of the table
};

/// One config key.
struct ConfigKey {
  std::string name;                         ///< dotted YAML path, e.g. "dataset.augmentation.rotate_90"
  std::function<ConfigValue(void*)> field;  ///< the member, given the config struct
  std::size_t type = 0;                     ///< index of the member's type in ConfigValue
  std::string help_text;                    ///< one line: what it does, with its unit
  double min = -std::numeric_limits<double>::infinity();  ///< numbers: lowest allowed value
  double max = std::numeric_limits<double>::infinity();   ///< numbers: highest allowed value
  bool min_exclusive = false;               ///< the range excludes min: (min, max]
  bool max_exclusive = false;               ///< the range excludes max: [min, max)
  int multiple = 0;                         ///< integers: must be a multiple of this (0 = any)
  std::vector<std::string> allowed;         ///< strings: the choices (empty = any)
  /// YAML null allowed: a string becomes "" ("none", "None" and "null" too), a number
  /// `null_number`; either is written back as null (and not range-checked).
  bool nullable = false;
  double null_number = 0;
  /// An enum member, read and written as one of `allowed` (set by enum_key, else empty).
  std::function<std::string(void*)> text_get;
  std::function<void(void*, const std::string&)> text_set;
  std::vector<std::string> aliases;         ///< other names read in the same section (never written)
  std::vector<KeyFlag> flags;               ///< command-line overrides of this key

  ConfigKey& range(double lo, double hi) { min = lo; max = hi; return *this; }
  ConfigKey& range_above(double lo, double hi) { range(lo, hi); min_exclusive = true; return *this; }
  ConfigKey& range_below(double lo, double hi) { range(lo, hi); max_exclusive = true; return *this; }
  ConfigKey& multiple_of(int m) { multiple = m; return *this; }
  ConfigKey& choices(std::vector<std::string> c) { allowed = std::move(c); return *this; }
  ConfigKey& or_null(double number = 0) { nullable = true; null_number = number; return *this; }
  ConfigKey& alias(std::string a) { aliases.push_back(std::move(a)); return *this; }
  ConfigKey& help(std::string h) { help_text = std::move(h); return *this; }
  ConfigKey& flag(std::string names, std::vector<std::string> commands = {}) {
    flags.push_back({std::move(names), std::move(commands)});
    return *this;
  }

  /// The section part of the name ("dataset.augmentation") and the leaf ("rotate_90").
  std::string section() const;
  std::string leaf() const;
  /// "bool", "int", "number", "string", "path" or "list of strings".
  std::string type_name() const;
};

/// All keys of one config file, in file order (each section's rows together).
using ConfigTable = std::vector<ConfigKey>;

namespace detail {
template <class T>
T& member_of(T& value) { return value; }
template <class T, class M, class... Rest>
auto& member_of(T& value, M T::*member, Rest... rest) { return member_of(value.*member, rest...); }
}  // namespace detail

/// A row bound to `config.*m1.*m2...` of a `Config`, e.g.
/// key<TrainConfig>("loss.bce_weight", &TrainConfig::loss, &LossSection::bce_weight).
template <class Config, class... Members>
ConfigKey key(std::string name, Members... members) {
  ConfigKey k;
  k.name = std::move(name);
  k.field = [members...](void* config) -> ConfigValue {
    return &detail::member_of(*static_cast<Config*>(config), members...);
  };
  using Member = std::remove_reference_t<decltype(detail::member_of(std::declval<Config&>(), members...))>;
  k.type = ConfigValue(static_cast<Member*>(nullptr)).index();
  return k;
}

/// A row for an enum member, read and written as text: `to_text(config)` and
/// `from_text(config, text)` convert; `choices` are the accepted texts. With no choices, any
/// text reaches from_text, which throws ConfigError naming the key for a bad one.
template <class Config>
ConfigKey enum_key(std::string name, std::vector<std::string> choices, std::function<std::string(const Config&)> to_text,
                   std::function<void(Config&, const std::string&)> from_text) {
  ConfigKey k;
  k.name = std::move(name);
  k.allowed = std::move(choices);
  k.type = ConfigValue(static_cast<std::string*>(nullptr)).index();
  k.text_get = [to_text](void* config) { return to_text(*static_cast<Config*>(config)); };
  k.text_set = [from_text](void* config, const std::string& text) { from_text(*static_cast<Config*>(config), text); };
  return k;
}

/// `table` re-bound to a struct that holds its config as a member: `member(outer)` returns it.
ConfigTable nested_table(const ConfigTable& table, const std::function<void*(void*)>& member);

/// `base` plus `extra`, each extra row placed after the last base row of its section (or at the
/// end), so that a file holding both still has each section once.
ConfigTable merged_tables(ConfigTable base, const ConfigTable& extra);

/// Reads every key of `table` present under `root` into `config` (absent keys keep their value),
/// marking them known. The caller then reads its own keys, if any, and calls root.finish().
/// Throws ConfigError naming the file and key on a wrong type.
void read_table(ConfigNode& root, const ConfigTable& table, void* config);

/// Checks every row's range, multiple and choices; throws ConfigError "<origin>: <key> must ...".
void validate_table(const ConfigTable& table, const void* config, const std::string& origin);
/// The same check for one row.
void validate_key(const ConfigKey& key, const void* config, const std::string& origin);

/// Sets `key`'s member of `to` to its value in `from` (two configs of the table's type).
void copy_value(const ConfigKey& key, const void* from, void* to);

/// Emits the keys as nested YAML mappings (inside a map the caller has begun), in table order.
/// With `comments`, each key carries its help, range or choices as a trailing comment.
void emit_table(YAML::Emitter& out, const ConfigTable& table, const void* config, bool comments = false);

/// The value of one key as YAML text ("0.5", "imagenet", "null"), e.g. for --help defaults.
std::string value_text(const ConfigKey& key, const void* config);

/// The row named `name`; throws Error when there is none (a programming error).
const ConfigKey& find_key(const ConfigTable& table, const std::string& name);

/// Fully commented YAML of `config` (normally defaults), with `title` as the first comment line.
std::string commented_yaml(const ConfigTable& table, const void* config, const std::string& title);

}  // namespace segoid::core
