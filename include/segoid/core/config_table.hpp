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
// A section is the option struct the library takes (`TrainConfig::dataset` is a
// data::SamplingConfig), so the struct's default is the key's only default.
// Tables are typed: a ConfigTable<TrainConfig> reads, checks and writes only a TrainConfig.
#pragma once

#include <cstdint>
#include <filesystem>
#include <functional>
#include <limits>
#include <map>
#include <set>
#include <string>
#include <type_traits>
#include <utility>
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

/// What a row says about its key, whatever the config struct: name, type, help, range, choices.
struct KeyRules {
  std::string name;                         ///< dotted YAML path, e.g. "dataset.augmentation.rotate_90"
  std::size_t type = 0;                     ///< index of the member's type in ConfigValue
  std::string help_text;                    ///< one line: what it does, with its unit
  double min = -std::numeric_limits<double>::infinity();  ///< numbers: lowest allowed value
  double max = std::numeric_limits<double>::infinity();   ///< numbers: highest allowed value
  bool min_exclusive = false;               ///< the range excludes min: (min, max]
  bool max_exclusive = false;               ///< the range excludes max: [min, max)
  int multiple = 0;                         ///< integers: must be a multiple of this (0 = any)
  std::vector<std::string> allowed;         ///< strings and enums: the choices (empty = any)
  /// YAML null allowed: a string becomes "" ("none", "None" and "null" too), a number
  /// `null_number`; either is written back as null (and not range-checked).
  bool nullable = false;
  double null_number = 0;
  bool is_enum = false;                     ///< an enum member, read and written as one of `allowed`
  std::vector<std::string> aliases;         ///< other names read in the same section (never written)
  std::vector<KeyFlag> flags;               ///< command-line overrides of this key

  /// The section part of the name ("dataset.augmentation") and the leaf ("rotate_90").
  std::string section() const;
  std::string leaf() const;
  /// "bool", "int", "number", "string", "path" or "list of strings".
  std::string type_name() const;
};

/// One config key of a `Config` struct: its rules and the member it binds.
template <class Config>
struct ConfigKey : KeyRules {
  std::function<ConfigValue(Config&)> field;                 ///< the member (empty for an enum row)
  std::function<std::string(const Config&)> text_get;        ///< an enum row: the member as text
  std::function<void(Config&, const std::string&)> text_set;  ///< an enum row: text to the member

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
};

/// All keys of one config file, in file order (each section's rows together).
template <class Config>
using ConfigTable = std::vector<ConfigKey<Config>>;

namespace detail {
template <class T>
T& member_of(T& value) { return value; }
/// value.*m1.*m2...; a member may be a base class's (a section that extends a library struct).
template <class T, class M, class Owner, class... Rest>
auto& member_of(T& value, M Owner::*member, Rest... rest) {
  static_assert(std::is_base_of_v<Owner, T>, "a member of another struct");
  return member_of(value.*member, rest...);
}

/// The section nodes of one read, each opened once and shared by its keys.
class SectionReader {
 public:
  explicit SectionReader(ConfigNode& root) : root_(root) {}
  ConfigNode& at(const std::string& path);

 private:
  ConfigNode& root_;
  std::map<std::string, ConfigNode> open_;
};

/// Opens and closes nested YAML maps so that each key lands in its section.
class SectionWriter {
 public:
  explicit SectionWriter(YAML::Emitter& out) : out_(out) {}
  /// Begins `rules`'s section (closing what it is not inside of) and emits its leaf as the key.
  void key(const KeyRules& rules);
  void close();

 private:
  YAML::Emitter& out_;
  std::vector<std::string> open_;
};

/// Reads `leaf` (the key's name or an alias) of `node` into `value` when present; true if present.
bool read_value(ConfigNode& node, const std::string& leaf, const KeyRules& rules, const ConfigValue& value);
/// The same for an enum row's text, checked against its choices.
bool read_text(ConfigNode& node, const std::string& leaf, const KeyRules& rules, std::string& text);
/// Throws ConfigError "<origin>: <key> must ..." when `value` breaks the row's range, multiple or choices.
void check_value(const KeyRules& rules, const ConfigValue& value, const std::string& origin);
void emit_value(YAML::Emitter& out, const KeyRules& rules, const ConfigValue& value);
/// Copies the member `from` points to into the one `to` points to (the same type).
void copy_member(const ConfigValue& from, const ConfigValue& to);
/// "in [0, 1]", "one of min, max", ... for the generated reference.
std::string constraint_text(const KeyRules& rules);
}  // namespace detail

/// A row bound to `config.*m1.*m2...` of a `Config`, e.g.
/// key<TrainConfig>("loss.bce_weight", &TrainConfig::loss, &LossSection::bce_weight).
template <class Config, class... Members>
ConfigKey<Config> key(std::string name, Members... members) {
  ConfigKey<Config> k;
  k.name = std::move(name);
  k.field = [members...](Config& config) -> ConfigValue { return &detail::member_of(config, members...); };
  using Member = std::remove_reference_t<decltype(detail::member_of(std::declval<Config&>(), members...))>;
  k.type = ConfigValue(static_cast<Member*>(nullptr)).index();
  return k;
}

/// A row for an enum member, read and written as text: `to_text(config)` and
/// `from_text(config, text)` convert; `choices` are the accepted texts. With no choices, any
/// text reaches from_text, which throws ConfigError naming the key for a bad one.
template <class Config>
ConfigKey<Config> enum_key(std::string name, std::vector<std::string> choices,
                           std::function<std::string(const Config&)> to_text,
                           std::function<void(Config&, const std::string&)> from_text) {
  ConfigKey<Config> k;
  k.name = std::move(name);
  k.allowed = std::move(choices);
  k.is_enum = true;
  k.type = ConfigValue(static_cast<std::string*>(nullptr)).index();
  k.text_get = std::move(to_text);
  k.text_set = std::move(from_text);
  return k;
}

/// `table` re-bound to an `Outer` struct that holds its config at `outer.*m1.*m2...` (a struct of
/// the table's type or one extending it), e.g. nested_table(train_config_table(), &CvConfig::train).
template <class Inner, class Outer, class First, class... Rest>
ConfigTable<Outer> nested_table(const ConfigTable<Inner>& table, First Outer::*first, Rest... rest) {
  const auto inner_of = [first, rest...](Outer& o) -> Inner& { return detail::member_of(o, first, rest...); };
  ConfigTable<Outer> out;
  for (const ConfigKey<Inner>& row : table) {
    ConfigKey<Outer> k;
    static_cast<KeyRules&>(k) = row;
    if (row.field) k.field = [field = row.field, inner_of](Outer& o) { return field(inner_of(o)); };
    if (row.text_get) {
      k.text_get = [get = row.text_get, inner_of](const Outer& o) { return get(inner_of(const_cast<Outer&>(o))); };
    }
    if (row.text_set) {
      k.text_set = [set = row.text_set, inner_of](Outer& o, const std::string& text) { set(inner_of(o), text); };
    }
    out.push_back(std::move(k));
  }
  return out;
}

/// `rows` with `more` appended (for a table built from several sections' tables).
template <class Config>
ConfigTable<Config> joined_tables(ConfigTable<Config> rows, const ConfigTable<Config>& more) {
  rows.insert(rows.end(), more.begin(), more.end());
  return rows;
}

/// `base` plus `extra`, each extra row placed after the last base row of its section (or at the
/// end), so that a file holding both still has each section once.
template <class Config>
ConfigTable<Config> merged_tables(ConfigTable<Config> base, const ConfigTable<Config>& extra) {
  for (const ConfigKey<Config>& key : extra) {
    auto last = base.end();
    for (auto it = base.begin(); it != base.end(); ++it) {
      if (it->section() == key.section()) last = it + 1;
    }
    base.insert(last, key);
  }
  return base;
}

/// Reads every key of `table` present under `root` into `config` (absent keys keep their value),
/// marking them known. The caller then reads its own keys, if any, and calls root.finish().
/// Returns the dotted names of the keys the file named (an alias as its row's name), whatever
/// their value: a key set to its default counts, an absent one does not.
/// Throws ConfigError naming the file and key on a wrong type.
template <class Config>
std::set<std::string> read_table(ConfigNode& root, const ConfigTable<Config>& table, Config& config) {
  detail::SectionReader sections(root);
  std::set<std::string> named;
  for (const ConfigKey<Config>& key : table) {
    ConfigNode& node = sections.at(key.section());
    std::vector<std::string> leaves = key.aliases;
    leaves.push_back(key.leaf());
    for (const std::string& leaf : leaves) {
      bool present = false;
      if (key.is_enum) {
        std::string text;
        present = detail::read_text(node, leaf, key, text);
        if (present) {
          try {
            key.text_set(config, text);  // a key without choices checks its text here
          } catch (const ConfigError& e) {
            throw ConfigError(node.file() + ": " + e.what());
          }
        }
      } else {
        present = detail::read_value(node, leaf, key, key.field(config));
      }
      if (present) named.insert(key.name);
    }
  }
  return named;
}

/// Checks one row's range, multiple and choices; throws ConfigError "<origin>: <key> must ...".
template <class Config>
void validate_key(const ConfigKey<Config>& key, const Config& config, const std::string& origin) {
  if (key.is_enum) return;  // enums are checked when read
  detail::check_value(key, key.field(const_cast<Config&>(config)), origin);  // only read
}

/// Checks every row of `table` (see validate_key).
template <class Config>
void validate_table(const ConfigTable<Config>& table, const Config& config, const std::string& origin) {
  for (const ConfigKey<Config>& key : table) validate_key(key, config, origin);
}

/// Sets `key`'s member of `to` to its value in `from`.
template <class Config>
void copy_value(const ConfigKey<Config>& key, const Config& from, Config& to) {
  if (key.is_enum) {
    key.text_set(to, key.text_get(from));
    return;
  }
  detail::copy_member(key.field(const_cast<Config&>(from)), key.field(to));  // `from` is only read
}

/// Emits one key's value (after its YAML::Key).
template <class Config>
void emit_key_value(YAML::Emitter& out, const ConfigKey<Config>& key, const Config& config) {
  if (key.is_enum) {
    const std::string text = key.text_get(config);
    if (text == "null") out << YAML::Null; else out << text;  // a text key's "no value", e.g. calibration.pixel_size_um
    return;
  }
  detail::emit_value(out, key, key.field(const_cast<Config&>(config)));  // only read
}

/// Emits the keys as nested YAML mappings (inside a map the caller has begun), in table order.
/// With `comments`, each key carries its help, range or choices as a trailing comment.
template <class Config>
void emit_table(YAML::Emitter& out, const ConfigTable<Config>& table, const Config& config, bool comments = false) {
  detail::SectionWriter sections(out);
  for (const ConfigKey<Config>& key : table) {
    sections.key(key);
    emit_key_value(out, key, config);
    if (comments) {
      const std::string constraint = detail::constraint_text(key);
      out << YAML::Comment(key.help_text + (constraint.empty() ? "" : " (" + constraint + ")"));
    }
  }
  sections.close();
}

/// The keys of `config` as nested YAML maps in table order, for a document that adds its own keys
/// beside the rows (a run's *_meta.yaml): the snapshot is emitted from the rows, never by hand.
template <class Config>
YAML::Node snapshot_node(const ConfigTable<Config>& table, const Config& config) {
  YAML::Emitter out;
  out << YAML::BeginMap;
  emit_table(out, table, config);
  out << YAML::EndMap;
  return YAML::Load(out.c_str());
}

/// The value of one key as YAML text ("0.5", "imagenet", "null"), e.g. for --help defaults.
template <class Config>
std::string value_text(const ConfigKey<Config>& key, const Config& config) {
  YAML::Emitter out;
  emit_key_value(out, key, config);
  return out.c_str();
}

/// The row named `name`; throws Error when there is none (a programming error).
template <class Config>
const ConfigKey<Config>& find_key(const ConfigTable<Config>& table, const std::string& name) {
  for (const ConfigKey<Config>& key : table) {
    if (key.name == name) return key;
  }
  throw Error("no config key named " + name);
}

/// Fully commented YAML of `config` (normally defaults), with `title` as the first comment line.
template <class Config>
std::string commented_yaml(const ConfigTable<Config>& table, const Config& config, const std::string& title) {
  YAML::Emitter out;
  out << YAML::BeginMap;
  emit_table(out, table, config, /*comments=*/true);
  out << YAML::EndMap;
  return "# " + title + "\n" + out.c_str() + "\n";
}

/// The rules of every row (names, help, ranges), without the binding to a struct.
template <class Config>
std::vector<KeyRules> rules_of(const ConfigTable<Config>& table) {
  return std::vector<KeyRules>(table.begin(), table.end());
}

}  // namespace segoid::core
